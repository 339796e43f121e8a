import { DomainError } from '../errors.js';
import type { Db } from '../store/db.js';
import type { Route } from '../store/routes.js';
import type { Stop } from '../store/stops.js';
import type { Vehicle } from '../store/vehicles.js';
import type { SolverPort } from './solver-port.js';
import type { AutoOptimizeRequest, InlineStopInput, InlineVehicleInput, PlanOptions, PlanRequest } from './types.js';
import { getDepot } from '../store/depots.js';
import { allDrivers, getDriver } from '../store/drivers.js';
import { createRoute, replanRoute } from '../lifecycle/route-writes.js';
import { getRoute, vehiclesBusyOn } from '../store/routes.js';
import { getStop, stopsOfDay } from '../store/stops.js';
import { allVehicles, getVehicle } from '../store/vehicles.js';
import { withAreaSkills } from '../store/service-area-limits.js';
import { toUtcIso } from '../store/time.js';
import { fromSolution, type PlanAnswer } from './from-solution.js';
import { scheduleRoute, type ScheduledRoute } from './schedule-route.js';
import { toProblem, type PlanningStop, type PlanningVehicle } from './to-problem.js';

type Progress = (fraction: number) => void;
/** How a job reports and is stopped; both absent for a request answered directly. */
export interface JobControl {
  onProgress?: Progress;
  signal?: AbortSignal;
}
const DAY_MS = 86_400_000;

/** What planning works with: the store and a solver. */
export interface PlanningDeps {
  db: Db;
  solver: SolverPort;
}

export function planningStopOf(s: Pick<Stop, 'id' | 'lat' | 'lng' | 'time_windows' | 'service_duration_s' | 'demand' | 'priority' | 'skills'>): PlanningStop {
  return {
    id: s.id,
    lat: s.lat,
    lng: s.lng,
    time_windows: s.time_windows,
    service_duration_s: s.service_duration_s,
    demand: s.demand,
    priority: s.priority,
    skills: s.skills,
  };
}

export function planningVehicleOf(v: Vehicle): PlanningVehicle {
  return {
    id: v.id,
    capacity: v.capacity,
    skills: v.skills,
    shift: v.shift,
    start: v.start,
    end: v.end,
    costs: v.costs,
    max_stops: v.max_stops,
    speed_factor: v.speed_factor,
  };
}

function inlineStop(s: InlineStopInput, index: number): PlanningStop {
  return planningStopOf({
    ...s,
    id: s.id ?? `tmp_stp_${index}`,
    time_windows: s.time_windows.map((w) => ({ from: toUtcIso(w.from), to: toUtcIso(w.to) })),
  });
}

function inlineVehicle(deps: PlanningDeps, orgId: string, v: InlineVehicleInput, index: number): PlanningVehicle {
  const depotPoint = (id: string | null | undefined, field: string) => {
    if (!id) return null;
    const d = getDepot(deps.db, orgId, id);
    if (!d) throw new DomainError('validation_error', `Unknown depot ${id}`, [{ field: `vehicles[${index}].${field}`, message: 'no such depot', value: id }]);
    return { lat: d.lat, lng: d.lng };
  };
  return {
    id: v.id ?? `tmp_veh_${index}`,
    capacity: v.capacity,
    skills: v.skills,
    shift: v.shift ? { from: toUtcIso(v.shift.from), to: toUtcIso(v.shift.to) } : null,
    start: v.start ?? depotPoint(v.start_depot_id, 'start_depot_id'),
    end: v.end ?? depotPoint(v.end_depot_id, 'end_depot_id'),
    costs: v.costs ?? {},
    max_stops: v.max_stops ?? null,
    speed_factor: v.speed_factor ?? null,
  };
}

/** Stops and vehicles of a plan request: ids read from the store (400 naming the entry when unknown), inline ones taken as sent. */
export function resolvePlanInput(
  deps: PlanningDeps,
  orgId: string,
  body: PlanRequest,
): { stops: PlanningStop[]; vehicles: PlanningVehicle[] } {
  const unknown: { field: string; message: string; value: string }[] = [];
  const stops = body.stops.map((s, i) => {
    if (typeof s !== 'string') return inlineStop(s, i);
    const stop = getStop(deps.db, orgId, s);
    if (!stop) unknown.push({ field: `stops[${i}]`, message: 'no such stop', value: s });
    return stop ? planningStopOf(stop) : null;
  });
  const vehicles = body.vehicles.map((v, i) => {
    if (typeof v !== 'string') return inlineVehicle(deps, orgId, v, i);
    const vehicle = getVehicle(deps.db, orgId, v);
    if (!vehicle) unknown.push({ field: `vehicles[${i}]`, message: 'no such vehicle', value: v });
    return vehicle ? planningVehicleOf(vehicle) : null;
  });
  if (unknown.length > 0) throw new DomainError('validation_error', 'Unknown stop or vehicle ids', unknown);
  const ids = new Set<string>();
  for (const s of stops) {
    if (ids.has(s!.id)) throw new DomainError('validation_error', `Stop ${s!.id} is listed twice`, [{ field: 'stops', message: 'duplicate', value: s!.id }]);
    ids.add(s!.id);
  }
  // Service areas become skills: a stop goes only to vehicles allowed in its area.
  return withAreaSkills(deps.db, orgId, stops as PlanningStop[], vehicles as PlanningVehicle[]);
}

/** Solves in a worker; 422 `unsolvable` when there is no vehicle or no stop can be served at all. */
export async function solvePlan(
  deps: PlanningDeps,
  stops: readonly PlanningStop[],
  vehicles: readonly PlanningVehicle[],
  options: PlanOptions,
  control: JobControl = {},
): Promise<PlanAnswer> {
  if (vehicles.length === 0) throw new DomainError('unsolvable', 'No vehicles to plan with', { stops: stops.length, vehicles: 0 });
  if (stops.length === 0) throw new DomainError('unsolvable', 'No stops to plan', { stops: 0, vehicles: vehicles.length });
  const { problem, epochMs } = toProblem(stops, vehicles);
  const solution = await deps.solver.solve(problem, {
    timeLimitS: options.time_limit_s,
    seed: options.seed ?? 1,
    minimize: options.minimize,
    ...(options.balance && options.balance.weight > 0 && { balance: options.balance }),
    ...control,
  });
  const answer = fromSolution(solution, epochMs);
  if (answer.routes.length === 0) {
    throw new DomainError('unsolvable', 'No stop can be served by these vehicles', { unassigned: answer.unassigned });
  }
  return answer;
}

/** Moves a vehicle's shift by whole days so it covers the day being planned (fleets keep one shift for every day). */
function shiftOnto(shift: PlanningVehicle['shift'], anchorMs: number): PlanningVehicle['shift'] {
  if (!shift) return null;
  const from = Date.parse(shift.from);
  const to = Date.parse(shift.to);
  const days = Math.round((anchorMs - (from + to) / 2) / DAY_MS);
  if (days === 0) return shift;
  return { from: new Date(from + days * DAY_MS).toISOString(), to: new Date(to + days * DAY_MS).toISOString() };
}

export interface AutoOptimizeResult {
  routes: Route[];
  unassigned: PlanAnswer['unassigned'];
  summary: PlanAnswer['summary'];
}

/**
 * Plans a day's pending stops with the vehicles free that day (each with its active driver, if one drives it) and
 * writes the routes: stops become assigned. The write re-checks that every stop is still pending.
 */
export async function autoOptimize(
  deps: PlanningDeps,
  orgId: string,
  body: AutoOptimizeRequest,
  actor: string,
  control: JobControl = {},
): Promise<AutoOptimizeResult> {
  const stops = stopsOfDay(deps.db, orgId, body.date, 'pending').map(planningStopOf);
  if (stops.length === 0) throw new DomainError('unsolvable', `No pending stops on ${body.date}`, { date: body.date });
  const busy = vehiclesBusyOn(deps.db, orgId, body.date);
  let fleet = allVehicles(deps.db, orgId);
  if (body.vehicle_ids) {
    const wanted = new Set(body.vehicle_ids);
    const missing = body.vehicle_ids.filter((id) => !fleet.some((v) => v.id === id));
    if (missing.length > 0) {
      throw new DomainError('validation_error', 'Unknown vehicles', missing.map((id) => ({ field: 'vehicle_ids', message: 'no such vehicle', value: id })));
    }
    fleet = fleet.filter((v) => wanted.has(v.id));
  }
  fleet = fleet.filter((v) => !busy.has(v.id));
  if (fleet.length === 0) throw new DomainError('unsolvable', `No vehicle is free on ${body.date}`, { date: body.date, busy: [...busy] });

  const mids = stops.flatMap((s) => (s.time_windows[0] ? [(Date.parse(s.time_windows[0].from) + Date.parse(s.time_windows[0].to)) / 2] : []));
  const anchor = mids.length > 0 ? mids.reduce((a, b) => a + b, 0) / mids.length : Date.parse(`${body.date}T12:00:00Z`);
  const vehicles = fleet.map((v) => {
    const pv = planningVehicleOf(v);
    return { ...pv, shift: shiftOnto(pv.shift, anchor) };
  });
  const driverOf = new Map<string, string>();
  for (const d of allDrivers(deps.db, orgId)) {
    if (d.status === 'active' && d.vehicle_id && !driverOf.has(d.vehicle_id)) driverOf.set(d.vehicle_id, d.id);
  }

  const zoned = withAreaSkills(deps.db, orgId, stops, vehicles, driverOf);
  const answer = await solvePlan(deps, zoned.stops, zoned.vehicles, body.options, control);
  const routes = deps.db.transaction(() =>
    answer.routes.map((r) =>
      createRoute(
        deps.db,
        orgId,
        {
          name: `${fleet.find((v) => v.id === r.vehicle_id)?.name ?? r.vehicle_id} ${body.date}`,
          date: body.date,
          vehicle_id: r.vehicle_id,
          driver_id: driverOf.get(r.vehicle_id) ?? null,
          optimized: true,
          distance_m: r.distance_m,
          duration_s: r.duration_s,
          stops: r.stops,
        },
        actor,
      ),
    ),
  )();
  return { routes, unassigned: answer.unassigned, summary: answer.summary };
}

/** The vehicle a route drives (or a vehicle with no limits when none is set). */
export function routeVehicle(deps: PlanningDeps, orgId: string, vehicleId: string | null): PlanningVehicle {
  const v = vehicleId ? getVehicle(deps.db, orgId, vehicleId) : undefined;
  return v
    ? planningVehicleOf(v)
    : { id: 'none', capacity: [], skills: [], shift: null, start: null, end: null, costs: {}, max_stops: null, speed_factor: null };
}

/** Times the route's stops in their current order (after a manual change) and stores order, times and totals. */
export function rescheduleRoute(
  deps: PlanningDeps,
  orgId: string,
  routeId: string,
  orderedStopIds: readonly string[],
  event: 'route.reordered' | 'route.updated',
): { route: Route; schedule: ScheduledRoute } {
  const route = getRoute(deps.db, orgId, routeId)!;
  const stops = orderedStopIds.map((id) => planningStopOf(getStop(deps.db, orgId, id)!));
  const schedule = scheduleRoute(stops, routeVehicle(deps, orgId, route.vehicle_id));
  const updated = replanRoute(
    deps.db,
    orgId,
    routeId,
    schedule.stops,
    { distance_m: schedule.distance_m, duration_s: schedule.duration_s, optimized: false },
    event,
  );
  return { route: updated, schedule };
}

/**
 * Re-plans the stops of a route not yet under way. Completed and failed stops keep their place at the front,
 * stops the driver is heading to or at stay next; the rest is solved again from where the driver is (last known
 * position, else the last fixed stop, else the vehicle's start). A no-op when the route is already optimized.
 */
export async function reoptimizeRoute(
  deps: PlanningDeps,
  orgId: string,
  routeId: string,
  options: PlanOptions,
  control: JobControl = {},
): Promise<{ route: Route; changed: boolean; unassigned: PlanAnswer['unassigned'] }> {
  const route = getRoute(deps.db, orgId, routeId);
  if (!route) throw new DomainError('not_found', `Route ${routeId} not found`);
  if (route.optimized) return { route, changed: false, unassigned: [] };
  const done = route.stops.filter((s) => s.status === 'completed' || s.status === 'failed' || s.status === 'cancelled');
  const fixed = route.stops.filter((s) => s.status === 'en_route' || s.status === 'arrived');
  const open = route.stops.filter((s) => s.status === 'assigned' || s.status === 'pending');
  const vehicle = routeVehicle(deps, orgId, route.vehicle_id);
  const driver = route.driver_id ? getDriver(deps.db, orgId, route.driver_id) : undefined;
  const lastFixed = fixed[fixed.length - 1];
  const restart = lastFixed
    ? { lat: lastFixed.lat, lng: lastFixed.lng }
    : driver?.last_position
      ? { lat: driver.last_position.lat, lng: driver.last_position.lng }
      : (vehicle.start ?? null);
  const underway = route.status === 'in_progress';
  const startMs = underway ? Date.now() : vehicle.shift ? Date.parse(vehicle.shift.from) : undefined;
  let order = open.map((s) => s.stop_id);
  let unassigned: PlanAnswer['unassigned'] = [];
  if (open.length > 1 || (open.length === 1 && fixed.length === 0)) {
    const full = open.map((s) => planningStopOf(getStop(deps.db, orgId, s.stop_id)!));
    const shift =
      startMs !== undefined
        ? { from: new Date(startMs).toISOString(), to: vehicle.shift && Date.parse(vehicle.shift.to) > startMs ? vehicle.shift.to : new Date(startMs + DAY_MS).toISOString() }
        : vehicle.shift;
    const single: PlanningVehicle = { ...vehicle, id: 'route', start: restart, shift, max_stops: null };
    const { problem, epochMs } = toProblem(full, [single]);
    const solution = await deps.solver.solve(problem, {
      timeLimitS: options.time_limit_s,
      seed: options.seed ?? 1,
      ...control,
    });
    const answer = fromSolution(solution, epochMs);
    const solved = answer.routes[0]?.stops.map((s) => s.stop_id) ?? [];
    unassigned = answer.unassigned;
    // Stops the solver could not fit stay on the route, at the end, and are reported.
    order = [...solved, ...unassigned.map((u) => u.stop_id)];
  }
  const tail = [...fixed.map((s) => s.stop_id), ...order].map((id) => planningStopOf(getStop(deps.db, orgId, id)!));
  const schedule = scheduleRoute(tail, { ...vehicle, start: fixed.length > 0 ? (driver?.last_position ?? restart) : restart }, startMs);
  const plan = [
    ...done.map((s) => ({
      stop_id: s.stop_id,
      planned_arrival: s.planned_arrival,
      service_start: s.service_start,
      departure: s.departure,
      distance_m: s.distance_m,
    })),
    ...schedule.stops,
  ];
  const updated = replanRoute(
    deps.db,
    orgId,
    routeId,
    plan,
    {
      distance_m: Math.round((done.reduce((a, s) => a + s.distance_m, 0) + schedule.distance_m) * 10) / 10,
      duration_s: schedule.duration_s,
      optimized: true,
    },
    'route.optimized',
  );
  return { route: updated, changed: true, unassigned };
}
