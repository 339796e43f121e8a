import { DomainError } from '../errors.js';
import type { Route, RouteListQuery, RouteStop, RouteSummary } from './records/routes.js';
import { nowIso, stmt, type Db } from './db.js';
import { recordEvent } from './events.js';
import { newId } from './ids.js';
import { decodeCursor, toPage, type Page } from './pagination.js';
import { changeStopStatus } from './stops.js';
export type { Route, RouteListQuery, RouteStop, RouteSummary };

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

/** Vehicles that already have a route on `date`. */
export function vehiclesBusyOn(db: Db, orgId: string, date: string): Set<string> {
  const rows = stmt(
    db,
    'SELECT DISTINCT vehicle_id FROM routes WHERE organization_id = ? AND date = ? AND vehicle_id IS NOT NULL',
  ).all(orgId, date) as { vehicle_id: string }[];
  return new Set(rows.map((r) => r.vehicle_id));
}

function writeStopPlan(db: Db, routeId: string, plan: readonly RouteStopPlan[], fromPosition: number): void {
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

/**
 * Creates a route with its stops in order; each stop must be pending and becomes `assigned` (with history and
 * events). Emits route.created (and route.optimized when the order is the solver's). All in the caller's
 * transaction when there is one.
 */
export function createRoute(db: Db, orgId: string, input: NewRoute, actor: string): Route {
  return db.transaction(() => {
    const id = newId('rte');
    const now = nowIso();
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
      now,
      now,
    );
    assignStops(db, orgId, id, input.stops, input.driver_id ?? null, actor);
    writeStopPlan(db, id, input.stops, 0);
    const route = getRoute(db, orgId, id)!;
    recordEvent(db, { organizationId: orgId, type: 'route.created', resourceType: 'route', resourceId: id, data: route });
    if (input.optimized) {
      recordEvent(db, { organizationId: orgId, type: 'route.optimized', resourceType: 'route', resourceId: id, data: route });
    }
    return route;
  })();
}

function assignStops(
  db: Db,
  orgId: string,
  routeId: string,
  plan: readonly RouteStopPlan[],
  driverId: string | null,
  actor: string,
): void {
  for (const p of plan) {
    const s = stmt(db, 'SELECT status, route_id FROM stops WHERE organization_id = ? AND id = ?').get(orgId, p.stop_id) as
      | { status: string; route_id: string | null }
      | undefined;
    if (!s) {
      throw new DomainError('validation_error', `Unknown stop ${p.stop_id}`, [{ field: 'stop_ids', message: 'no such stop', value: p.stop_id }]);
    }
    if (s.status !== 'pending') {
      throw new DomainError('conflict', `Stop ${p.stop_id} is ${s.status}${s.route_id ? ` on route ${s.route_id}` : ''}; only pending stops can be routed`, {
        stop_id: p.stop_id,
        status: s.status,
        route_id: s.route_id,
      });
    }
    changeStopStatus(db, orgId, p.stop_id, 'assigned', { route_id: routeId, driver_id: driverId }, actor);
  }
}

/** Appends pending stops at the end (the route is no longer optimized). */
export function appendRouteStops(db: Db, orgId: string, routeId: string, plan: readonly RouteStopPlan[], actor: string): void {
  db.transaction(() => {
    const route = getRouteSummary(db, orgId, routeId);
    if (!route) throw new DomainError('not_found', `Route ${routeId} not found`);
    const max = stmt(db, 'SELECT COALESCE(MAX(position), -1) AS p FROM route_stops WHERE route_id = ?').get(routeId) as { p: number };
    assignStops(db, orgId, routeId, plan, route.driver_id, actor);
    writeStopPlan(db, routeId, plan, max.p + 1);
    stmt(db, 'UPDATE routes SET optimized = 0, updated_at = ? WHERE id = ?').run(nowIso(), routeId);
    recordEvent(db, { organizationId: orgId, type: 'route.updated', resourceType: 'route', resourceId: routeId, data: { added: plan.map((p) => p.stop_id) } });
  })();
}

/** Takes stops off a route; open ones go back to pending. */
export function removeRouteStops(db: Db, orgId: string, routeId: string, stopIds: readonly string[], actor: string): void {
  db.transaction(() => {
    for (const stopId of stopIds) {
      const s = stmt(db, 'SELECT status, route_id FROM stops WHERE organization_id = ? AND id = ?').get(orgId, stopId) as
        | { status: string; route_id: string | null }
        | undefined;
      if (!s || s.route_id !== routeId) {
        throw new DomainError('not_found', `Stop ${stopId} is not on route ${routeId}`, { stop_id: stopId });
      }
      if (s.status === 'assigned') changeStopStatus(db, orgId, stopId, 'pending', {}, actor);
      else if (s.status === 'completed' || s.status === 'failed' || s.status === 'cancelled') {
        throw new DomainError('conflict', `Stop ${stopId} is ${s.status}; it stays on the route as a record`, { stop_id: stopId, status: s.status });
      } else {
        throw new DomainError('conflict', `Stop ${stopId} is ${s.status}; the driver is on the way`, { stop_id: stopId, status: s.status });
      }
    }
    stmt(db, 'UPDATE routes SET optimized = 0, updated_at = ? WHERE id = ?').run(nowIso(), routeId);
    recordEvent(db, { organizationId: orgId, type: 'route.updated', resourceType: 'route', resourceId: routeId, data: { removed: stopIds } });
  })();
}

/** Rewrites order and planned times of the route's stops, plus its totals. */
export function replanRoute(
  db: Db,
  orgId: string,
  routeId: string,
  plan: readonly RouteStopPlan[],
  totals: { distance_m: number; duration_s: number; optimized: boolean },
  event: 'route.reordered' | 'route.optimized' | 'route.updated',
): Route {
  return db.transaction(() => {
    writeStopPlan(db, routeId, plan, 0);
    stmt(db, 'UPDATE routes SET distance_m = ?, duration_s = ?, optimized = ?, updated_at = ? WHERE id = ? AND organization_id = ?').run(
      totals.distance_m,
      totals.duration_s,
      totals.optimized ? 1 : 0,
      nowIso(),
      routeId,
      orgId,
    );
    const route = getRoute(db, orgId, routeId)!;
    recordEvent(db, { organizationId: orgId, type: event, resourceType: 'route', resourceId: routeId, data: route });
    return route;
  })();
}

export function setRouteDriver(db: Db, orgId: string, routeId: string, driverId: string | null): Route {
  return db.transaction(() => {
    if (driverId && !stmt(db, 'SELECT 1 FROM drivers WHERE organization_id = ? AND id = ?').get(orgId, driverId)) {
      throw new DomainError('validation_error', `Unknown driver ${driverId}`, [{ field: 'driver_id', message: 'no such driver', value: driverId }]);
    }
    const now = nowIso();
    stmt(db, 'UPDATE routes SET driver_id = ?, updated_at = ? WHERE id = ? AND organization_id = ?').run(driverId, now, routeId, orgId);
    stmt(db, 'UPDATE stops SET driver_id = ?, updated_at = ? WHERE route_id = ? AND organization_id = ?').run(driverId, now, routeId, orgId);
    const route = getRoute(db, orgId, routeId)!;
    recordEvent(db, { organizationId: orgId, type: 'route.assigned', resourceType: 'route', resourceId: routeId, data: { id: routeId, driver_id: driverId } });
    return route;
  })();
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
  })();
}

export function setRouteVehicle(db: Db, orgId: string, routeId: string, vehicleId: string): void {
  stmt(db, 'UPDATE routes SET vehicle_id = ?, optimized = 0, updated_at = ? WHERE id = ? AND organization_id = ?').run(vehicleId, nowIso(), routeId, orgId);
}

/** Deletes a route; its stops not yet done go back to pending, done ones keep their record but leave the route. */
export function deleteRoute(db: Db, orgId: string, routeId: string, actor: string): boolean {
  return db.transaction(() => {
    const route = getRouteSummary(db, orgId, routeId);
    if (!route) return false;
    for (const s of routeStops(db, routeId)) {
      if (s.status === 'assigned' || s.status === 'en_route') {
        if (s.status === 'en_route') changeStopStatus(db, orgId, s.stop_id, 'assigned', {}, actor);
        changeStopStatus(db, orgId, s.stop_id, 'pending', {}, actor);
      }
    }
    stmt(db, 'UPDATE stops SET route_id = NULL WHERE route_id = ?').run(routeId);
    stmt(db, 'DELETE FROM routes WHERE id = ? AND organization_id = ?').run(routeId, orgId);
    recordEvent(db, { organizationId: orgId, type: 'route.deleted', resourceType: 'route', resourceId: routeId, data: { id: routeId } });
    return true;
  })();
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
