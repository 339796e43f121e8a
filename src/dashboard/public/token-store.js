// The API token lives only in this tab's sessionStorage: closing the tab forgets it, and it is never written to
// localStorage or a cookie where another page or a later session could read it.
const KEY = 'milkrun.dashboard.token';

/** @returns {string | null} */
export function readToken() {
  return sessionStorage.getItem(KEY);
}

/** @param {string} token */
export function saveToken(token) {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}
