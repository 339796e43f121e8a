/**
 * Route writes that move stops through their lifecycle: a route created or extended assigns its stops, a stop
 * taken off or a route deleted sends open stops back to pending, a new driver is followed by every stop. Each
 * runs in one transaction (the caller's, when there is one) with its events.
 */
import { DomainError } from '../errors.js';
import { nowIso, type Db } from '../store/db.js';
import { driverExists } from '../store/drivers.js';
import { recordEvent } from '../store/events.js';
import {
  deleteRouteRow,
  getRoute,
  getRouteSummary,
  insertRoute,
  lastRoutePosition,
  markRouteUnoptimized,
  routeStops,
  writeRouteDriver,
  writeRouteTotals,
  writeStopPlan,
  type NewRoute,
  type Route,
  type RouteStopPlan,
} from '../store/routes.js';
import { detachStopsFromRoute, setDriverOfRouteStops, stopPlacement } from '../store/stops.js';
import { changeStopStatus } from './stop-status.js';

/**
 * Creates a route with its stops in order; each stop must be pending and becomes `assigned` (with history and
 * events). Emits route.created (and route.optimized when the order is the solver's).
 */
export function createRoute(db: Db, orgId: string, input: NewRoute, actor: string): Route {
  return db.transaction(() => {
    const id = insertRoute(db, orgId, input, nowIso());
    assignStops(db, orgId, id, input.stops, input.driver_id ?? null, actor);
    writeStopPlan(db, id, input.stops, 0);
    const route = getRoute(db, orgId, id)!;
    recordEvent(db, { organizationId: orgId, type: 'route.created', resourceType: 'route', resourceId: id, data: route });
    if (input.optimized) {
      recordEvent(db, { organizationId: orgId, type: 'route.optimized', resourceType: 'route', resourceId: id, data: route });
    }
    return route;
  }).immediate();
}

/** Pending stops join the route (400 for an unknown stop, 409 for one not pending). */
function assignStops(
  db: Db,
  orgId: string,
  routeId: string,
  plan: readonly RouteStopPlan[],
  driverId: string | null,
  actor: string,
): void {
  for (const p of plan) {
    const s = stopPlacement(db, orgId, p.stop_id);
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
    const last = lastRoutePosition(db, routeId);
    assignStops(db, orgId, routeId, plan, route.driver_id, actor);
    writeStopPlan(db, routeId, plan, last + 1);
    markRouteUnoptimized(db, routeId, nowIso());
    recordEvent(db, { organizationId: orgId, type: 'route.updated', resourceType: 'route', resourceId: routeId, data: { added: plan.map((p) => p.stop_id) } });
  }).immediate();
}

/** Takes stops off a route; assigned ones go back to pending, others (under way or done) are refused with 409. */
export function removeRouteStops(db: Db, orgId: string, routeId: string, stopIds: readonly string[], actor: string): void {
  db.transaction(() => {
    for (const stopId of stopIds) {
      const s = stopPlacement(db, orgId, stopId);
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
    markRouteUnoptimized(db, routeId, nowIso());
    recordEvent(db, { organizationId: orgId, type: 'route.updated', resourceType: 'route', resourceId: routeId, data: { removed: stopIds } });
  }).immediate();
}

/** Rewrites order and planned times of the route's stops, plus its totals; emits `event` with the route. */
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
    writeRouteTotals(db, orgId, routeId, totals, nowIso());
    const route = getRoute(db, orgId, routeId)!;
    recordEvent(db, { organizationId: orgId, type: event, resourceType: 'route', resourceId: routeId, data: route });
    return route;
  }).immediate();
}

/** Gives the route (and so each of its stops) a driver, or none; 400 for an unknown driver. */
export function setRouteDriver(db: Db, orgId: string, routeId: string, driverId: string | null): Route {
  return db.transaction(() => {
    if (driverId && !driverExists(db, orgId, driverId)) {
      throw new DomainError('validation_error', `Unknown driver ${driverId}`, [{ field: 'driver_id', message: 'no such driver', value: driverId }]);
    }
    const now = nowIso();
    writeRouteDriver(db, orgId, routeId, driverId, now);
    setDriverOfRouteStops(db, orgId, routeId, driverId, now);
    const route = getRoute(db, orgId, routeId)!;
    recordEvent(db, { organizationId: orgId, type: 'route.assigned', resourceType: 'route', resourceId: routeId, data: { id: routeId, driver_id: driverId } });
    return route;
  }).immediate();
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
    detachStopsFromRoute(db, routeId);
    deleteRouteRow(db, orgId, routeId);
    recordEvent(db, { organizationId: orgId, type: 'route.deleted', resourceType: 'route', resourceId: routeId, data: { id: routeId } });
    return true;
  }).immediate();
}
