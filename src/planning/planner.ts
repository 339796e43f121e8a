import { DomainError } from '../errors.js';
import type { Db } from '../store/db.js';
import type { Route } from '../store/routes.js';
import type { Stop } from '../store/stops.js';
import type { Vehicle } from '../store/vehicles.js';
import type { SolveControl, SolverPort } from './solver-port.js';
import type { AutoOptimizeRequest, InlineStopInput, InlineVehicleInput, PlanOptions, PlanRequest } from './types.js';
import { getDepot } from '../store/depots.js';
import { allDrivers, getDriver } from '../store/drivers.js';
import { createRoute, replanRoute } from '../lifecycle/route-writes.js';
import { getRoute, vehiclesBusyOn } from '../store/routes.js';
import { getStop, stopsOfDay } from '../store/stops.js';
import { allVehicles, getVehicle } from '../store/vehicles.js';
import { withAreaSkills } from '../store/service-area-limits.js';
import { toUtcIso } from '../store/time.js';
import { organizationSettings, type OrganizationSettings } from '../store/organizations.js';
import { dayBoundsMs, serviceDateOf, serviceDateOfWindows, shiftOnDate } from './service-day.js';
import { vehicleReadiness, type SkippedVehicle } from './fleet-readiness.js';
import { fromSolution, type PlanAnswer } from './from-solution.js';
import { scheduleRoute, type ScheduledRoute } from './schedule-route.js';
import { toProblem, type PlanningStop, type PlanningVehicle } from './to-problem.js';

/** How a job (or a waiting client) follows and stops the solve; see `SolveControl`. */
export type JobControl = SolveControl;
const DAY_MS = 86_400_000;

/** A cancelled job or a gone client writes nothing, even when its solve ended just before the cancel. */
function throwIfCancelled(control: JobControl): void {
  if (control.signal?.aborted) throw new DomainError('unavailable', 'The solve was cancelled');
}

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

/** A stored vehicle as it works on local `date`: its shift (or the organization's default) placed on that day. */
export function planningVehicleOn(v: Vehicle, date: string, settings: OrganizationSettings): PlanningVehicle {
  return {
    id: v.id,
    capacity: v.capacity,
    skills: v.skills,
    shift: shiftOnDate(v.shift, date, settings),
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

/** Both bounds ISO: the instants as sent; otherwise a daily shift placed on the plan's day. */
function inlineShift(shift: InlineVehicleInput['shift'], date: string, settings: OrganizationSettings): PlanningVehicle['shift'] {
  if (!shift) return null;
  const instant = (x: string): boolean => x.includes('T');
  if (instant(shift.from) && instant(shift.to)) return { from: toUtcIso(shift.from), to: toUtcIso(shift.to) };
  return shiftOnDate(shift, date, settings);
}

function inlineVehicle(
  deps: PlanningDeps,
  orgId: string,
  v: InlineVehicleInput,
  index: number,
  date: string,
  settings: OrganizationSettings,
): PlanningVehicle {
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
    shift: inlineShift(v.shift, date, settings),
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
  const settings = organizationSettings(deps.db, orgId);
  const stops = body.stops.map((s, i) => {
    if (typeof s !== 'string') return inlineStop(s, i);
    const stop = getStop(deps.db, orgId, s);
    if (!stop) unknown.push({ field: `stops[${i}]`, message: 'no such stop', value: s });
    return stop ? planningStopOf(stop) : null;
  });
  // Daily shifts are placed on the day of the stops' earliest window (today when no stop has one).
  const date = serviceDateOfWindows(stops.flatMap((s) => s?.time_windows ?? []), settings.time_zone, Date.now());
  const vehicles = body.vehicles.map((v, i) => {
    if (typeof v !== 'string') return inlineVehicle(deps, orgId, v, i, date, settings);
    const vehicle = getVehicle(deps.db, orgId, v);
    if (!vehicle) unknown.push({ field: `vehicles[${i}]`, message: 'no such vehicle', value: v });
    return vehicle ? planningVehicleOn(vehicle, date, settings) : null;
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
  orgId: string,
  stops: readonly PlanningStop[],
  vehicles: readonly PlanningVehicle[],
  options: PlanOptions,
  control: JobControl = {},
): Promise<PlanAnswer> {
  if (vehicles.length === 0) throw new DomainError('unsolvable', 'No vehicles to plan with', { stops: stops.length, vehicles: 0 });
  if (stops.length === 0) throw new DomainError('unsolvable', 'No stops to plan', { stops: 0, vehicles: vehicles.length });
  const { problem, epochMs } = toProblem(stops, vehicles);
  const solution = await deps.solver.solve(problem, {
    organizationId: orgId,
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

export interface AutoOptimizeResult {
  routes: Route[];
  /** Vehicles of the organization (or of the request) that were not used, and why. */
  skipped_vehicles: SkippedVehicle[];
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
  const settings = organizationSettings(deps.db, orgId);
  let fleet = allVehicles(deps.db, orgId);
  if (body.vehicle_ids) {
    const wanted = new Set(body.vehicle_ids);
    const missing = body.vehicle_ids.filter((id) => !fleet.some((v) => v.id === id));
    if (missing.length > 0) {
      throw new DomainError('validation_error', 'Unknown vehicles', missing.map((id) => ({ field: 'vehicle_ids', message: 'no such vehicle', value: id })));
    }
    fleet = fleet.filter((v) => wanted.has(v.id));
  } else fleet = fleet.filter((v) => v.archived_at === null); // archived vehicles are skipped silently unless named
  const driverOf = new Map<string, string>();
  for (const d of allDrivers(deps.db, orgId)) {
    if (d.status === 'active' && d.vehicle_id && !driverOf.has(d.vehicle_id)) driverOf.set(d.vehicle_id, d.id);
  }
  const { ready, skipped } = vehicleReadiness(fleet, {
    busy: vehiclesBusyOn(deps.db, orgId, body.date),
    driverOf,
    settings,
  });
  if (ready.length === 0) {
    throw new DomainError('unsolvable', `No vehicle is ready on ${body.date}`, { date: body.date, skipped_vehicles: skipped });
  }
  fleet = ready;
  const vehicles = fleet.map((v) => planningVehicleOn(v, body.date, settings));

  const zoned = withAreaSkills(deps.db, orgId, stops, vehicles, driverOf);
  const answer = await solvePlan(deps, orgId, zoned.stops, zoned.vehicles, body.options, control);
  throwIfCancelled(control);
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
  ).immediate();
  return { routes, skipped_vehicles: skipped, unassigned: answer.unassigned, summary: answer.summary };
}

/** The vehicle a route drives on local `date` (or a vehicle with no limits when none is set). */
export function routeVehicle(deps: PlanningDeps, orgId: string, vehicleId: string | null, date: string): PlanningVehicle {
  const v = vehicleId ? getVehicle(deps.db, orgId, vehicleId) : undefined;
  return v
    ? planningVehicleOn(v, date, organizationSettings(deps.db, orgId))
    : { id: 'none', capacity: [], skills: [], shift: null, start: null, end: null, costs: {}, max_stops: null, speed_factor: null };
}

/** The local date a route works on: its own, else the day of its stops' earliest window, else today. */
export function routeDate(date: string | null, stops: readonly PlanningStop[], timeZone: string): string {
  return date ?? serviceDateOfWindows(stops.flatMap((s) => s.time_windows), timeZone, Date.now());
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
  const date = routeDate(route.date, stops, organizationSettings(deps.db, orgId).time_zone);
  const schedule = scheduleRoute(stops, routeVehicle(deps, orgId, route.vehicle_id, date));
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

export interface ReoptimizeResult {
  route: Route;
  changed: boolean;
  unassigned: PlanAnswer['unassigned'];
  /** Rules the new plan still breaks (stops that can no longer be made on the route's day, with a reason). */
  violations: ScheduledRoute['violations'];
}

/**
 * Re-plans the open stops of a route on its own day. Completed, failed and cancelled stops keep their place at
 * the front; stops the driver is heading to or at stay next. A route under way is planned from the driver's last
 * position (else the last fixed stop, else the vehicle's start) leaving now; a route not started leaves as late as
 * its windows allow. Stops never move to another day: the solve ends at the shift's end (midnight without a
 * shift), and a stop that no longer fits stays on the route, at the end, with a violation. A no-op when the
 * route is already optimized.
 */
export async function reoptimizeRoute(
  deps: PlanningDeps,
  orgId: string,
  routeId: string,
  options: PlanOptions,
  control: JobControl = {},
  nowMs: number = Date.now(),
): Promise<ReoptimizeResult> {
  const route = getRoute(deps.db, orgId, routeId);
  if (!route) throw new DomainError('not_found', `Route ${routeId} not found`);
  if (route.optimized) return { route, changed: false, unassigned: [], violations: [] };
  const settings = organizationSettings(deps.db, orgId);
  const done = route.stops.filter((s) => s.status === 'completed' || s.status === 'failed' || s.status === 'cancelled');
  const fixed = route.stops.filter((s) => s.status === 'en_route' || s.status === 'arrived');
  const open = route.stops.filter((s) => s.status === 'assigned' || s.status === 'pending');
  const stopOf = (id: string): PlanningStop => planningStopOf(getStop(deps.db, orgId, id)!);
  const date = routeDate(route.date, route.stops.map((s) => stopOf(s.stop_id)), settings.time_zone);
  const vehicle = routeVehicle(deps, orgId, route.vehicle_id, date);
  const day = dayBoundsMs(date, settings.time_zone);
  const dayEndMs = vehicle.shift ? Date.parse(vehicle.shift.to) : day.endMs;
  const underway = route.status === 'in_progress' || done.length > 0 || fixed.length > 0;
  const driver = route.driver_id ? getDriver(deps.db, orgId, route.driver_id) : undefined;
  const lastDone = done[done.length - 1];
  const here = underway
    ? (driver?.last_position
        ? { lat: driver.last_position.lat, lng: driver.last_position.lng }
        : lastDone
          ? { lat: lastDone.lat, lng: lastDone.lng }
          : vehicle.start)
    : vehicle.start;
  const departAtMs = underway ? nowMs : undefined;
  // The solver plans what comes after the fixed stops, from the last of them (or from here).
  const lastFixed = fixed[fixed.length - 1];
  const solveFrom = lastFixed ? { lat: lastFixed.lat, lng: lastFixed.lng } : here;
  let order = open.map((s) => s.stop_id);
  let unassigned: PlanAnswer['unassigned'] = [];
  if (open.length > 1 || (open.length === 1 && fixed.length === 0)) {
    const full = open.map((s) => stopOf(s.stop_id));
    const shift = underway
      ? { from: new Date(Math.max(nowMs, day.startMs)).toISOString(), to: new Date(Math.max(nowMs, dayEndMs)).toISOString() }
      : vehicle.shift ?? { from: new Date(day.startMs).toISOString(), to: new Date(day.endMs).toISOString() };
    const single: PlanningVehicle = { ...vehicle, id: 'route', start: solveFrom, shift, max_stops: null };
    const { problem, epochMs } = toProblem(full, [single], nowMs);
    const solution = await deps.solver.solve(problem, {
      organizationId: orgId,
      timeLimitS: options.time_limit_s,
      seed: options.seed ?? 1,
      ...control,
    });
    throwIfCancelled(control);
    const answer = fromSolution(solution, epochMs);
    const solved = answer.routes[0]?.stops.map((s) => s.stop_id) ?? [];
    unassigned = answer.unassigned;
    // Stops the solver could not fit stay on the route, at the end, and are reported.
    order = [...solved, ...unassigned.map((u) => u.stop_id)];
  }
  const tail = [...fixed.map((s) => s.stop_id), ...order].map(stopOf);
  const schedule = scheduleRoute(tail, { ...vehicle, start: here }, departAtMs);
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
  return { route: updated, changed: true, unassigned, violations: schedule.violations };
}
