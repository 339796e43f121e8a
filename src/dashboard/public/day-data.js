// Loads one day's plan from the REST API and turns it into the page's view model. The joins happen here (route
// stops carry ids and times, stops carry coordinates and windows) so map and panel only draw.
import { routeColor } from './route-colors.js';

/**
 * @typedef {{ lat: number, lng: number }} Point
 * @typedef {{ id: string, seq: number, lat: number, lng: number, label: string, plannedArrival: string | null,
 *   eta: string | null, windowFrom: string | null, windowTo: string | null, status: string, late: boolean }} RouteStop
 * @typedef {{ id: string, name: string, color: string, vehicleId: string | null, driverId: string | null,
 *   driverName: string | null, optimized: boolean | null, distanceM: number | null, durationS: number | null,
 *   start: Point | null, end: Point | null, stops: RouteStop[] }} RouteView
 * @typedef {{ driverId: string, lat: number, lng: number, heading: number | null, online: boolean,
 *   updatedAt: string | null, currentStopId: string | null,
 *   remaining: { stopId: string, eta: string | null, late: boolean }[] }} DriverLive
 * @typedef {{ id: string, name: string, routeId: string | null, live: DriverLive | null, liveRaw: any }} DriverView
 * @typedef {{ id: string, name: string, geometry: any }} AreaView
 * @typedef {{ date: string, routes: RouteView[], drivers: DriverView[], areas: AreaView[], unrouted: RouteStop[],
 *   problems: string[] }} DayView
 */

/** @param {any} p */
function toPoint(p) {
  if (p && typeof p.lat === 'number' && typeof p.lng === 'number') return { lat: p.lat, lng: p.lng };
  return null;
}

/** @param {any} stop */
function stopLabel(stop) {
  return String(stop?.customer_name ?? stop?.address ?? stop?.external_id ?? stop?.id ?? '');
}

/**
 * A window this stop can still be late for: the last one that ends on this day.
 * @param {any} stop
 */
function lastWindow(stop) {
  const windows = Array.isArray(stop?.time_windows) ? stop.time_windows : [];
  if (windows.length === 0) return { from: null, to: null };
  const w = windows[windows.length - 1];
  return { from: w.from ?? null, to: w.to ?? null };
}

/** Stop statuses after which the stop has no arrival ahead of it. */
export const DONE_STATUSES = new Set(['completed', 'failed', 'cancelled']);

/**
 * @param {string | null} arrival
 * @param {string | null} windowTo
 */
export function isAfterWindow(arrival, windowTo) {
  if (!arrival || !windowTo) return false;
  return new Date(arrival).getTime() > new Date(windowTo).getTime();
}

/**
 * @param {any} raw one element of a route's `stops`
 * @param {number} index
 * @param {Map<string, any>} stopsById
 * @returns {RouteStop | null}
 */
function toRouteStop(raw, index, stopsById) {
  const id = raw?.stop_id ?? raw?.id ?? raw?.stop?.id;
  if (typeof id !== 'string') return null;
  const stop = stopsById.get(id) ?? raw?.stop ?? raw;
  const lat = raw?.lat ?? stop?.lat;
  const lng = raw?.lng ?? stop?.lng;
  if (typeof lat !== 'number' || typeof lng !== 'number') return null;
  const window = lastWindow(stop);
  const plannedArrival = raw?.planned_arrival ?? null;
  const status = String(raw?.status ?? stop?.status ?? 'assigned');
  const eta = raw?.updated_arrival ?? raw?.eta ?? null;
  return {
    id,
    seq: index + 1,
    lat,
    lng,
    label: stopLabel(stop),
    plannedArrival,
    eta,
    windowFrom: window.from,
    windowTo: window.to,
    status,
    // A stop that is done cannot be late any more, whatever its last estimate said.
    late: !DONE_STATUSES.has(status) && isAfterWindow(eta ?? plannedArrival, window.to),
  };
}

/** @param {any} live */
export function toDriverLive(live) {
  if (!live || typeof live.lat !== 'number' || typeof live.lng !== 'number') return null;
  const driverId = live.driver_id;
  if (typeof driverId !== 'string') return null;
  const remaining = Array.isArray(live.remaining) ? live.remaining : [];
  return {
    driverId,
    lat: live.lat,
    lng: live.lng,
    heading: typeof live.heading === 'number' ? live.heading : null,
    online: live.online !== false,
    updatedAt: live.updated_at ?? live.ts ?? null,
    currentStopId: live.current_stop_id ?? null,
    remaining: remaining
      .filter((r) => r && typeof r.stop_id === 'string')
      .map((r) => ({
        stopId: r.stop_id,
        eta: r.eta ?? r.eta_at ?? null,
        late: Boolean(r.late ?? r.will_miss_window ?? r.window_missed ?? r.misses_window ?? false),
      })),
  };
}

/** @param {any} area */
function toArea(area) {
  const geometry = area?.geometry ?? area?.feature?.geometry ?? area?.geojson?.geometry ?? area?.geojson;
  if (!geometry || typeof geometry.type !== 'string') return null;
  return { id: String(area.id), name: String(area.name ?? area.id), geometry };
}

/**
 * @param {ReturnType<import('./api-client.js').createApiClient>} api
 * @param {string} date YYYY-MM-DD
 * @returns {Promise<DayView>}
 */
export async function loadDay(api, date) {
  const problems = [];
  const [routeList, stopList, vehicleList, driverList, areaList] = await Promise.all([
    api.listAll(`/routes?date=${date}`),
    api.listAll(`/stops?date=${date}`),
    api.listAll('/vehicles'),
    api.listAll('/drivers'),
    api.listAll('/service-areas'),
  ]);
  for (const [name, result] of /** @type {const} */ ([['routes', routeList], ['stops', stopList],
    ['vehicles', vehicleList], ['drivers', driverList]])) {
    if (!result.ok) problems.push(`${name}: ${result.error.message}`);
  }
  // Service areas are optional (an organization without areas, or a server without the module).
  const stopsById = new Map((stopList.ok ? stopList.data : []).map((s) => [s.id, s]));
  const vehiclesById = new Map((vehicleList.ok ? vehicleList.data : []).map((v) => [v.id, v]));
  const driversById = new Map((driverList.ok ? driverList.data : []).map((d) => [d.id, d]));

  // A list item may omit the stops; the detail always has them in order.
  const details = await Promise.all((routeList.ok ? routeList.data : []).map(async (r) => {
    if (Array.isArray(r.stops) && r.stops.length > 0 && r.stops[0].planned_arrival !== undefined) return r;
    const detail = await api.request('GET', `/routes/${r.id}`);
    return detail.ok ? detail.data : r;
  }));

  /** @type {RouteView[]} */
  const routes = details.map((r, i) => {
    const vehicle = vehiclesById.get(r.vehicle_id);
    const driver = driversById.get(r.driver_id) ??
      [...driversById.values()].find((d) => r.vehicle_id && d.vehicle_id === r.vehicle_id);
    const stops = (Array.isArray(r.stops) ? r.stops : [])
      .map((s, k) => toRouteStop(s, k, stopsById))
      .filter((s) => s !== null);
    return {
      id: String(r.id),
      name: String(r.name ?? vehicle?.name ?? r.id),
      color: routeColor(i),
      vehicleId: r.vehicle_id ?? null,
      driverId: driver?.id ?? r.driver_id ?? null,
      driverName: driver?.name ?? null,
      optimized: typeof r.optimized === 'boolean' ? r.optimized : null,
      distanceM: r.distance_m ?? null,
      durationS: r.duration_s ?? null,
      start: toPoint(r.start) ?? toPoint(vehicle?.start),
      end: toPoint(r.end) ?? toPoint(vehicle?.end),
      stops,
    };
  });

  const routed = new Set(routes.flatMap((r) => r.stops.map((s) => s.id)));
  const unrouted = [...stopsById.values()]
    .filter((s) => !routed.has(s.id) && (s.status === 'pending' || s.status === undefined))
    .map((s, k) => toRouteStop(s, k, stopsById))
    .filter((s) => s !== null);

  /** @type {DriverView[]} */
  const drivers = await Promise.all(routes.filter((r) => r.driverId).map(async (r) => {
    const id = /** @type {string} */ (r.driverId);
    const live = await api.request('GET', `/drivers/${id}/live`);
    return { id, name: r.driverName ?? id, routeId: r.id, live: live.ok ? toDriverLive(live.data) : null,
      liveRaw: live.ok ? live.data : null };
  }));

  const areas = (areaList.ok ? areaList.data : []).map(toArea).filter((a) => a !== null);
  return { date, routes, drivers, areas, unrouted, problems };
}
