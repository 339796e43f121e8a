import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { errorResponses, IdParams, listOf } from '../schemas/common.js';
import {
  DriverBody,
  Route,
  RouteCreate,
  RouteListQuery,
  RouteSummary,
  RouteWithViolations,
  StopIdsBody,
  VehicleBody,
} from '../schemas/routes.js';
import { planningStopOf, rescheduleRoute, routeDate, routeVehicle } from '../../planning/planner.js';
import { organizationTimeZone } from '../../store/organizations.js';
import { scheduleRoute } from '../../planning/schedule-route.js';
import { appendRouteStops, createRoute, deleteRoute, removeRouteStops, setRouteDriver } from '../../lifecycle/route-writes.js';
import {
  findRouteIdByExternalId,
  getRoute,
  getRouteSummary,
  listRoutes,
  routeTimeline,
  setRouteVehicle,
  updateRouteFields,
} from '../../store/routes.js';
import { getDriver } from '../../store/drivers.js';
import { getStop } from '../../store/stops.js';
import { getVehicle } from '../../store/vehicles.js';
import { assertCrewMayServeStops } from '../../store/service-area-limits.js';
import { actorOf } from './stops.js';

const tags = ['routes'];
const StopsParams = z.object({ id: z.string().min(1).max(64), stopIds: z.string().min(1).max(20_000) });
const Timeline = z.object({
  data: z.array(z.object({ at: z.string(), type: z.string(), resource_type: z.string(), resource_id: z.string(), data: z.unknown() })),
});
const Geometry = z.object({
  type: z.literal('Feature'),
  geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(z.tuple([z.number(), z.number()])) }),
  properties: z.object({ route_id: z.string(), stop_ids: z.array(z.string()) }),
});

function notFound(id: string): DomainError {
  return new DomainError('not_found', `Route ${id} not found`);
}

/**
 * The vehicle or driver a route write names: 400 when the organization has none by that id, 409 `conflict` when it
 * is archived (archived ones stay on the routes they drove but take no new ones). `kept` is the id the route
 * already has, which may stay even if archived since.
 */
function assertCrewUsable(app: FastifyInstance, orgId: string, crew: { vehicleId?: string | null; driverId?: string | null }, kept: { vehicleId?: string | null; driverId?: string | null } = {}): void {
  const checks = [
    { kind: 'vehicle', field: 'vehicle_id', id: crew.vehicleId, kept: kept.vehicleId, get: (id: string) => getVehicle(app.db, orgId, id) },
    { kind: 'driver', field: 'driver_id', id: crew.driverId, kept: kept.driverId, get: (id: string) => getDriver(app.db, orgId, id) },
  ] as const;
  for (const c of checks) {
    if (!c.id) continue;
    const found = c.get(c.id);
    if (!found) throw new DomainError('validation_error', `Unknown ${c.kind} ${c.id}`, [{ field: c.field, message: `no such ${c.kind}`, value: c.id }]);
    if (found.archived_at !== null && c.id !== c.kept) {
      throw new DomainError('conflict', `The ${c.kind} ${c.id} is archived and cannot take new routes; unarchive it first (POST /api/v1/${c.kind}s/${c.id}/unarchive)`, {
        [c.field]: c.id,
        archived_at: found.archived_at,
      });
    }
  }
}

/** Pending stops of this organization, timed in the given order for a route driven by `vehicleId`. */
function planFor(app: FastifyInstance, orgId: string, stopIds: readonly string[], vehicleId: string | null, date: string | null, field: string) {
  const missing = stopIds.filter((id) => !getStop(app.db, orgId, id));
  if (missing.length > 0) {
    throw new DomainError('validation_error', 'Unknown stops', missing.map((value) => ({ field, message: 'no such stop', value })));
  }
  if (new Set(stopIds).size !== stopIds.length) {
    throw new DomainError('validation_error', 'A stop is listed twice', [{ field, message: 'duplicate stop ids', value: stopIds }]);
  }
  const stops = stopIds.map((id) => planningStopOf(getStop(app.db, orgId, id)!));
  const day = routeDate(date, stops, organizationTimeZone(app.db, orgId));
  return scheduleRoute(stops, routeVehicle(app, orgId, vehicleId, day));
}

export default async function routeRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/routes', { schema: { tags, querystring: RouteListQuery, response: { 200: listOf(RouteSummary), ...errorResponses } } }, async (req) =>
    listRoutes(app.db, req.auth.organizationId, req.query),
  );

  app.post(
    '/routes',
    {
      schema: {
        tags,
        description: 'A route with pending stops in the given order (not optimized); an existing external_id updates that route.',
        body: RouteCreate,
        response: { 200: Route, 201: Route, ...errorResponses },
      },
    },
    async (req, reply) => {
      const orgId = req.auth.organizationId;
      const b = req.body;
      const existingId = b.external_id ? findRouteIdByExternalId(app.db, orgId, b.external_id) : undefined;
      const existing = existingId ? getRouteSummary(app.db, orgId, existingId) : undefined;
      assertCrewUsable(app, orgId, { vehicleId: b.vehicle_id, driverId: b.driver_id }, { vehicleId: existing?.vehicle_id, driverId: existing?.driver_id });
      if (existingId) {
        // Upsert: the route's own fields are updated in place; its stops change only through the stop endpoints.
        const current = getRoute(app.db, orgId, existingId)!.stops.map((s) => s.stop_id);
        if (b.stop_ids.length > 0 && b.stop_ids.join(',') !== current.join(',')) {
          throw new DomainError('conflict', `Route ${existingId} (external_id ${b.external_id}) exists with other stops; change them with PUT /routes/${existingId}/stops or /order`, {
            route_id: existingId,
            stop_ids: current,
          });
        }
        const { name, date, vehicle_id, driver_id } = b;
        return reply.status(200).send(updateRouteFields(app.db, orgId, existingId, { name, date, vehicle_id, driver_id }));
      }
      const schedule = planFor(app, orgId, b.stop_ids, b.vehicle_id ?? null, b.date ?? null, 'stop_ids');
      assertCrewMayServeStops(app.db, orgId, { vehicleId: b.vehicle_id, driverId: b.driver_id }, b.stop_ids);
      const route = createRoute(
        app.db,
        orgId,
        {
          name: b.name,
          date: b.date,
          vehicle_id: b.vehicle_id,
          driver_id: b.driver_id,
          external_id: b.external_id,
          optimized: false,
          distance_m: schedule.distance_m,
          duration_s: schedule.duration_s,
          stops: schedule.stops,
        },
        actorOf(req.auth),
      );
      return reply.status(201).send(route);
    },
  );

  app.get('/routes/:id', { schema: { tags, params: IdParams, response: { 200: Route, ...errorResponses } } }, async (req) => {
    const route = getRoute(app.db, req.auth.organizationId, req.params.id);
    if (!route) throw notFound(req.params.id);
    return route;
  });

  app.delete(
    '/routes/:id',
    { schema: { tags, params: IdParams, response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }), ...errorResponses } } },
    async (req) => {
      if (!deleteRoute(app.db, req.auth.organizationId, req.params.id, actorOf(req.auth))) throw notFound(req.params.id);
      return { id: req.params.id, deleted: true as const };
    },
  );

  app.put(
    '/routes/:id/stops',
    { schema: { tags, description: 'Append pending stops; the route is marked not optimized.', params: IdParams, body: StopIdsBody, response: { 200: Route, ...errorResponses } } },
    async (req) => {
      const orgId = req.auth.organizationId;
      const route = getRouteSummary(app.db, orgId, req.params.id);
      if (!route) throw notFound(req.params.id);
      const current = getRoute(app.db, orgId, route.id)!.stops.map((s) => s.stop_id);
      const added = planFor(app, orgId, req.body.stop_ids, route.vehicle_id, route.date, 'stop_ids');
      assertCrewMayServeStops(app.db, orgId, { vehicleId: route.vehicle_id, driverId: route.driver_id }, req.body.stop_ids);
      appendRouteStops(app.db, orgId, route.id, added.stops, actorOf(req.auth));
      return rescheduleRoute(app, orgId, route.id, [...current, ...req.body.stop_ids], 'route.updated').route;
    },
  );

  app.delete(
    '/routes/:id/stops/:stopIds',
    { schema: { tags, description: 'Take stops (comma list) off the route; they become pending.', params: StopsParams, response: { 200: Route, ...errorResponses } } },
    async (req) => {
      const orgId = req.auth.organizationId;
      if (!getRouteSummary(app.db, orgId, req.params.id)) throw notFound(req.params.id);
      const ids = req.params.stopIds.split(',').filter((s) => s !== '');
      removeRouteStops(app.db, orgId, req.params.id, ids, actorOf(req.auth));
      const remaining = getRoute(app.db, orgId, req.params.id)!.stops.map((s) => s.stop_id);
      return rescheduleRoute(app, orgId, req.params.id, remaining, 'route.updated').route;
    },
  );

  app.put(
    '/routes/:id/order',
    {
      schema: {
        tags,
        description: 'Reorder: the body lists every stop of the route in the new order. Planned times are recomputed; late arrivals are listed in `violations`.',
        params: IdParams,
        body: StopIdsBody,
        response: { 200: RouteWithViolations, ...errorResponses },
      },
    },
    async (req) => {
      const orgId = req.auth.organizationId;
      const route = getRoute(app.db, orgId, req.params.id);
      if (!route) throw notFound(req.params.id);
      const current = new Set(route.stops.map((s) => s.stop_id));
      const wanted = req.body.stop_ids;
      if (wanted.length !== current.size || new Set(wanted).size !== wanted.length || !wanted.every((id) => current.has(id))) {
        throw new DomainError('validation_error', 'stop_ids must list every stop of the route exactly once', [
          { field: 'stop_ids', message: `expected a permutation of the route's ${current.size} stops`, value: wanted },
        ]);
      }
      const { route: updated, schedule } = rescheduleRoute(app, orgId, route.id, wanted, 'route.reordered');
      return { ...updated, violations: schedule.violations };
    },
  );

  app.put('/routes/:id/driver', { schema: { tags, params: IdParams, body: DriverBody, response: { 200: Route, ...errorResponses } } }, async (req) => {
    const orgId = req.auth.organizationId;
    const current = getRouteSummary(app.db, orgId, req.params.id);
    if (!current) throw notFound(req.params.id);
    assertCrewUsable(app, orgId, { driverId: req.body.driver_id }, { driverId: current.driver_id });
    const crewRoute = getRoute(app.db, orgId, req.params.id)!;
    assertCrewMayServeStops(app.db, orgId, { vehicleId: crewRoute.vehicle_id, driverId: req.body.driver_id }, crewRoute.stops.map((s) => s.stop_id));
    return setRouteDriver(app.db, orgId, req.params.id, req.body.driver_id);
  });

  app.put('/routes/:id/vehicle', { schema: { tags, params: IdParams, body: VehicleBody, response: { 200: Route, ...errorResponses } } }, async (req) => {
    const orgId = req.auth.organizationId;
    const route = getRoute(app.db, orgId, req.params.id);
    if (!route) throw notFound(req.params.id);
    assertCrewUsable(app, orgId, { vehicleId: req.body.vehicle_id }, { vehicleId: route.vehicle_id });
    assertCrewMayServeStops(app.db, orgId, { vehicleId: req.body.vehicle_id, driverId: route.driver_id }, route.stops.map((s) => s.stop_id));
    setRouteVehicle(app.db, orgId, route.id, req.body.vehicle_id);
    return rescheduleRoute(app, orgId, route.id, route.stops.map((s) => s.stop_id), 'route.updated').route;
  });

  app.get('/routes/:id/timeline', { schema: { tags, params: IdParams, response: { 200: Timeline, ...errorResponses } } }, async (req) => {
    const orgId = req.auth.organizationId;
    if (!getRouteSummary(app.db, orgId, req.params.id)) throw notFound(req.params.id);
    return { data: routeTimeline(app.db, orgId, req.params.id) };
  });

  app.get(
    '/routes/:id/geometry',
    { schema: { tags, description: 'GeoJSON LineString of the planned route: start, stops in order, end.', params: IdParams, response: { 200: Geometry, ...errorResponses } } },
    async (req) => {
      const orgId = req.auth.organizationId;
      const route = getRoute(app.db, orgId, req.params.id);
      if (!route) throw notFound(req.params.id);
      const vehicle = routeVehicle(app, orgId, route.vehicle_id, route.date ?? '1970-01-01');
      const coords: [number, number][] = [];
      if (vehicle.start) coords.push([vehicle.start.lng, vehicle.start.lat]);
      for (const s of route.stops) coords.push([s.lng, s.lat]);
      if (vehicle.end) coords.push([vehicle.end.lng, vehicle.end.lat]);
      return {
        type: 'Feature' as const,
        geometry: { type: 'LineString' as const, coordinates: coords },
        properties: { route_id: route.id, stop_ids: route.stops.map((s) => s.stop_id) },
      };
    },
  );
}
