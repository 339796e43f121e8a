import type { Route, RouteListQuery, RouteStatus, RouteStop, RouteSummary } from './records/routes.js';
import { nowIso, stmt, type Db } from './db.js';
import { recordEvent } from './events.js';
import { newId } from './ids.js';
import { decodeCursor, toPage, type Page } from './pagination.js';
export type { Route, RouteListQuery, RouteStatus, RouteStop, RouteSummary };

/** A stop's place and planned times on a route, as written. */
export interface RouteStopPlan {
  stop_id: string;
  planned_arrival: string | null;
  service_start: string | null;
  departure: string | null;
  distance_m: number;
}

interface RouteRow {
  _rowid: number;
  id: string;
  external_id: string | null;
  name: string | null;
  date: string | null;
  vehicle_id: string | null;
  driver_id: string | null;
  status: Route['status'];
  optimized: number;
  distance_m: number;
  duration_s: number;
  stop_count: number;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = `rowid AS _rowid, id, external_id, name, date, vehicle_id, driver_id, status, optimized, distance_m,
  duration_s, (SELECT COUNT(*) FROM route_stops rs WHERE rs.route_id = routes.id) AS stop_count, started_at,
  completed_at, created_at, updated_at`;

function toSummary(row: RouteRow): RouteSummary {
  return {
    id: row.id,
    external_id: row.external_id,
    name: row.name,
    date: row.date,
    vehicle_id: row.vehicle_id,
    driver_id: row.driver_id,
    status: row.status,
    optimized: row.optimized === 1,
    distance_m: row.distance_m,
    duration_s: row.duration_s,
    stop_count: row.stop_count,
    started_at: row.started_at,
    completed_at: row.completed_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function routeStops(db: Db, routeId: string): RouteStop[] {
  const rows = stmt(
    db,
    `SELECT rs.stop_id, rs.position, s.status, s.lat, s.lng, s.address, s.time_windows_json, rs.planned_arrival,
       rs.service_start, rs.departure, rs.distance_m, rs.eta
     FROM route_stops rs JOIN stops s ON s.id = rs.stop_id WHERE rs.route_id = ? ORDER BY rs.position`,
  ).all(routeId) as (Omit<RouteStop, 'time_windows'> & { time_windows_json: string })[];
  return rows.map(({ time_windows_json, ...r }) => ({
    ...r,
    time_windows: JSON.parse(time_windows_json) as RouteStop['time_windows'],
  }));
}

export function getRouteSummary(db: Db, orgId: string, id: string): RouteSummary | undefined {
  const row = stmt(db, `SELECT ${COLUMNS} FROM routes WHERE organization_id = ? AND id = ?`).get(orgId, id) as
    | RouteRow
    | undefined;
  return row && toSummary(row);
}

export function getRoute(db: Db, orgId: string, id: string): Route | undefined {
  const summary = getRouteSummary(db, orgId, id);
  return summary && { ...summary, stops: routeStops(db, id) };
}

export function listRoutes(db: Db, orgId: string, q: RouteListQuery): Page<RouteSummary> {
  const where = ['organization_id = ?', 'rowid > ?'];
  const args: (string | number)[] = [orgId, decodeCursor(q.cursor)];
  for (const key of ['date', 'status', 'driver_id', 'vehicle_id'] as const) {
    const value = q[key];
    if (value !== undefined) {
      where.push(`${key} = ?`);
      args.push(value);
    }
  }
  args.push(q.limit + 1);
  const rows = stmt(db, `SELECT ${COLUMNS} FROM routes WHERE ${where.join(' AND ')} ORDER BY rowid LIMIT ?`).all(
    ...args,
  ) as RouteRow[];
  return toPage(rows, q.limit, toSummary);
}

/** The live estimate of a stop's arrival (tracking writes it; `GET /routes/:id` shows it). */
export function writeStopEta(db: Db, routeId: string, stopId: string, etaIso: string): void {
  stmt(db, 'UPDATE route_stops SET eta = ? WHERE route_id = ? AND stop_id = ?').run(etaIso, routeId, stopId);
}

/** Vehicles that already have a route on `date`. */
export function vehiclesBusyOn(db: Db, orgId: string, date: string): Set<string> {
  const rows = stmt(
    db,
    'SELECT DISTINCT vehicle_id FROM routes WHERE organization_id = ? AND date = ? AND vehicle_id IS NOT NULL',
  ).all(orgId, date) as { vehicle_id: string }[];
  return new Set(rows.map((r) => r.vehicle_id));
}

/** Writes the stops' places from `fromPosition` on, with their planned times (moving a stop from another route). */
export function writeStopPlan(db: Db, routeId: string, plan: readonly RouteStopPlan[], fromPosition: number): void {
  const upsert = stmt(
    db,
    `INSERT INTO route_stops (route_id, stop_id, position, planned_arrival, service_start, departure, distance_m)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (stop_id) DO UPDATE SET route_id = excluded.route_id, position = excluded.position,
       planned_arrival = excluded.planned_arrival, service_start = excluded.service_start,
       departure = excluded.departure, distance_m = excluded.distance_m`,
  );
  plan.forEach((p, i) =>
    upsert.run(routeId, p.stop_id, fromPosition + i, p.planned_arrival, p.service_start, p.departure, p.distance_m),
  );
}

export interface NewRoute {
  name?: string | null;
  date?: string | null;
  vehicle_id?: string | null;
  driver_id?: string | null;
  external_id?: string | null;
  optimized: boolean;
  distance_m: number;
  duration_s: number;
  stops: readonly RouteStopPlan[];
}

/** Inserts a `planned` route row and returns its id; its stops are written separately (writeStopPlan). */
export function insertRoute(db: Db, orgId: string, input: Omit<NewRoute, 'stops'>, createdAt: string): string {
  const id = newId('rte');
  stmt(
    db,
    `INSERT INTO routes (id, organization_id, external_id, name, date, vehicle_id, driver_id, status, optimized,
       distance_m, duration_s, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, ?, ?)`,
  ).run(
    id,
    orgId,
    input.external_id ?? null,
    input.name ?? null,
    input.date ?? null,
    input.vehicle_id ?? null,
    input.driver_id ?? null,
    input.optimized ? 1 : 0,
    input.distance_m,
    input.duration_s,
    createdAt,
    createdAt,
  );
  return id;
}

/** The highest position on a route, -1 when it has no stops. */
export function lastRoutePosition(db: Db, routeId: string): number {
  return (stmt(db, 'SELECT COALESCE(MAX(position), -1) AS p FROM route_stops WHERE route_id = ?').get(routeId) as { p: number }).p;
}

/** Takes a stop off whichever route holds it. */
export function removeStopFromRoutes(db: Db, stopId: string): void {
  stmt(db, 'DELETE FROM route_stops WHERE stop_id = ?').run(stopId);
}

/**
 * The route's order is no longer the solver's (one of its stops changed, or stops came or went). With `updatedAt`
 * the route's `updated_at` moves too.
 */
export function markRouteUnoptimized(db: Db, routeId: string, updatedAt?: string): void {
  if (updatedAt === undefined) stmt(db, 'UPDATE routes SET optimized = 0 WHERE id = ?').run(routeId);
  else stmt(db, 'UPDATE routes SET optimized = 0, updated_at = ? WHERE id = ?').run(updatedAt, routeId);
}

/** A route's totals after its stops were re-planned. */
export function writeRouteTotals(
  db: Db,
  orgId: string,
  routeId: string,
  totals: { distance_m: number; duration_s: number; optimized: boolean },
  updatedAt: string,
): void {
  stmt(db, 'UPDATE routes SET distance_m = ?, duration_s = ?, optimized = ?, updated_at = ? WHERE id = ? AND organization_id = ?').run(
    totals.distance_m,
    totals.duration_s,
    totals.optimized ? 1 : 0,
    updatedAt,
    routeId,
    orgId,
  );
}

export function writeRouteDriver(db: Db, orgId: string, routeId: string, driverId: string | null, updatedAt: string): void {
  stmt(db, 'UPDATE routes SET driver_id = ?, updated_at = ? WHERE id = ? AND organization_id = ?').run(driverId, updatedAt, routeId, orgId);
}

export function routeStatusOf(db: Db, orgId: string, routeId: string): RouteStatus | undefined {
  const row = stmt(db, 'SELECT status FROM routes WHERE id = ? AND organization_id = ?').get(routeId, orgId) as
    | { status: RouteStatus }
    | undefined;
  return row?.status;
}

export function markRouteStarted(db: Db, routeId: string, at: string): void {
  stmt(db, `UPDATE routes SET status = 'in_progress', started_at = ?, updated_at = ? WHERE id = ?`).run(at, at, routeId);
}

export function markRouteCompleted(db: Db, routeId: string, at: string): void {
  stmt(db, `UPDATE routes SET status = 'completed', completed_at = ?, updated_at = ? WHERE id = ?`).run(at, at, routeId);
}

/** How many of a route's stops are still open (not completed, failed or cancelled). */
export function openStopCount(db: Db, routeId: string): number {
  return (
    stmt(
      db,
      `SELECT COUNT(*) AS n FROM route_stops rs JOIN stops s ON s.id = rs.stop_id
       WHERE rs.route_id = ? AND s.status NOT IN ('completed', 'failed', 'cancelled')`,
    ).get(routeId) as { n: number }
  ).n;
}

export function deleteRouteRow(db: Db, orgId: string, routeId: string): void {
  stmt(db, 'DELETE FROM routes WHERE id = ? AND organization_id = ?').run(routeId, orgId);
}

export function findRouteIdByExternalId(db: Db, orgId: string, externalId: string): string | undefined {
  const row = stmt(db, 'SELECT id FROM routes WHERE organization_id = ? AND external_id = ?').get(orgId, externalId) as
    | { id: string }
    | undefined;
  return row?.id;
}

/** Updates a route's own fields (not its stops); emits route.updated. */
export function updateRouteFields(
  db: Db,
  orgId: string,
  routeId: string,
  fields: { name?: string | null; date?: string | null; vehicle_id?: string | null; driver_id?: string | null },
): Route {
  return db.transaction(() => {
    const cur = getRouteSummary(db, orgId, routeId)!;
    const next = {
      name: fields.name !== undefined ? fields.name : cur.name,
      date: fields.date !== undefined ? fields.date : cur.date,
      vehicle_id: fields.vehicle_id !== undefined ? fields.vehicle_id : cur.vehicle_id,
      driver_id: fields.driver_id !== undefined ? fields.driver_id : cur.driver_id,
    };
    stmt(db, 'UPDATE routes SET name = ?, date = ?, vehicle_id = ?, driver_id = ?, updated_at = ? WHERE id = ? AND organization_id = ?').run(
      next.name,
      next.date,
      next.vehicle_id,
      next.driver_id,
      nowIso(),
      routeId,
      orgId,
    );
    const route = getRoute(db, orgId, routeId)!;
    recordEvent(db, { organizationId: orgId, type: 'route.updated', resourceType: 'route', resourceId: routeId, data: route });
    return route;
  }).immediate();
}

export function setRouteVehicle(db: Db, orgId: string, routeId: string, vehicleId: string): void {
  stmt(db, 'UPDATE routes SET vehicle_id = ?, optimized = 0, updated_at = ? WHERE id = ? AND organization_id = ?').run(vehicleId, nowIso(), routeId, orgId);
}

export interface TimelineEntry {
  at: string;
  type: string;
  resource_type: string;
  resource_id: string;
  data: unknown;
}

/** What happened to the route and its stops, oldest first (from the events outbox). */
export function routeTimeline(db: Db, orgId: string, routeId: string): TimelineEntry[] {
  const rows = stmt(
    db,
    `SELECT created_at, type, resource_type, resource_id, data_json FROM events
     WHERE organization_id = ? AND (resource_id = ?
       OR (resource_type = 'stop' AND resource_id IN (SELECT stop_id FROM route_stops WHERE route_id = ?)))
     ORDER BY seq`,
  ).all(orgId, routeId, routeId) as { created_at: string; type: string; resource_type: string; resource_id: string; data_json: string }[];
  return rows.map((r) => ({
    at: r.created_at,
    type: r.type,
    resource_type: r.resource_type,
    resource_id: r.resource_id,
    data: JSON.parse(r.data_json) as unknown,
  }));
}
