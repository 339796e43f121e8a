// Page entry: asks for the token once, loads the chosen day, wires the planner's actions to the REST API and
// keeps map and panel current from /ws/live.
import { createApiClient } from './api-client.js';
import { loadDay, toDriverLive } from './day-data.js';
import { clockTime, escapeHtml, setDisplayDay, setDisplayZone, todayIsoDate } from './format.js';
import { connectLiveFeed } from './live-feed.js';
import { createMapView } from './map-view.js';
import { createRoutePanel } from './route-panel.js';
import { forgetToken, readToken, saveToken } from './token-store.js';

const REFRESH_MS = 30_000;

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {string} text @param {'info' | 'error' | 'warning'} [kind] */
function showMessage(text, kind = 'info') {
  const box = $('message');
  box.className = `message ${kind}`;
  box.innerHTML = text;
  box.hidden = text === '';
}

/** @param {string} text */
function setStatus(text) {
  const status = $('status');
  status.textContent = text;
  status.classList.toggle('connected', text === 'live');
}

/** @param {import('./api-client.js').ApiErrorBody} error */
function errorText(error) {
  return `${escapeHtml(error.code)}: ${escapeHtml(String(error.message ?? ''))}`;
}

/** Asks for a token until GET /me accepts one. @returns {Promise<string>} */
async function obtainToken() {
  const saved = readToken();
  if (saved && (await createApiClient(saved).request('GET', '/me')).ok) return saved;
  forgetToken();
  const dialog = $('token-dialog');
  const form = /** @type {HTMLFormElement} */ ($('token-form'));
  const input = /** @type {HTMLInputElement} */ ($('token-input'));
  const error = $('token-error');
  dialog.hidden = false;
  input.focus();
  return new Promise((resolve) => {
    form.addEventListener('submit', async function onSubmit(event) {
      event.preventDefault();
      const token = input.value.trim();
      const me = await createApiClient(token).request('GET', '/me');
      if (!me.ok) {
        error.textContent = me.status === 401 ? 'This token is not valid.' : `The server answered: ${me.error.message}`;
        return;
      }
      form.removeEventListener('submit', onSubmit);
      saveToken(token);
      dialog.hidden = true;
      resolve(token);
    });
  });
}

/**
 * Time-window violations may sit at the top of an answer or inside its route.
 * @param {any} body
 * @returns {any[]}
 */
function violationsOf(body) {
  for (const holder of [body, body?.route, body?.data]) {
    for (const key of ['violations', 'time_window_violations', 'warnings']) {
      if (Array.isArray(holder?.[key])) return holder[key];
    }
  }
  return [];
}

async function start() {
  const configAnswer = await fetch('/dashboard/config.json');
  const config = configAnswer.ok ? await configAnswer.json() : {};
  const mapView = createMapView($('map'), {
    tileUrl: config.tile_url ?? null,
    tileAttribution: config.tile_attribution ?? null,
  });
  const token = await obtainToken();
  window.addEventListener('milkrun:unauthorized', () => {
    forgetToken();
    location.reload();
  }, { once: true });
  const api = createApiClient(token);
  // Times and "today" are the organization's, not the browser's.
  const organization = await api.request('GET', '/organization');
  if (organization.ok && typeof organization.data.time_zone === 'string') setDisplayZone(organization.data.time_zone);
  const dateInput = /** @type {HTMLInputElement} */ ($('date-input'));
  dateInput.value = new URLSearchParams(location.search).get('date') ?? config.default_date ?? todayIsoDate();

  /** @type {import('./day-data.js').DayView | null} */
  let day = null;
  /** @type {Map<string, any>} driver id -> the latest merged live state (updates may carry only part of it) */
  const liveStates = new Map();
  let busy = false;

  /** @param {string} stopId */
  function stopName(stopId) {
    for (const list of [...(day?.routes.map((r) => r.stops) ?? []), day?.unrouted ?? []]) {
      const s = list.find((x) => x.id === stopId);
      if (s) return s.label;
    }
    return stopId;
  }

  const panel = createRoutePanel($('routes'), {
    onMoveStop: (move) => runAction(() => moveStop(move)),
    onReoptimize: (routeId) => runAction(() => reoptimize(routeId)),
    onFocusStop: (stopId) => mapView.focusStop(stopId),
  });

  async function reload() {
    setBusy(true);
    try {
      const loaded = await loadDay(api, dateInput.value);
      setDisplayDay(dateInput.value);
      day = loaded;
      mapView.render(loaded);
      panel.render(loaded);
      // The REST answer is the state at load time; later frames merge on top of it.
      for (const d of loaded.drivers) if (d.liveRaw) liveStates.set(d.id, { ...liveStates.get(d.id), ...d.liveRaw });
      if (loaded.problems.length > 0) {
        showMessage(`Could not load everything: ${escapeHtml(loaded.problems.join('; '))}`, 'error');
      }
    } catch (err) {
      showMessage(`Could not load ${escapeHtml(dateInput.value)}: ${escapeHtml(String(err))}`, 'error');
    } finally {
      setBusy(false);
    }
  }

  /** @param {boolean} value */
  function setBusy(value) {
    busy = value;
    document.body.classList.toggle('busy', value);
    for (const b of document.querySelectorAll('button.action')) /** @type {HTMLButtonElement} */ (b).disabled = value;
  }

  /** One action at a time; the page reloads the day after each so what it shows is what the server holds. */
  /** @param {() => Promise<void>} action */
  async function runAction(action) {
    if (busy) return;
    setBusy(true);
    try {
      await action();
    } finally {
      await reload();
    }
  }

  async function autoOptimize() {
    showMessage('Optimizing…');
    const result = await api.request('POST', '/routes/auto-optimize', {
      date: dateInput.value,
      options: { time_limit_s: 2, minimize: 'cost' },
    });
    if (!result.ok) {
      showMessage(`Auto-optimize failed: ${errorText(result.error)}`, 'error');
      return;
    }
    const body = result.data ?? {};
    const routes = Array.isArray(body.routes) ? body.routes.length : 0;
    const unassigned = Array.isArray(body.unassigned) ? body.unassigned : [];
    const km = typeof body.summary?.distance_m === 'number' ? ` · ${(body.summary.distance_m / 1000).toFixed(1)} km` : '';
    const reasons = unassigned.map((u) => `${escapeHtml(stopName(String(u.stop_id)))} (${escapeHtml(String(u.reason))})`);
    showMessage(`Auto-optimize created <b data-testid="optimize-routes">${routes}</b> routes${km}` +
      (unassigned.length ? `; not served: ${reasons.join(', ')}` : '; every stop served') + '.',
    unassigned.length ? 'warning' : 'info');
  }

  /** @param {string} routeId */
  async function reoptimize(routeId) {
    const result = await api.request('POST', `/routes/${routeId}/reoptimize`, {});
    if (!result.ok) {
      showMessage(`Reoptimize failed: ${errorText(result.error)}`, 'error');
      return;
    }
    const body = result.data ?? {};
    if (body.changed === false) {
      showMessage('Already optimized: nothing to change.');
      return;
    }
    // What the new plan still breaks (a stop that can no longer be made today), with the reason, never "0 late".
    const violations = violationsOf(body);
    if (violations.length === 0) {
      showMessage('Route reoptimized; no time window broken.');
      return;
    }
    const lines = violations.map((v) => {
      const what = v.stop_id ? escapeHtml(stopName(String(v.stop_id))) : 'the route';
      const lateBy = typeof v.late_by_s === 'number' ? ` (${Math.ceil(v.late_by_s / 60)} min late)` : '';
      return `<li>${what}: ${escapeHtml(String(v.reason ?? v.type ?? ''))}${lateBy}</li>`;
    });
    showMessage(`Route reoptimized; <b data-testid="violation-count">${violations.length}</b> problem(s) remain:<ul>${lines.join('')}</ul>`, 'warning');
  }

  /** @param {import('./route-panel.js').StopMove} move */
  async function moveStop(move) {
    const target = day?.routes.find((r) => r.id === move.toRouteId);
    if (!target) return;
    const order = target.stops.map((s) => s.id).filter((id) => id !== move.stopId);
    order.splice(Math.min(move.position, order.length), 0, move.stopId);
    if (move.fromRouteId !== move.toRouteId) {
      if (move.fromRouteId) {
        const removed = await api.request('DELETE', `/routes/${move.fromRouteId}/stops/${move.stopId}`);
        if (!removed.ok) {
          showMessage(`Could not take the stop off its route: ${errorText(removed.error)}`, 'error');
          return;
        }
      }
      const added = await api.request('PUT', `/routes/${move.toRouteId}/stops`, { stop_ids: [move.stopId] });
      if (!added.ok) {
        showMessage(`Could not add the stop to ${escapeHtml(target.name)}: ${errorText(added.error)}`, 'error');
        return;
      }
    }
    const reordered = await api.request('PUT', `/routes/${move.toRouteId}/order`, { stop_ids: order });
    if (!reordered.ok) {
      showMessage(`Could not reorder ${escapeHtml(target.name)}: ${errorText(reordered.error)}`, 'error');
      return;
    }
    const violations = violationsOf(reordered.data);
    if (violations.length === 0) {
      showMessage(`Moved ${escapeHtml(stopName(move.stopId))} to ${escapeHtml(target.name)}; no time window broken.`);
      return;
    }
    const lines = violations.map((v) => {
      const id = String(v.stop_id ?? v.id ?? '');
      const arrival = v.planned_arrival ?? v.arrival ?? null;
      const until = v.window_end ?? v.window_to ?? null;
      const lateBy = typeof v.late_by_s === 'number' ? ` (${Math.ceil(v.late_by_s / 60)} min late)` : '';
      return `<li>${escapeHtml(stopName(id))}: arrives ${clockTime(arrival)}, window ends ${clockTime(until)}${lateBy}</li>`;
    });
    showMessage(`Moved ${escapeHtml(stopName(move.stopId))} to ${escapeHtml(target.name)}; ` +
      `<b data-testid="violation-count">${violations.length}</b> time-window violation(s):<ul>${lines.join('')}</ul>`,
    'warning');
  }

  $('auto-optimize').addEventListener('click', () => runAction(autoOptimize));
  $('reload').addEventListener('click', () => runAction(async () => {}));
  dateInput.addEventListener('change', () => runAction(async () => {
    showMessage('');
    history.replaceState(null, '', `?date=${encodeURIComponent(dateInput.value)}`);
  }));
  $('forget-token').addEventListener('click', () => {
    forgetToken();
    location.reload();
  });

  await reload();
  // Live frames carry positions and ETAs, not stop statuses: refresh the day now and then to show completed stops,
  // unless the planner is busy or in the middle of a drag.
  setInterval(() => {
    if (!busy && !document.querySelector('li.stop.dragging')) void reload();
  }, REFRESH_MS);
  setStatus('connecting…');
  connectLiveFeed({
    token,
    onStatus: setStatus,
    onUpdate: (update) => {
      const merged = { ...liveStates.get(update.driver_id), ...update };
      liveStates.set(update.driver_id, merged);
      const live = toDriverLive(merged);
      if (!live) return;
      mapView.moveDriver(live);
      for (const { stopId, late } of panel.applyLive(live)) mapView.markStopLate(stopId, late);
    },
  });
}

start().catch((err) => showMessage(`The dashboard failed to start: ${escapeHtml(String(err))}`, 'error'));
