// Thin fetch wrapper for /api/v1: every answer becomes { ok, status, data } or { ok: false, status, error } with the
// API's error envelope ({ code, message, details }), so callers never parse errors themselves.

/**
 * @typedef {{ code: string, message: string, details?: unknown }} ApiErrorBody
 * @typedef {{ ok: true, status: number, data: any } | { ok: false, status: number, error: ApiErrorBody }} ApiResult
 */

/** @param {string} token */
export function createApiClient(token) {
  /**
   * @param {string} method
   * @param {string} path under /api/v1, starting with '/'
   * @param {unknown} [body]
   * @returns {Promise<ApiResult>}
   */
  async function request(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    // A fresh key per action: a retried network request is not applied twice by the server.
    if (method !== 'GET') headers['idempotency-key'] = crypto.randomUUID();
    let response;
    try {
      response = await fetch(`/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      return { ok: false, status: 0, error: { code: 'network_error', message: String(err) } };
    }
    const text = await response.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (response.ok) return { ok: true, status: response.status, data: parsed };
    // The token was revoked (or expired) while the page was open: let the page ask for a new one.
    if (response.status === 401) window.dispatchEvent(new CustomEvent('milkrun:unauthorized'));
    const error = parsed && parsed.error ? parsed.error : { code: `http_${response.status}`, message: text };
    return { ok: false, status: response.status, error };
  }

  /**
   * Follows next_cursor until the list ends (bounded, so a server bug cannot loop the page forever).
   * @param {string} path
   * @returns {Promise<{ ok: true, data: any[] } | { ok: false, status: number, error: ApiErrorBody }>}
   */
  async function listAll(path) {
    const items = [];
    let cursor = null;
    for (let page = 0; page < 100; page += 1) {
      const sep = path.includes('?') ? '&' : '?';
      const url = `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const result = await request('GET', url);
      if (!result.ok) return result;
      const body = result.data ?? {};
      items.push(...(Array.isArray(body.data) ? body.data : []));
      cursor = body.next_cursor ?? null;
      if (!cursor) break;
    }
    return { ok: true, data: items };
  }

  return { request, listAll, token };
}
