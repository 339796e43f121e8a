/**
 * Routes and stops as live tracking sees them: the route a driver is working, with each stop's planned times and
 * when it was reached. Routes and stops belong to routes.ts / stops.ts; this module only reads them.
 */
import { stmt, type Db } from './db.js';

/** One stop of the driver's current route, as stored. */
export interface RouteStopRow {
  stopId: string;
  lat: number;
  lng: number;
  status: string;
  serviceS: number;
  /** [{ from, to }] ISO. */
  windows: { from: string; to: string }[];
  plannedArrival: string | null;
  departure: string | null;
  distanceM: number;
  /** When the stop reached `arrived` / its final status: the driver's device time when it came over the
   * socket (what the live ETA used), else the server time in stop_history. */
  arrivedAt: string | null;
  finishedAt: string | null;
}

export interface ActiveRoute {
  routeId: string;
  status: string;
  start: { lat: number; lng: number } | null;
  stops: RouteStopRow[];
}

/**
 * The route a driver is working: the one in progress, else the earliest planned one.
 * (`+organization_id` keeps SQLite on the driver index: an organization can have thousands of routes.)
 */
export function activeRouteOf(db: Db, organizationId: string, driverId: string): ActiveRoute | undefined {
  const route = stmt(
    db,
    `SELECT r.id, r.status, COALESCE(v.start_lat, d.lat) AS start_lat, COALESCE(v.start_lng, d.lng) AS start_lng
     FROM routes r LEFT JOIN vehicles v ON v.id = r.vehicle_id LEFT JOIN depots d ON d.id = v.start_depot_id
     WHERE r.driver_id = ? AND +r.organization_id = ? AND r.status IN ('planned', 'in_progress')
     ORDER BY r.status = 'in_progress' DESC, r.date IS NULL, r.date, r.created_at LIMIT 1`,
  ).get(driverId, organizationId) as
    | { id: string; status: string; start_lat: number | null; start_lng: number | null }
    | undefined;
  if (!route) return undefined;
  const rows = stmt(
    db,
    `SELECT s.id, s.lat, s.lng, s.status, s.service_duration_s, s.time_windows_json, rs.planned_arrival,
       rs.departure, rs.distance_m,
       COALESCE(
         (SELECT MAX(e.ts) FROM driver_stop_events e WHERE e.stop_id = s.id AND e.event = 'arrived'
            AND e.error_code IS NULL),
         (SELECT MAX(created_at) FROM stop_history h WHERE h.stop_id = s.id AND h.to_status = 'arrived')) AS arrived_at,
       COALESCE(
         (SELECT MAX(e.ts) FROM driver_stop_events e WHERE e.stop_id = s.id AND e.event IN ('completed', 'failed')
            AND e.error_code IS NULL),
         (SELECT MAX(created_at) FROM stop_history h WHERE h.stop_id = s.id
            AND h.to_status IN ('completed', 'failed', 'cancelled'))) AS finished_at
     FROM route_stops rs JOIN stops s ON s.id = rs.stop_id WHERE rs.route_id = ? ORDER BY rs.position`,
  ).all(route.id) as {
    id: string;
    lat: number;
    lng: number;
    status: string;
    service_duration_s: number;
    time_windows_json: string;
    planned_arrival: string | null;
    departure: string | null;
    distance_m: number;
    arrived_at: string | null;
    finished_at: string | null;
  }[];
  return {
    routeId: route.id,
    status: route.status,
    start: route.start_lat !== null && route.start_lng !== null ? { lat: route.start_lat, lng: route.start_lng } : null,
    stops: rows.map((r) => ({
      stopId: r.id,
      lat: r.lat,
      lng: r.lng,
      status: r.status,
      serviceS: r.service_duration_s,
      windows: JSON.parse(r.time_windows_json) as { from: string; to: string }[],
      plannedArrival: r.planned_arrival,
      departure: r.departure,
      distanceM: r.distance_m,
      arrivedAt: r.arrived_at,
      finishedAt: r.finished_at,
    })),
  };
}

export function routeStatus(db: Db, routeId: string): string | undefined {
  const row = stmt(db, 'SELECT status FROM routes WHERE id = ?').get(routeId) as { status: string } | undefined;
  return row?.status;
}

/** True when the stop is this driver's: assigned to them directly or on a route they drive. */
export function stopBelongsToDriver(db: Db, organizationId: string, stopId: string, driverId: string): boolean {
  return (
    stmt(
      db,
      `SELECT 1 FROM stops s LEFT JOIN routes r ON r.id = s.route_id
       WHERE s.organization_id = ? AND s.id = ? AND (s.driver_id = ? OR r.driver_id = ?)`,
    ).get(organizationId, stopId, driverId, driverId) !== undefined
  );
}
