/**
 * An independent feasibility checker for solver output, written from the model's documentation only (it shares
 * no code with src/solver): travel from the caller's matrices, waiting allowed, service starts inside a window.
 * Loads: a vehicle leaves with every delivery of its jobs aboard; a job drops its delivery and takes its pickup;
 * a shipment's pickup adds its amount, its delivery removes it. The load must stay within [0, capacity].
 */
import type { Job, Location, Problem, Shipment, Solution, UnassignedReason, Vehicle } from '../../src/solver/model.js';
import { DEFAULT_SPEED_KMH, haversineM, metresPerSecond } from '../../src/solver/straight-line.js';

const TOL = 1e-5;

export interface MatrixProblem extends Problem {
  matrices: NonNullable<Problem['matrices']>;
}

function loc(l: { index: number } | { lat: number; lng: number } | undefined): number {
  if (!l || !('index' in l)) return -1;
  return l.index;
}

function travel(p: MatrixProblem, from: number, to: number, speed: number): { dur: number; dist: number } {
  if (from < 0 || to < 0) return { dur: 0, dist: 0 };
  const n = p.matrices.size;
  return { dur: p.matrices.durations[from * n + to]! * speed, dist: p.matrices.distances[from * n + to]! };
}

/** What a route visits: a job or one half of a shipment, with its time data. */
type Visit = Pick<Job, 'location' | 'serviceS' | 'timeWindows'>;

const deliveryOf = (j: Job): number[] => j.delivery ?? j.demand ?? [];

function inWindow(job: Visit, t: number): boolean {
  const w = job.timeWindows ?? [];
  return w.length === 0 || w.some((x) => t >= x.start - TOL && t <= x.end + TOL);
}

function firstStartAtOrAfter(job: Visit, t: number, tol = 1e-9): number {
  const w = job.timeWindows ?? [];
  if (w.length === 0) return t;
  for (const x of w) if (t <= x.end + tol) return Math.max(t, x.start);
  return NaN;
}

/**
 * Shortest feasible duration of a job sequence for a vehicle, or null when infeasible. Tries every departure at
 * which some job would start exactly at a window opening (the only places where the duration can change slope).
 */
export function minimalRoute(
  p: MatrixProblem, v: Vehicle, seq: number[], tol = TOL,
): { duration: number; distance: number } | null {
  const jobs = seq.map((i) => p.jobs[i]!);
  const dims = Math.max(v.capacity?.length ?? 0, ...jobs.map((j) => Math.max(deliveryOf(j).length, j.pickup?.length ?? 0)));
  for (let d = 0; d < dims; d++) {
    let load = jobs.reduce((a, j) => a + (deliveryOf(j)[d] ?? 0), 0);
    const cap = (v.capacity?.[d] ?? Infinity) + tol;
    if (load > cap) return null;
    for (const j of jobs) {
      load += (j.pickup?.[d] ?? 0) - (deliveryOf(j)[d] ?? 0);
      if (load > cap) return null;
    }
  }
  const skills = new Set(v.skills ?? []);
  if (jobs.some((j) => (j.skills ?? []).some((s) => !skills.has(s)))) return null;
  return minimalTiming(p, v, jobs, tol);
}

/** Shortest feasible duration of visiting `jobs` in order (time, stops, duration, distance only), or null. */
export function minimalTiming(
  p: MatrixProblem, v: Vehicle, jobs: Visit[], tol = TOL,
): { duration: number; distance: number } | null {
  const timed = timeOnly(p, v, jobs, tol);
  if (timed === null) return null;
  if (jobs.length > (v.maxStops ?? Infinity)) return null;
  if (timed.duration > (v.maxDurationS ?? Infinity) + tol) return null;
  if (timed.distance > (v.maxDistanceM ?? Infinity) + tol) return null;
  return timed;
}

/**
 * Shortest duration of visiting `jobs` in order counting only time (travel, service, windows, shift), or null when
 * no departure meets every window and the shift end. Tries every departure at which some job would start exactly at
 * a window opening or closing (the only places where the duration can change slope).
 */
function timeOnly(p: MatrixProblem, v: Vehicle, jobs: Visit[], tol = TOL): { duration: number; distance: number } | null {
  const speed = v.speedFactor ?? 1;
  const locs = [loc(v.start), ...jobs.map((j) => loc(j.location)), loc(v.end)];
  let distance = 0;
  for (let k = 1; k < locs.length; k++) distance += travel(p, locs[k - 1]!, locs[k]!, speed).dist;
  if (!Number.isFinite(distance)) return null;
  const shiftStart = v.shift?.start ?? -Infinity;
  const shiftEnd = v.shift?.end ?? Infinity;
  const candidates = new Set<number>();
  if (Number.isFinite(shiftStart)) candidates.add(shiftStart);
  let offset = 0;
  for (let k = 0; k < jobs.length; k++) {
    offset += travel(p, locs[k]!, locs[k + 1]!, speed).dur;
    for (const w of jobs[k]!.timeWindows ?? []) {
      candidates.add(w.start - offset);
      candidates.add(w.end - offset);
    }
    offset += jobs[k]!.serviceS ?? 0;
  }
  if (candidates.size === 0) candidates.add(0);
  let best: number | null = null;
  for (const d0 of candidates) {
    if (d0 < shiftStart - 1e-9) continue;
    let t = d0;
    let ok = true;
    for (let k = 0; k < jobs.length && ok; k++) {
      t = firstStartAtOrAfter(jobs[k]!, t + travel(p, locs[k]!, locs[k + 1]!, speed).dur, tol);
      if (Number.isNaN(t)) ok = false;
      else t += jobs[k]!.serviceS ?? 0;
    }
    if (!ok) continue;
    t += travel(p, locs[locs.length - 2]!, locs[locs.length - 1]!, speed).dur;
    if (t > shiftEnd + tol) continue;
    // With an open start the route begins at the first job's service start.
    let first = d0;
    if (!v.start && jobs.length > 0) first = firstStartAtOrAfter(jobs[0]!, d0);
    const duration = t - first;
    if (best === null || duration < best) best = duration;
  }
  return best === null ? null : { duration: best, distance };
}

/** Time only (`timeOnly`) for a sequence of job indices. */
export function timedRoute(p: MatrixProblem, v: Vehicle, seq: number[], tol = TOL): { duration: number; distance: number } | null {
  return timeOnly(p, v, seq.map((i) => p.jobs[i]!), tol);
}

/** True when the load exceeds the vehicle's capacity at some point of the sequence (missing entries: 0 / unlimited). */
export function overCapacity(p: Problem, v: Vehicle, seq: number[], tol = TOL): boolean {
  const jobs = seq.map((i) => p.jobs[i]!);
  const dims = Math.max(v.capacity?.length ?? 0, ...jobs.map((j) => Math.max(deliveryOf(j).length, j.pickup?.length ?? 0)));
  for (let d = 0; d < dims; d++) {
    let load = jobs.reduce((a, j) => a + (deliveryOf(j)[d] ?? 0), 0);
    const cap = (v.capacity?.[d] ?? Infinity) + tol;
    if (load > cap) return true;
    for (const j of jobs) {
      load += (j.pickup?.[d] ?? 0) - (deliveryOf(j)[d] ?? 0);
      if (load > cap) return true;
    }
  }
  return false;
}

/** True when the vehicle has every skill the job needs. */
export function hasSkillsFor(p: Problem, v: Vehicle, i: number): boolean {
  const skills = new Set(v.skills ?? []);
  return (p.jobs[i]!.skills ?? []).every((s) => skills.has(s));
}

/** Throws with a description of the first violation found. Returns the job sequences per vehicle id. */
export function checkSolution(p: MatrixProblem, s: Solution): Map<string, number[]> {
  const fail = (msg: string): never => {
    throw new Error(msg);
  };
  const jobIndex = new Map(p.jobs.map((j, i) => [j.id, i]));
  const shipmentById = new Map<string, Shipment>((p.shipments ?? []).map((x) => [x.id, x]));
  const vehicleById = new Map(p.vehicles.map((v) => [v.id, v]));
  const seen = new Set<string>();
  const shipmentRoute = new Map<string, string>();
  const sequences = new Map<string, number[]>();
  let totalDistance = 0;
  let totalDuration = 0;
  const dimsOf = (v: Vehicle): number => Math.max(
    v.capacity?.length ?? 0,
    ...p.jobs.map((j) => Math.max(deliveryOf(j).length, j.pickup?.length ?? 0)),
    ...(p.shipments ?? []).map((x) => x.amount?.length ?? 0),
  );
  for (const route of s.routes) {
    const v = vehicleById.get(route.vehicle) ?? fail(`unknown vehicle ${route.vehicle}`);
    if (sequences.has(v.id)) fail(`vehicle ${v.id} has two routes`);
    const speed = v.speedFactor ?? 1;
    const steps = route.steps;
    const isStop = (t: string): boolean => t === 'job' || t === 'pickup' || t === 'delivery';
    const stopSteps = steps.filter((x) => isStop(x.type));
    if (stopSteps.length === 0) fail(`route of ${v.id} has no job`);
    if (v.start && steps[0]!.type !== 'start') fail(`route of ${v.id} must begin with its start`);
    if (!v.start && !isStop(steps[0]!.type)) fail(`open-start route of ${v.id} must begin with a stop`);
    if (v.end && steps[steps.length - 1]!.type !== 'end') fail(`route of ${v.id} must finish at its end`);
    if (!v.end && !isStop(steps[steps.length - 1]!.type)) fail(`open-end route of ${v.id} must finish with a stop`);
    const seq = steps.filter((x) => x.type === 'job').map((x) => jobIndex.get(x.job!) ?? fail(`unknown job ${x.job}`));
    sequences.set(v.id, seq);
    const dims = dimsOf(v);
    const cap = (d: number): number => v.capacity?.[d] ?? Infinity;
    let load = Array.from({ length: dims }, (_, d) => seq.reduce((a, i) => a + (deliveryOf(p.jobs[i]!)[d] ?? 0), 0));
    const checkLoad = (where: string): void => load.forEach((l, d) => {
      if (l > cap(d) + TOL) fail(`capacity exceeded on ${v.id} ${where}: ${l} > ${cap(d)}`);
      if (l < -TOL) fail(`negative load on ${v.id} ${where}`);
    });
    checkLoad('at the start');
    const picked = new Set<string>();
    const visits: Visit[] = [];
    let prevLoc = loc(v.start);
    let prevDeparture = NaN;
    let distance = 0;
    for (let k = 0; k < steps.length; k++) {
      const st = steps[k]!;
      if (st.type === 'start') {
        if (k !== 0) fail('start not first');
        if (st.departure < (v.shift?.start ?? -Infinity) - TOL) fail(`${v.id} leaves before its shift`);
        load.forEach((l, d) => Math.abs(l - (st.load[d] ?? 0)) > TOL && fail(`start load mismatch at ${v.id}`));
        prevDeparture = st.departure;
        continue;
      }
      let visit: Visit | null = null;
      let skillsNeeded: string[] = [];
      let label = '';
      if (st.type === 'job') {
        const job = p.jobs[jobIndex.get(st.job!) ?? fail(`unknown job ${st.job}`)]!;
        if (seen.has(job.id)) fail(`job ${job.id} served twice`);
        seen.add(job.id);
        visit = job;
        skillsNeeded = job.skills ?? [];
        label = job.id;
        load = load.map((l, d) => l - (deliveryOf(job)[d] ?? 0) + (job.pickup?.[d] ?? 0));
      } else if (st.type === 'pickup' || st.type === 'delivery') {
        const sh = shipmentById.get(st.shipment ?? '') ?? fail(`unknown shipment ${st.shipment}`);
        const half = st.type === 'pickup' ? sh.pickup : sh.delivery;
        if (st.job !== (half.id ?? sh.id)) fail(`step job ${st.job} of shipment ${sh.id} ${st.type}`);
        label = `${sh.id}/${st.type}`;
        if (st.type === 'pickup') {
          if (shipmentRoute.has(sh.id)) fail(`shipment ${sh.id} picked up twice`);
          shipmentRoute.set(sh.id, v.id);
          picked.add(sh.id);
          load = load.map((l, d) => l + (sh.amount?.[d] ?? 0));
        } else {
          if (!picked.has(sh.id)) fail(`shipment ${sh.id} delivered before its pickup on ${v.id} (or on another route)`);
          picked.delete(sh.id);
          if (seen.has(sh.id)) fail(`shipment ${sh.id} delivered twice`);
          seen.add(sh.id);
          load = load.map((l, d) => l - (sh.amount?.[d] ?? 0));
        }
        visit = half;
        skillsNeeded = sh.skills ?? [];
      }
      const here = visit ? loc(visit.location) : loc(v.end);
      const leg = k === 0 ? { dur: 0, dist: 0 } : travel(p, prevLoc, here, speed);
      if (Math.abs(st.distance - leg.dist) > TOL || Math.abs(st.duration - leg.dur) > TOL) fail(`leg mismatch at ${v.id} step ${k}`);
      if (k > 0 && Math.abs(st.arrival - (prevDeparture + leg.dur)) > TOL) fail(`arrival mismatch at ${v.id} step ${k}`);
      if (st.service_start < st.arrival - TOL) fail(`service before arrival at ${v.id} step ${k}`);
      if (Math.abs(st.waiting - (st.service_start - st.arrival)) > TOL) fail(`waiting mismatch at ${v.id} step ${k}`);
      if (visit) {
        visits.push(visit);
        if (!inWindow(visit, st.service_start)) fail(`${label} outside its windows`);
        if (Math.abs(st.departure - st.service_start - (visit.serviceS ?? 0)) > TOL) fail(`service time of ${label}`);
        const skills = new Set(v.skills ?? []);
        if (skillsNeeded.some((x) => !skills.has(x))) fail(`${v.id} lacks a skill for ${label}`);
        checkLoad(`after ${label}`);
      }
      load.forEach((l, d) => Math.abs(l - (st.load[d] ?? 0)) > TOL && fail(`load mismatch at ${v.id} step ${k}`));
      distance += leg.dist;
      prevLoc = here;
      prevDeparture = st.departure;
    }
    if (picked.size > 0) fail(`shipment ${[...picked][0]} picked up but not delivered on ${v.id}`);
    const last = steps[steps.length - 1]!;
    const endTime = last.type === 'end' ? last.arrival : last.departure;
    if (endTime > (v.shift?.end ?? Infinity) + TOL) fail(`${v.id} ends after its shift`);
    const first = steps[0]!;
    const startTime = first.type === 'start' ? first.departure : first.service_start;
    if (first.type !== 'start' && first.waiting > TOL) fail(`open start ${v.id} waits at its first stop`);
    if (Math.abs(route.duration - (endTime - startTime)) > TOL) fail(`duration of ${v.id}`);
    if (Math.abs(route.distance - distance) > TOL) fail(`distance of ${v.id}`);
    if (visits.length > (v.maxStops ?? Infinity)) fail(`max stops on ${v.id}`);
    if (route.duration > (v.maxDurationS ?? Infinity) + TOL) fail(`max duration on ${v.id}`);
    if (distance > (v.maxDistanceM ?? Infinity) + TOL) fail(`max distance on ${v.id}`);
    totalDistance += distance;
    totalDuration += route.duration;
  }
  for (const u of s.unassigned) {
    if (u.shipment !== undefined) {
      if (u.job !== u.shipment) fail(`unassigned shipment ${u.shipment} named ${u.job}`);
      if (!shipmentById.has(u.shipment)) fail(`unknown unassigned shipment ${u.shipment}`);
      if (shipmentRoute.has(u.shipment)) fail(`shipment ${u.shipment} both served (in part) and unassigned`);
    } else if (!jobIndex.has(u.job)) fail(`unknown unassigned job ${u.job}`);
    if (seen.has(u.job)) fail(`${u.job} both served and unassigned`);
    seen.add(u.job);
  }
  const total = p.jobs.length + (p.shipments?.length ?? 0);
  if (seen.size !== total) fail(`${total - seen.size} jobs or shipments lost`);
  if (Math.abs(s.summary.distance - totalDistance) > 1e-4) fail('summary distance');
  if (Math.abs(s.summary.duration - totalDuration) > 1e-4) fail('summary duration');
  if (s.summary.vehicles !== s.routes.length) fail('summary vehicles');
  if (s.summary.unassigned !== s.unassigned.length) fail('summary unassigned');
  return sequences;
}

/** True when job i can be added somewhere (any position of any route, or an unused vehicle). */
export function fitsSomewhere(p: MatrixProblem, sequences: Map<string, number[]>, i: number): boolean {
  for (const v of p.vehicles) {
    const seq = sequences.get(v.id) ?? [];
    for (let pos = 0; pos <= seq.length; pos++) {
      const candidate = [...seq.slice(0, pos), i, ...seq.slice(pos)];
      // A margin stricter than the solver's tolerance: "fits" must not hinge on rounding.
      if (minimalRoute(p, v, candidate, -1e-4)) return true;
    }
  }
  return false;
}

/** The reason a job could get when no vehicle can serve it alone; null when one can. */
export function servableAlone(p: MatrixProblem, i: number): boolean {
  return p.vehicles.some((v) => minimalRoute(p, v, [i]) !== null);
}

export const REASONS: UnassignedReason[] = [
  'capacity', 'time_window', 'skills', 'max_stops', 'max_duration', 'max_distance', 'no_vehicle', 'unreachable',
];

/** The effective priority of a job: 0 (unset) counts as 5 (model.ts). */
export const priorityOf = (p: Problem, i: number): number => {
  const pr = p.jobs[i]!.priority ?? 0;
  return pr === 0 ? 5 : pr;
};

/**
 * The priority rule, checked directly: for an unassigned job of priority p, no served job of lower priority could
 * make room for it — removing that job from its route and inserting the unassigned one anywhere in that route is
 * infeasible. Returns a description of the first counter-example, or null.
 */
export function priorityViolation(p: MatrixProblem, sequences: Map<string, number[]>, unassigned: number[]): string | null {
  for (const u of unassigned) {
    const pu = priorityOf(p, u);
    for (const v of p.vehicles) {
      const seq = sequences.get(v.id) ?? [];
      for (let k = 0; k < seq.length; k++) {
        if (priorityOf(p, seq[k]!) >= pu) continue;
        const rest = [...seq.slice(0, k), ...seq.slice(k + 1)];
        for (let pos = 0; pos <= rest.length; pos++) {
          const candidate = [...rest.slice(0, pos), u, ...rest.slice(pos)];
          // Stricter than the solver's tolerance, as in fitsSomewhere: a swap must not hinge on rounding.
          if (minimalRoute(p, v, candidate, -1e-4)) {
            return `${p.jobs[u]!.id} (priority ${pu}) could replace ${p.jobs[seq[k]!]!.id} (priority ${priorityOf(p, seq[k]!)}) on ${v.id}`;
          }
        }
      }
    }
  }
  return null;
}

/**
 * What an unassigned reason promises, written from `unassignedReason` (src/solver/finalize.ts) in the checker's own
 * terms. `skills`: no vehicle has the job's skills. Otherwise no vehicle with the skills ("compatible") serves the
 * job alone, and each vehicle's own first failure (capacity, then stop count, then time) ranks capacity before
 * time windows before the stop count:
 * - `capacity`: some compatible vehicle cannot carry the job alone;
 * - `time_window`: every compatible vehicle can carry it, and one that may take a stop cannot meet its windows
 *   (or its shift) even alone;
 * - `max_stops`: every compatible vehicle can carry it, one may take no stop at all, and every one that may take a
 *   stop meets its windows alone.
 * Returns what is broken, or null when the reason holds.
 */
export function reasonBroken(p: MatrixProblem, i: number, reason: UnassignedReason): string | null {
  const compatible = p.vehicles.filter((v) => hasSkillsFor(p, v, i));
  if (reason === 'skills') return compatible.length === 0 ? null : `${compatible[0]!.id} has the skills`;
  if (reason === 'no_vehicle') return null;
  if (compatible.length === 0) return 'no vehicle has the skills, the reason should be skills';
  const alone = compatible.find((v) => minimalRoute(p, v, [i]) !== null);
  if (alone) return `${alone.id} serves it alone`;
  const carries = compatible.filter((v) => !overCapacity(p, v, [i]));
  const takesStops = carries.filter((v) => (v.maxStops ?? Infinity) >= 1);
  const timeFails = takesStops.filter((v) => timedRoute(p, v, [i]) === null);
  switch (reason) {
    case 'capacity':
      return carries.length < compatible.length ? null : 'every compatible vehicle carries it alone';
    case 'time_window':
      if (carries.length < compatible.length) return 'a vehicle cannot carry it: the reason should be capacity';
      return timeFails.length > 0 ? null : 'every vehicle that may take a stop meets its windows alone';
    case 'max_stops':
      if (carries.length < compatible.length) return 'a vehicle cannot carry it: the reason should be capacity';
      if (timeFails.length > 0) return `${timeFails[0]!.id} misses its windows: the reason should be time_window`;
      return takesStops.length < carries.length ? null : 'every compatible vehicle may take a stop';
    default:
      // max_duration, max_distance, unreachable: the job cannot be carried alone is not the cause.
      return carries.length < compatible.length ? 'a vehicle cannot carry it: the reason should be capacity' : null;
  }
}

/**
 * A problem on coordinates as one on matrices: great-circle metres (`haversineM`, the one straight-line model,
 * src/solver/straight-line.ts) and seconds at the problem's average speed (default `DEFAULT_SPEED_KMH`).
 */
export function onMatrices(p: Problem): MatrixProblem {
  if (p.matrices) return p as MatrixProblem;
  const points: { lat: number; lng: number }[] = [];
  const indexOf = (l: Location | undefined): { index: number } | undefined => {
    if (!l) return undefined;
    if ('index' in l) throw new Error('a problem mixing indices and coordinates has matrices');
    points.push({ lat: l.lat, lng: l.lng });
    return { index: points.length - 1 };
  };
  const jobs = p.jobs.map((j) => ({ ...j, location: indexOf(j.location)! }));
  const vehicles = p.vehicles.map((v) => {
    const { start, end, ...rest } = v;
    const s = indexOf(start);
    const e = indexOf(end);
    return { ...rest, ...(s && { start: s }), ...(e && { end: e }) };
  });
  const size = points.length;
  const mps = metresPerSecond(p.averageSpeedKmh ?? DEFAULT_SPEED_KMH);
  const distances = new Float64Array(size * size);
  const durations = new Float64Array(size * size);
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      const d = haversineM(points[a]!.lat, points[a]!.lng, points[b]!.lat, points[b]!.lng);
      distances[a * size + b] = d;
      durations[a * size + b] = d / mps;
    }
  }
  return { jobs, vehicles, matrices: { size, durations, distances } };
}
