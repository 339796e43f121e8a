/**
 * The one route timing: arrival, waiting, service and departure at every step of a route in a given order.
 * The solver's answer, hand-ordered routes (the planner's "plan mode") and re-plans of a route under way all come
 * from here, so a route is timed the same whichever path made it.
 *
 * Rules:
 * - Service starts at the earliest instant ≥ arrival inside one of the job's windows; a job reached after all its
 *   windows closed is served at arrival, late, and reported (`lateByS`), never dropped.
 * - Without a fixed departure the vehicle leaves as late as it can without ending later or making any step later
 *   than its window allows: no waiting at the first stop when leaving later would do.
 */
import type { Instance } from './instance.js';
import { earliestIn, exactRouteTiming } from './schedule.js';

const EPS = 1e-6;

/** One job step. Times in problem seconds; `legDistance`/`legDurationS` are the leg into this step. */
export interface TimelineStep {
  job: number;
  arrival: number;
  serviceStart: number;
  departure: number;
  waiting: number;
  legDistance: number;
  legDurationS: number;
  /** Seconds after the end of the job's last window that service starts; 0 when on time. */
  lateByS: number;
  /** End of the job's last window when late, else NaN. */
  windowEnd: number;
}

export interface RouteTimeline {
  /** Departure from the start (from the first job's location on an open start). */
  departureS: number;
  /** Arrival at the end (departure from the last job on an open end). */
  endS: number;
  durationS: number;
  distance: number;
  steps: TimelineStep[];
  /** The leg from the last job to the end (0 on an open end). */
  endLegDistance: number;
  endLegDurationS: number;
  /** Seconds the route ends after the vehicle's shift end; 0 when it does not. */
  shiftLateByS: number;
}

/** End of the window job j is served in when service starts at `start` (Infinity when j has none). */
function windowEndAt(inst: Instance, j: number, start: number): number {
  const from = inst.twOffset[j]!;
  const to = inst.twOffset[j + 1]!;
  if (from === to) return Infinity;
  for (let w = from; w < to; w++) if (start <= inst.twEnds[w]! + EPS) return inst.twEnds[w]!;
  return inst.twEnds[to - 1]!;
}

/**
 * Times vehicle v's route `seq[0..len)`. `departAtS` fixes the departure (a route under way leaves "now" from
 * where the driver is); without it the departure is chosen as described above.
 */
export function routeTimeline(inst: Instance, v: number, seq: ArrayLike<number>, len: number, departAtS?: number): RouteTimeline {
  let departure: number;
  if (departAtS !== undefined) departure = departAtS;
  else {
    const exact = len > 0 ? exactRouteTiming(inst, v, seq, len) : null;
    departure = exact?.feasible ? exact.departureS : latestHarmlessDeparture(inst, v, seq, len);
  }
  return walk(inst, v, seq, len, departure);
}

function walk(inst: Instance, v: number, seq: ArrayLike<number>, len: number, departure: number): RouteTimeline {
  const n = inst.m.size;
  const speed = inst.vehSpeed[v]!;
  let prev = inst.vehStartLoc[v]!;
  let t = departure;
  let distance = 0;
  const steps: TimelineStep[] = [];
  for (let k = 0; k < len; k++) {
    const j = seq[k]!;
    const loc = inst.jobLoc[j]!;
    const legDurationS = inst.m.durationS[prev * n + loc]! * speed;
    const legDistance = inst.m.distance[prev * n + loc]!;
    const arrival = t + legDurationS;
    const open = earliestIn(inst, j, arrival);
    const late = Number.isNaN(open);
    const serviceStart = late ? arrival : open;
    const windowEnd = late ? inst.twEnds[inst.twOffset[j + 1]! - 1]! : NaN;
    const departureJ = serviceStart + inst.jobServiceS[j]!;
    steps.push({
      job: j,
      arrival,
      serviceStart,
      departure: departureJ,
      waiting: serviceStart - arrival,
      legDistance,
      legDurationS,
      lateByS: late ? serviceStart - windowEnd : 0,
      windowEnd,
    });
    distance += legDistance;
    t = departureJ;
    prev = loc;
  }
  const endLoc = inst.vehEndLoc[v]!;
  const endLegDurationS = len > 0 || inst.vehHasStart[v] ? inst.m.durationS[prev * n + endLoc]! * speed : 0;
  const endLegDistance = len > 0 || inst.vehHasStart[v] ? inst.m.distance[prev * n + endLoc]! : 0;
  const endS = t + endLegDurationS;
  distance += endLegDistance;
  // On an open start the route begins when service at the first job does.
  const begin = inst.vehHasStart[v] || steps.length === 0 ? departure : steps[0]!.serviceStart;
  const shiftEnd = inst.vehShiftEnd[v]!;
  return {
    departureS: begin,
    endS,
    durationS: endS - begin,
    distance,
    steps,
    endLegDistance,
    endLegDurationS,
    shiftLateByS: endS > shiftEnd + EPS ? endS - shiftEnd : 0,
  };
}

/**
 * For an order that breaks some window (hand-made, or a route under way that can no longer make it): walk from
 * the earliest useful departure, then leave later by as much as the waiting allows without delaying the end or
 * pushing any on-time step past its window's end. A delay D shifts step k by max(0, D − W_k), W_k being the
 * waiting up to and including k; late steps must not move at all.
 */
function latestHarmlessDeparture(inst: Instance, v: number, seq: ArrayLike<number>, len: number): number {
  const n = inst.m.size;
  const speed = inst.vehSpeed[v]!;
  const startLoc = inst.vehStartLoc[v]!;
  let base = inst.vehShiftStart[v]!;
  if (!Number.isFinite(base)) {
    // No shift: leave in time for the first window of the first stop (or at 0 when it has none).
    const first = len > 0 ? seq[0]! : -1;
    const hasWindow = first >= 0 && inst.twOffset[first + 1]! > inst.twOffset[first]!;
    base = hasWindow ? inst.twStarts[inst.twOffset[first]!]! - inst.m.durationS[startLoc * n + inst.jobLoc[first]!]! * speed : 0;
  }
  const steps = walk(inst, v, seq, len, base).steps;
  let waited = 0;
  let delay = Infinity;
  for (const s of steps) {
    waited += s.waiting;
    const slack = s.lateByS > 0 ? 0 : Math.max(0, windowEndAt(inst, s.job, s.serviceStart) - s.serviceStart);
    delay = Math.min(delay, waited + slack);
  }
  delay = Math.min(delay, waited);
  return base + (Number.isFinite(delay) ? delay : 0);
}
