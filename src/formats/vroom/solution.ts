/**
 * Milkrun's answer (a solve's `Solution`, or plan mode's `TimedRoute`s) → VROOM's solution JSON. Both go through
 * one walk (`WalkRoute`) so a solved route and a timed one are written alike. VROOM's reading of the numbers:
 * a step's `duration` and `distance` are travel so far upon arrival, a route's `duration` is its travel time,
 * `cost` is `fixed + per_hour × travel h + per_km × km` (Milkrun's search prices the whole route duration, see
 * to-problem.ts), and every time is a whole second. Cumulated values are rounded once each, so a route's
 * `duration` is its last step's and the summary's totals are sums of the routes'.
 *
 * Amounts as VROOM counts them (src/utils/helpers.cpp): the start load is the route's jobs' deliveries; a job
 * step drops its `delivery` and adds its `pickup`, a shipment's `pickup` step adds its `amount`, its `delivery`
 * step drops it. A route's `delivery` / `pickup` totals are its tasks' (a shipment counts in both), and its
 * `priority` sums its tasks' (a shipment's two steps each count its priority, as VROOM's). An unassigned shipment
 * is two entries, its `pickup` then its `delivery`, each with its own id.
 */
import type { Problem, Route, Solution } from '../../solver/model.js';
import type { RouteViolation, TimedRoute } from '../../solver/time-routes.js';
import type { VroomJob, VroomShipmentStep, VroomVehicle } from './input-schema.js';
import type { VroomRoute, VroomSolution, VroomStep, VroomUnassigned, VroomViolation } from './output-schema.js';
import { DEFAULT_PER_HOUR, type VroomContext } from './to-problem.js';

/** One step of a route to write; times in problem seconds, the leg is the travel into the step. */
interface WalkStep {
  type: 'start' | 'job' | 'pickup' | 'delivery' | 'end';
  job?: string;
  /** Milkrun shipment id of a pickup or delivery step. */
  shipment?: string;
  arrival: number;
  waiting: number;
  legDurationS: number;
  legDistance: number;
}

interface WalkRoute {
  vehicle: string;
  steps: WalkStep[];
  /** Plan mode's findings (none for a solved route). */
  violations: readonly RouteViolation[];
}

export interface ComputingTimes {
  loading: number;
  solving: number;
}

function fromSolvedRoute(r: Route): WalkRoute {
  return {
    vehicle: r.vehicle,
    violations: [],
    steps: r.steps.map((s) => ({
      type: s.type,
      ...(s.job !== undefined && { job: s.job }),
      ...(s.shipment !== undefined && { shipment: s.shipment }),
      // VROOM's start arrival is the time the vehicle sets off.
      arrival: s.type === 'start' ? s.departure : s.arrival,
      waiting: s.type === 'start' ? 0 : s.waiting,
      legDurationS: s.duration,
      legDistance: s.distance,
    })),
  };
}

function fromTimedRoute(r: TimedRoute, hasStart: boolean, hasEnd: boolean): WalkRoute {
  const steps: WalkStep[] = [];
  if (hasStart) steps.push({ type: 'start', arrival: r.departureS, waiting: 0, legDurationS: 0, legDistance: 0 });
  let lastDeparture = r.departureS;
  let jobDistance = 0;
  for (const s of r.steps) {
    steps.push({ type: 'job', job: s.job, arrival: s.arrival, waiting: s.waiting, legDurationS: s.legDurationS, legDistance: s.legDistance });
    lastDeparture = s.departure;
    jobDistance += s.legDistance;
  }
  if (hasEnd) {
    steps.push({ type: 'end', arrival: r.endS, waiting: 0, legDurationS: r.endS - lastDeparture, legDistance: r.distance - jobDistance });
  }
  return { vehicle: r.vehicle, steps, violations: r.violations };
}

/** A solve's answer in VROOM's words. */
export function writeSolution(ctx: VroomContext, solution: Solution, times: ComputingTimes): VroomSolution {
  const unassigned = solution.unassigned.flatMap((u) =>
    u.shipment !== undefined ? unassignedShipment(ctx, u.shipment, u.reason) : [unassignedJob(ctx, u.job, u.reason)],
  );
  return write(ctx, solution.routes.map(fromSolvedRoute), unassigned, times);
}

/** Plan mode's answer: the timed routes with their violations; jobs in no vehicle's steps are unassigned. */
export function writeTimedRoutes(ctx: VroomContext, problem: Problem, routes: readonly TimedRoute[], times: ComputingTimes): VroomSolution {
  const planned = new Set(routes.flatMap((r) => r.steps.map((s) => s.job)));
  const unassigned = [...ctx.jobs.keys()].filter((id) => !planned.has(id)).map((id) => unassignedJob(ctx, id, 'not_in_steps'));
  const vehicles = new Map(problem.vehicles.map((v) => [v.id, v]));
  const walks = routes.map((r) => {
    const v = vehicles.get(r.vehicle)!;
    return fromTimedRoute(r, v.start !== undefined, v.end !== undefined);
  });
  return write(ctx, walks, unassigned, times);
}

function unassignedJob(ctx: VroomContext, id: string, reason: string): VroomUnassigned {
  const j = ctx.jobs.get(id)!;
  return {
    id: j.id,
    type: 'job',
    ...(j.location && { location: j.location }),
    ...(j.location_index !== undefined && { location_index: j.location_index }),
    ...(j.description !== undefined && { description: j.description }),
    reason,
  };
}

/** An unassigned shipment as VROOM lists it: its pickup, then its delivery. */
function unassignedShipment(ctx: VroomContext, id: string, reason: string): VroomUnassigned[] {
  const x = ctx.shipments.get(id)!;
  return (['pickup', 'delivery'] as const).map((type) => {
    const t = x[type];
    return {
      id: t.id,
      type,
      ...(t.location && { location: t.location }),
      ...(t.location_index !== undefined && { location_index: t.location_index }),
      ...(t.description !== undefined && { description: t.description }),
      reason,
    };
  });
}

/** The task a step performs, with its amounts in VROOM's terms (what it drops and what it collects). */
interface StepTask {
  place: VroomJob | VroomShipmentStep;
  delivery: readonly number[];
  pickup: readonly number[];
  priority: number;
}

function taskOf(ctx: VroomContext, s: WalkStep): StepTask | undefined {
  const none: number[] = [];
  if (s.type === 'job') {
    const j = ctx.jobs.get(s.job!)!;
    return { place: j, delivery: j.delivery ?? none, pickup: j.pickup ?? none, priority: j.priority ?? 0 };
  }
  if (s.type === 'pickup' || s.type === 'delivery') {
    const x = ctx.shipments.get(s.shipment!)!;
    const amount = x.amount ?? none;
    return {
      place: x[s.type],
      delivery: s.type === 'delivery' ? amount : none,
      pickup: s.type === 'pickup' ? amount : none,
      priority: x.priority ?? 0,
    };
  }
  return undefined;
}

function write(ctx: VroomContext, walks: readonly WalkRoute[], unassigned: VroomUnassigned[], times: ComputingTimes): VroomSolution {
  const routes = walks.map((w) => writeRoute(ctx, w));
  const sum = (f: (r: VroomRoute) => number) => routes.reduce((a, r) => a + f(r), 0);
  const sumAmounts = (f: (r: VroomRoute) => number[] | undefined): number[] =>
    Array.from({ length: ctx.dims }, (_, d) => routes.reduce((a, r) => a + (f(r)?.[d] ?? 0), 0));
  return {
    code: 0,
    summary: {
      cost: sum((r) => r.cost),
      routes: routes.length,
      unassigned: unassigned.length,
      ...(ctx.dims > 0 && { delivery: sumAmounts((r) => r.delivery), pickup: sumAmounts((r) => r.pickup) }),
      setup: 0,
      service: sum((r) => r.service),
      duration: sum((r) => r.duration),
      waiting_time: sum((r) => r.waiting_time),
      priority: sum((r) => r.priority),
      ...(ctx.reportDistances && { distance: sum((r) => r.distance ?? 0) }),
      violations: mergeViolations(routes.map((r) => r.violations)),
      computing_times: { loading: Math.round(times.loading), solving: Math.round(times.solving), routing: 0 },
    },
    unassigned,
    routes,
    matrix_source: ctx.matrixSource,
  };
}

function writeRoute(ctx: VroomContext, w: WalkRoute): VroomRoute {
  const v = ctx.vehicles.get(w.vehicle)!;
  const tasks = w.steps.map((s) => taskOf(ctx, s));
  const served = tasks.filter((t): t is StepTask => t !== undefined);
  const total = (f: (t: StepTask) => readonly number[]) =>
    Array.from({ length: ctx.dims }, (_, d) => served.reduce((a, t) => a + (f(t)[d] ?? 0), 0));
  const delivery = total((t) => t.delivery);
  const pickup = total((t) => t.pickup);
  // Loaded at the start: the jobs' deliveries (a shipment's amount comes aboard at its pickup).
  const startLoad = Array.from({ length: ctx.dims }, (_, d) =>
    w.steps.reduce((a, s, k) => a + (s.type === 'job' ? (tasks[k]!.delivery[d] ?? 0) : 0), 0),
  );
  const capacity = v.capacity ?? [];
  const overCapacity = (load: number[]) => load.some((q, d) => q > (capacity[d] ?? 0));
  const stepViolations = w.steps.map((): VroomViolation[] => []);
  const lastStep = w.steps.length - 1;
  const reportLoad = w.violations.some((x) => x.type === 'capacity');

  // Plan mode's findings, on the steps VROOM would put them on.
  for (const x of w.violations) {
    if (x.type === 'time_window' || x.type === 'skills') {
      const k = w.steps.findIndex((s) => s.type !== 'start' && s.type !== 'end' && s.job === x.job);
      if (x.type === 'time_window') stepViolations[k]!.push({ cause: 'delay', duration: Math.round(x.lateByS ?? 0) });
      else stepViolations[k]!.push({ cause: 'skills' });
    } else if (x.type === 'shift_end') {
      stepViolations[lastStep]!.push({ cause: 'delay', duration: Math.round(x.lateByS ?? 0) });
    } else if (x.type === 'max_stops') {
      let count = 0;
      w.steps.forEach((s, k) => {
        if (tasks[k] !== undefined && ++count > (v.max_tasks ?? Infinity)) stepViolations[k]!.push({ cause: 'max_tasks' });
      });
    }
  }

  let load = startLoad;
  let travel = 0;
  let distance = 0;
  let waiting = 0;
  let service = 0;
  let priority = 0;
  const steps: VroomStep[] = w.steps.map((s, k) => {
    travel += s.legDurationS;
    distance += s.legDistance;
    const task = tasks[k];
    const taskPlace = task?.place;
    if (task) {
      load = load.map((q, d) => q - (task.delivery[d] ?? 0) + (task.pickup[d] ?? 0));
      service += task.place.service ?? 0;
      priority += task.priority;
    }
    // timeRoutes does not check distance; VROOM marks every step past `max_distance` (none on a solved route).
    if (v.max_distance !== undefined && distance > v.max_distance + 1e-6) stepViolations[k]!.push({ cause: 'max_distance' });
    const stepWaiting = Math.round(s.waiting);
    waiting += stepWaiting;
    if (reportLoad && ctx.dims > 0 && overCapacity(load)) stepViolations[k]!.unshift({ cause: 'load' });
    const place = placeOf(v, s.type, taskPlace);
    return {
      type: s.type,
      ...(taskPlace && { id: taskPlace.id }),
      ...(taskPlace?.description !== undefined && { description: taskPlace.description }),
      ...place,
      setup: 0,
      service: taskPlace?.service ?? 0,
      waiting_time: stepWaiting,
      ...(ctx.dims > 0 && { load: [...load] }),
      arrival: Math.round(s.arrival),
      duration: Math.round(travel),
      violations: stepViolations[k]!,
      ...(ctx.reportDistances && { distance: Math.round(distance) }),
    };
  });
  const duration = steps.length > 0 ? steps[steps.length - 1]!.duration : 0;
  const routeDistance = steps.length > 0 ? (steps[steps.length - 1]!.distance ?? 0) : 0;
  const costs = v.costs ?? {};
  const cost = Math.round(
    (costs.fixed ?? 0) + ((costs.per_hour ?? DEFAULT_PER_HOUR) * duration) / 3600 + ((costs.per_km ?? 0) * routeDistance) / 1000,
  );
  return {
    vehicle: v.id,
    cost,
    ...(v.description !== undefined && { description: v.description }),
    ...(ctx.dims > 0 && { delivery, pickup }),
    setup: 0,
    service,
    duration,
    waiting_time: waiting,
    priority,
    ...(ctx.reportDistances && { distance: routeDistance }),
    steps,
    violations: mergeViolations(steps.map((s) => s.violations)),
  };
}

/** Where a step is, as the input gave it: coordinates and/or a matrix index. */
function placeOf(v: VroomVehicle, type: WalkStep['type'], task: VroomJob | VroomShipmentStep | undefined): Pick<VroomStep, 'location' | 'location_index'> {
  const [location, index] = task ? [task.location, task.location_index] : type === 'start' ? [v.start, v.start_index] : [v.end, v.end_index];
  return { ...(location && { location }), ...(index !== undefined && { location_index: index }) };
}

/** One violation per cause, delays and lead times summed (VROOM's route and summary lists). */
function mergeViolations(lists: readonly (readonly VroomViolation[])[]): VroomViolation[] {
  const byCause = new Map<VroomViolation['cause'], VroomViolation>();
  for (const list of lists) {
    for (const x of list) {
      const seen = byCause.get(x.cause);
      if (!seen) byCause.set(x.cause, { ...x });
      else if (x.duration !== undefined) seen.duration = (seen.duration ?? 0) + x.duration;
    }
  }
  return [...byCause.values()];
}
