/**
 * VROOM's problem (input-schema.ts) → Milkrun's solver `Problem`, or the first thing Milkrun cannot honour as an
 * input error naming its key path. Nothing is dropped silently: a documented key Milkrun does not support yet is
 * refused unless its value means "nothing" (an empty `breaks`, a zero `setup`, empty per-type maps ...).
 *
 * The mapping, key by key:
 * - `location` `[lon, lat]` → `{ lat, lng }`; `location_index` / `start_index` / `end_index` → `{ index }` (with
 *   custom matrices, as VROOM: indices are then mandatory, coordinates only echoed back).
 * - `service` → `serviceS`; `time_windows` → `timeWindows` (sorted; overlapping ones merged: the same slots).
 * - `delivery` → `demand`; `pickup` → `pickup`; `capacity` → `capacity`. Amounts follow VROOM: every array (shipment
 *   `amount`s too) has the first one's length and a missing one is all zeros, so a vehicle without `capacity`
 *   carries nothing when tasks have amounts.
 * - `shipments[i]` → a `Shipment` with id `s<i>` (VROOM's shipments have no id of their own; job ids are digits,
 *   so the two never clash): `pickup` / `delivery` steps as jobs' places (location, service, time windows),
 *   `amount`, `skills`, `priority` as a job's. The halves' VROOM ids are written back from the context.
 * - `skills` (integers) → skills as strings (`3` → `"3"`); a job needs all of them, as in both engines.
 * - `priority` 0–100 → Milkrun's 1–10 by `milkrunPriority` (below).
 * - `time_window` → `shift` (absent: `[0, ∞)`, VROOM's default); `max_tasks` → `maxStops`; `max_distance` → `maxDistanceM`.
 * - `costs` → `fixedCost`, `costPerHour` (VROOM's default 3600: cost = travel seconds), `costPerKm`; the solve
 *   uses the `cost` objective. Milkrun prices the route's whole duration per hour (waiting and service
 *   included), VROOM travel time only; the answer's costs are computed with VROOM's formula (solution.ts).
 * - `speed_factor` s → `speedFactor` 1/s (VROOM divides travel times by it, Milkrun multiplies), to two
 *   decimals as VROOM does.
 * - `max_travel_time` is refused: Milkrun's `maxDurationS` bounds the route's duration (travel, waiting and
 *   service), VROOM's key bounds travel time alone, and mapping one to the other would refuse feasible routes.
 */
import type { Job, Location, Problem, Shipment, ShipmentStep, TimeWindow, Vehicle } from '../../solver/model.js';
import type { FixedRoute } from '../../solver/time-routes.js';
import { inputError, type VroomError } from './errors.js';
import type { VroomCoordinates, VroomInput, VroomJob, VroomShipment, VroomShipmentStep, VroomVehicle } from './input-schema.js';

const DEFAULT_PROFILE = 'car';
/** VROOM's default `costs.per_hour`: one cost unit per second of travel. */
export const DEFAULT_PER_HOUR = 3600;

/**
 * VROOM priority (0–100, default 0, higher is kept first) → Milkrun priority (1–10; Milkrun's 0 would mean
 * "unset, counts 5", so it is never produced): `1 + ceil(9p / 100)`. Monotonic, 0 → 1 (the lowest tier), any
 * positive priority → at least 2 (so 1 still beats 0, as in VROOM), 100 → 10. Milkrun first maximises the sum of
 * served priorities, so a VROOM problem without priorities (all 1) still serves as many jobs as it can first.
 */
export function milkrunPriority(vroomPriority: number): number {
  return 1 + Math.ceil((9 * vroomPriority) / 100);
}

/** What the solution writer needs to speak VROOM again: the input's objects by Milkrun id, and how it was read. */
export interface VroomContext {
  jobs: Map<string, VroomJob>;
  /** The input's shipments by Milkrun shipment id (`s<index>`). */
  shipments: Map<string, VroomShipment>;
  vehicles: Map<string, VroomVehicle>;
  /** Amount dimensions (0 when no amounts: `load`, `delivery`, `pickup` are then left out, as VROOM does). */
  dims: number;
  /** Distances are known (distance matrices, or straight lines): `distance` keys are in the answer. */
  reportDistances: boolean;
  /** Where travel times come from: the input's matrices, or straight lines between coordinates. */
  matrixSource: 'matrices' | 'straight_line';
}

export interface VroomMapping {
  problem: Problem;
  context: VroomContext;
  /** Plan mode: the job order of each vehicle that has `steps` (vehicles without steps get no route). */
  fixedRoutes: FixedRoute[];
}

export type MappingResult = { ok: true; value: VroomMapping } | { ok: false; error: VroomError };

const unsupported = (path: string, reason: string): MappingResult => ({ ok: false, error: inputError(path, 'unsupported', reason) });
const invalid = (path: string, reason: string): MappingResult => ({ ok: false, error: inputError(path, 'invalid', reason) });

const lngLat = (c: VroomCoordinates): Location => ({ lat: c[1], lng: c[0] });

/** Sorted, overlapping or touching windows merged: the same set of allowed start times. */
function timeWindowsOf(windows: readonly (readonly [number, number])[]): TimeWindow[] {
  const sorted = [...windows].sort((a, b) => a[0] - b[0]);
  const out: TimeWindow[] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else out.push({ start, end });
  }
  return out;
}

function squareSide(m: readonly (readonly number[])[]): number | string {
  if (m.length === 0) return 'must not be empty';
  const bad = m.findIndex((row) => row.length !== m.length);
  return bad < 0 ? m.length : `must be square: row ${bad} has ${m[bad]!.length} values, expected ${m.length}`;
}

/** Maps a validated VROOM input; `plan` is VROOM's `-c` (vehicle `steps` are the routes to time). */
export function toProblem(input: VroomInput, mode: { plan: boolean }): MappingResult {
  if (input.matrix !== undefined) return unsupported('matrix', 'deprecated in VROOM; send `matrices` keyed by profile');
  const vroomJobs = input.jobs ?? [];
  const vroomShipments = input.shipments ?? [];
  if (vroomShipments.length > 0 && mode.plan) {
    return unsupported('shipments', "plan mode cannot time shipments yet (Milkrun's route timing takes jobs only); solve without plan mode");
  }
  if (input.vehicles.length === 0) return invalid('vehicles', 'no vehicle defined');
  if (vroomJobs.length === 0 && vroomShipments.length === 0) return invalid('jobs', 'no task defined');

  // One profile per problem: the solver has one travel-time matrix.
  const profile = input.vehicles[0]!.profile ?? DEFAULT_PROFILE;
  for (let i = 1; i < input.vehicles.length; i++) {
    const other = input.vehicles[i]!.profile ?? DEFAULT_PROFILE;
    if (other !== profile) {
      return unsupported(`vehicles[${i}].profile`, `several profiles are not supported yet ("${other}", vehicles[0] uses "${profile}")`);
    }
  }

  // Matrices: checked for every profile given, used for the vehicles' one.
  let size = 0;
  for (const [name, m] of Object.entries(input.matrices ?? {})) {
    if (m.costs !== undefined) return unsupported(`matrices.${name}.costs`, 'custom cost matrices are not supported yet');
    if (m.durations === undefined) return invalid(`matrices.${name}.durations`, 'required (distances need durations too)');
    const side = squareSide(m.durations);
    if (typeof side === 'string') return invalid(`matrices.${name}.durations`, side);
    if (m.distances !== undefined) {
      const dSide = squareSide(m.distances);
      if (typeof dSide === 'string') return invalid(`matrices.${name}.distances`, dSide);
      if (dSide !== side) return invalid(`matrices.${name}.distances`, `is ${dSide}×${dSide}, durations is ${side}×${side}`);
    }
    if (name === profile) size = side;
  }
  const matrices = input.matrices?.[profile];
  const useMatrices = matrices?.durations !== undefined;
  const hasDistances = !useMatrices || matrices.distances !== undefined;
  const matricesPath = `matrices.${profile}`;

  // Amounts: every array as long as the first one (VROOM's rule); a missing one is zeros.
  let dims: number | undefined;
  const amounts: [string, number[] | undefined][] = [
    ...input.vehicles.map((v, i): [string, number[] | undefined] => [`vehicles[${i}].capacity`, v.capacity]),
    ...vroomJobs.flatMap((j, i): [string, number[] | undefined][] => [
      [`jobs[${i}].delivery`, j.delivery],
      [`jobs[${i}].pickup`, j.pickup],
    ]),
    ...vroomShipments.map((x, i): [string, number[] | undefined] => [`shipments[${i}].amount`, x.amount]),
  ];
  for (const [path, amount] of amounts) {
    if (amount === undefined) continue;
    if (dims === undefined) dims = amount.length;
    else if (amount.length !== dims) return invalid(path, `has ${amount.length} values, expected ${dims} like every amount before it`);
  }
  const d = dims ?? 0;
  const zeros = (): number[] => Array.from({ length: d }, () => 0);

  const indexOrError = (index: number | undefined, path: string): Location | MappingResult => {
    if (index === undefined) return invalid(path, `required with custom matrices (${matricesPath})`);
    if (index >= size) return invalid(path, `${index} is outside the ${size}×${size} matrices of profile "${profile}"`);
    return { index };
  };
  const isLocation = (x: Location | MappingResult): x is Location => !('ok' in x);

  /** A job's or a shipment step's place and time: location, service, windows; setup must be 0. */
  const placeOf = (t: VroomJob | VroomShipmentStep, at: string): ShipmentStep | MappingResult => {
    if ((t.setup ?? 0) > 0) return unsupported(`${at}.setup`, 'setup times are not supported yet (only 0)');
    if (t.setup_per_type && Object.keys(t.setup_per_type).length > 0) return unsupported(`${at}.setup_per_type`, 'setup times per vehicle type are not supported yet');
    if (t.service_per_type && Object.keys(t.service_per_type).length > 0) return unsupported(`${at}.service_per_type`, 'service times per vehicle type are not supported yet');
    let location: Location;
    if (useMatrices) {
      const loc = indexOrError(t.location_index, `${at}.location_index`);
      if (!isLocation(loc)) return loc;
      location = loc;
    } else {
      if (!t.location) return invalid(`${at}.location`, `required without custom matrices for profile "${profile}"`);
      location = lngLat(t.location);
    }
    const out: ShipmentStep = { location };
    if (t.service) out.serviceS = t.service;
    if (t.time_windows && t.time_windows.length > 0) out.timeWindows = timeWindowsOf(t.time_windows);
    return out;
  };

  const jobs: Job[] = [];
  const jobsById = new Map<string, VroomJob>();
  const jobIndexOf = new Map<string, number>();
  for (let i = 0; i < vroomJobs.length; i++) {
    const j = vroomJobs[i]!;
    const at = `jobs[${i}]`;
    const id = String(j.id);
    const first = jobIndexOf.get(id);
    if (first !== undefined) return invalid(`${at}.id`, `duplicate job id ${j.id} (also jobs[${first}])`);
    jobIndexOf.set(id, i);
    if (j.amount !== undefined) return unsupported(`${at}.amount`, 'deprecated in VROOM; send `delivery` (and `pickup`)');
    const place = placeOf(j, at);
    if (!('location' in place)) return place;
    const job: Job = { id, ...place, priority: milkrunPriority(j.priority ?? 0) };
    if (d > 0) job.demand = j.delivery ?? zeros();
    if (d > 0 && j.pickup?.some((q) => q > 0)) job.pickup = [...j.pickup];
    if (j.skills && j.skills.length > 0) job.skills = j.skills.map(String);
    jobs.push(job);
    jobsById.set(id, j);
  }

  // Shipments: VROOM wants pickup ids unique among pickups, delivery ids among deliveries.
  const shipments: Shipment[] = [];
  const shipmentsById = new Map<string, VroomShipment>();
  const halfIndexOf = { pickup: new Map<number, number>(), delivery: new Map<number, number>() };
  for (let i = 0; i < vroomShipments.length; i++) {
    const x = vroomShipments[i]!;
    const at = `shipments[${i}]`;
    const halves: Partial<Record<'pickup' | 'delivery', ShipmentStep>> = {};
    for (const half of ['pickup', 'delivery'] as const) {
      const step = x[half];
      const first = halfIndexOf[half].get(step.id);
      if (first !== undefined) return invalid(`${at}.${half}.id`, `duplicate ${half} id ${step.id} (also shipments[${first}])`);
      halfIndexOf[half].set(step.id, i);
      const place = placeOf(step, `${at}.${half}`);
      if (!('location' in place)) return place;
      halves[half] = place;
    }
    const id = `s${i}`;
    const shipment: Shipment = { id, pickup: halves.pickup!, delivery: halves.delivery!, priority: milkrunPriority(x.priority ?? 0) };
    if (d > 0) shipment.amount = x.amount ?? zeros();
    if (x.skills && x.skills.length > 0) shipment.skills = x.skills.map(String);
    shipments.push(shipment);
    shipmentsById.set(id, x);
  }

  const vehicles: Vehicle[] = [];
  const vehiclesById = new Map<string, VroomVehicle>();
  const fixedRoutes: FixedRoute[] = [];
  const plannedAt = new Map<string, string>();
  for (let i = 0; i < input.vehicles.length; i++) {
    const v = input.vehicles[i]!;
    const at = `vehicles[${i}]`;
    const id = String(v.id);
    if (vehiclesById.has(id)) return invalid(`${at}.id`, `duplicate vehicle id ${v.id}`);
    if ((v.costs?.per_task_hour ?? 0) > 0) return unsupported(`${at}.costs.per_task_hour`, 'task-time costs are not supported yet (only 0)');
    if (v.breaks && v.breaks.length > 0) return unsupported(`${at}.breaks`, 'breaks are not supported yet');
    if (v.max_travel_time !== undefined) {
      return unsupported(
        `${at}.max_travel_time`,
        "not supported: Milkrun bounds a route's whole duration (travel, waiting and service), not travel time alone",
      );
    }
    if (!hasDistances) {
      if (v.max_distance !== undefined) return unsupported(`${at}.max_distance`, `needs ${matricesPath}.distances (Milkrun does not fetch distances from a routing engine)`);
      if ((v.costs?.per_km ?? 0) > 0) return unsupported(`${at}.costs.per_km`, `needs ${matricesPath}.distances (Milkrun does not fetch distances from a routing engine)`);
    }
    const vehicle: Vehicle = {
      id,
      fixedCost: v.costs?.fixed ?? 0,
      costPerHour: v.costs?.per_hour ?? DEFAULT_PER_HOUR,
      costPerKm: v.costs?.per_km ?? 0,
    };
    for (const end of ['start', 'end'] as const) {
      const indexKey = end === 'start' ? 'start_index' : 'end_index';
      if (useMatrices) {
        if (v[indexKey] === undefined && v[end] === undefined) continue;
        const loc = indexOrError(v[indexKey], `${at}.${indexKey}`);
        if (!isLocation(loc)) return loc;
        vehicle[end] = loc;
      } else if (v[end] !== undefined) {
        vehicle[end] = lngLat(v[end]);
      }
    }
    if (!vehicle.start && !vehicle.end) return invalid(at, useMatrices ? 'needs start_index or end_index' : 'needs start or end');
    // VROOM's timeline starts at 0: without a time window a vehicle works over [0, ∞), never before 0.
    vehicle.shift = v.time_window ? { start: v.time_window[0], end: v.time_window[1] } : { start: 0, end: Infinity };
    if (d > 0) vehicle.capacity = v.capacity ?? zeros();
    if (v.skills && v.skills.length > 0) vehicle.skills = v.skills.map(String);
    if (v.max_tasks !== undefined) vehicle.maxStops = v.max_tasks;
    if (v.max_distance !== undefined) vehicle.maxDistanceM = v.max_distance;
    // VROOM keeps two decimals of 1 / speed_factor.
    if (v.speed_factor !== undefined && v.speed_factor !== 1) vehicle.speedFactor = Math.round(100 / v.speed_factor) / 100;

    if (v.steps !== undefined) {
      if (!mode.plan) {
        return unsupported(`${at}.steps`, 'a starting solution for the search is not supported; ask for plan mode (?plan=true, --plan) to time this order');
      }
      const order: string[] = [];
      for (let k = 0; k < v.steps.length; k++) {
        const step = v.steps[k]!;
        const sp = `${at}.steps[${k}]`;
        for (const key of ['service_at', 'service_after', 'service_before'] as const) {
          if (step[key] !== undefined) return unsupported(`${sp}.${key}`, 'service time bounds of plan mode are not supported yet');
        }
        if (step.type === 'start') {
          if (k !== 0) return invalid(`${sp}.type`, 'a start step must come first');
          if (!vehicle.start) return invalid(`${sp}.type`, 'this vehicle has no start');
        } else if (step.type === 'end') {
          if (k !== v.steps.length - 1) return invalid(`${sp}.type`, 'an end step must come last');
          if (!vehicle.end) return invalid(`${sp}.type`, 'this vehicle has no end');
        } else if (step.type === 'job') {
          if (step.id === undefined) return invalid(`${sp}.id`, 'required for a job step');
          const jobId = String(step.id);
          if (!jobIndexOf.has(jobId)) return invalid(`${sp}.id`, `no job with id ${step.id}`);
          const before = plannedAt.get(jobId);
          if (before !== undefined) return invalid(`${sp}.id`, `job ${step.id} is already planned at ${before}`);
          plannedAt.set(jobId, sp);
          order.push(jobId);
        } else {
          // Shipments are refused in plan mode above, so a pickup or delivery step names nothing.
          return invalid(`${sp}.id`, `no ${step.type} with id ${step.id ?? '(none)'} (plan mode takes job steps only: shipments and breaks are not supported yet)`);
        }
      }
      if (order.length > 0) fixedRoutes.push({ vehicle: id, jobs: order });
    }
    vehicles.push(vehicle);
    vehiclesById.set(id, v);
  }

  const problem: Problem = { jobs, vehicles };
  if (shipments.length > 0) problem.shipments = shipments;
  if (useMatrices) {
    const durations = Float64Array.from(matrices.durations!.flat());
    const distances = matrices.distances ? Float64Array.from(matrices.distances.flat()) : new Float64Array(size * size);
    problem.matrices = { durations, distances, size };
  }
  return {
    ok: true,
    value: {
      problem,
      fixedRoutes,
      context: {
        jobs: jobsById,
        shipments: shipmentsById,
        vehicles: vehiclesById,
        dims: d,
        reportDistances: hasDistances,
        matrixSource: useMatrices ? 'matrices' : 'straight_line',
      },
    },
  };
}
