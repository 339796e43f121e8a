/**
 * The exact schedule of a route, recomputed from scratch by walking it: the truth for the returned solution
 * (the O(1) segment checks used during the search must agree with it; the final pass re-verifies every route).
 *
 * Timing rule: service at a job starts at the earliest instant ≥ arrival that lies in one of its windows.
 * The vehicle leaves its start as late as possible without reaching its end later than the earliest possible
 * end, so the route's duration is as short as the windows allow.
 */
import { DELIVERY, PICKUP, PLAIN, type Instance } from './instance.js';
import type { UnassignedReason } from './model.js';

const EPS = 1e-6;

export type RouteFailure =
  | 'unreachable' | 'time_window' | 'max_duration' | 'max_distance' | 'max_stops' | 'capacity' | 'skills'
  /** A shipment half without its other half, or a delivery before its pickup. */
  | 'precedence';

export interface RouteTiming {
  feasible: boolean;
  failure: RouteFailure | null;
  /** Departure from the start (service start of the first job on an open start). */
  departureS: number;
  /** Arrival at the end (departure from the last job on an open end). */
  endS: number;
  durationS: number;
  distance: number;
}

/** Earliest time ≥ t inside one of job j's windows; NaN when every window has closed. */
export function earliestIn(inst: Instance, j: number, t: number): number {
  const from = inst.twOffset[j]!;
  const to = inst.twOffset[j + 1]!;
  if (from === to) return t;
  for (let w = from; w < to; w++) {
    if (t <= inst.twEnds[w]! + EPS) return Math.max(t, inst.twStarts[w]!);
  }
  return NaN;
}

/** Latest time ≤ t inside one of job j's windows; NaN when none. */
function latestIn(inst: Instance, j: number, t: number): number {
  const from = inst.twOffset[j]!;
  const to = inst.twOffset[j + 1]!;
  if (from === to) return t;
  for (let w = to - 1; w >= from; w--) {
    if (t >= inst.twStarts[w]! - EPS) return Math.min(t, inst.twEnds[w]!);
  }
  return NaN;
}

/**
 * Walks route `seq[0..len)` of vehicle v and checks time windows, shift, max duration and max distance
 * (capacity at every stop, shipments whole and in order, stops and skills too, so that a single call says whether
 * the route is feasible).
 */
export function exactRouteTiming(inst: Instance, v: number, seq: ArrayLike<number>, len: number): RouteTiming {
  const out: RouteTiming = { feasible: false, failure: null, departureS: 0, endS: 0, durationS: 0, distance: 0 };
  const n = inst.m.size;
  const speed = inst.vehSpeed[v]!;
  const startLoc = inst.vehStartLoc[v]!;
  const endLoc = inst.vehEndLoc[v]!;
  const travel = (a: number, b: number): number => inst.m.durationS[a * n + b]! * speed;
  const locAt = (k: number): number => (k < 0 ? startLoc : k >= len ? endLoc : inst.jobLoc[seq[k]!]!);
  const shiftStart = inst.vehShiftStart[v]!;
  const shiftEnd = inst.vehShiftEnd[v]!;
  if (len === 0) {
    out.feasible = true;
    return out;
  }

  // Static checks first.
  let distance = 0;
  const dims = inst.dims;
  if (firstOverload(inst, v, seq, len) >= 0) return { ...out, failure: 'capacity' };
  if (inst.hasShipments && !shipmentsWhole(inst, seq, len)) return { ...out, failure: 'precedence' };
  for (let k = 0; k < len; k++) if (inst.compat[v * inst.nJobs + seq[k]!] === 0) return { ...out, failure: 'skills' };
  if (len > inst.vehMaxStops[v]!) return { ...out, failure: 'max_stops' };
  let totalTravel = 0;
  let totalService = 0;
  let minWindowStart = Infinity;
  for (let k = 0; k <= len; k++) {
    const a = locAt(k - 1);
    const b = locAt(k);
    const dist = inst.m.distance[a * n + b]!;
    const dur = travel(a, b);
    if (!(dist < Infinity) || !(dur < Infinity)) return { ...out, failure: 'unreachable' };
    distance += dist;
    totalTravel += dur;
    if (k < len) {
      const j = seq[k]!;
      totalService += inst.jobServiceS[j]!;
      if (inst.twOffset[j + 1]! > inst.twOffset[j]!) minWindowStart = Math.min(minWindowStart, inst.twStarts[inst.twOffset[j]!]!);
    }
  }
  out.distance = distance;

  // Forward from the earliest useful departure gives the earliest end.
  let base = shiftStart;
  if (!Number.isFinite(base)) {
    base = Math.min(0, Number.isFinite(minWindowStart) ? minWindowStart - totalTravel - totalService : 0);
  }
  let multi = false;
  for (let k = 0; k < len && !multi; k++) multi = inst.jobMultiTw[seq[k]!] === 1;
  if (multi) return shortestWithSeveralWindows();
  const earliestEnd = forward(base);
  if (Number.isNaN(earliestEnd) || earliestEnd > shiftEnd + EPS) return { ...out, failure: 'time_window' };

  // Backward from that end: the latest departure that still reaches the end by then.
  let latest = earliestEnd;
  for (let k = len - 1; k >= 0; k--) {
    const j = seq[k]!;
    latest = latestIn(inst, j, latest - travel(locAt(k), locAt(k + 1)) - inst.jobServiceS[j]!);
    if (Number.isNaN(latest)) return { ...out, failure: 'time_window' };
  }
  let departure = Math.min(latest - travel(startLoc, locAt(0)), shiftEnd);
  if (departure < base) departure = base;
  const end = forward(departure);
  if (Number.isNaN(end) || end > shiftEnd + EPS) return { ...out, failure: 'time_window' };
  out.departureS = departure;
  out.endS = end;
  out.durationS = end - departure;
  if (out.durationS > inst.vehMaxDurationS[v]! + EPS) return { ...out, failure: 'max_duration' };
  if (distance > inst.vehMaxDistance[v]! + EPS) return { ...out, failure: 'max_distance' };
  out.feasible = true;
  return out;

  /**
   * With several windows per job a later end can allow a much later departure, so "earliest end, then latest
   * departure" is not enough. The duration end(D) − D only changes slope where some job, reached without waiting
   * from D, arrives exactly at a window's start or end: try those departures and keep the shortest.
   */
  function shortestWithSeveralWindows(): RouteTiming {
    const candidates: number[] = [base];
    let offset = 0;
    for (let k = 0; k < len; k++) {
      const j = seq[k]!;
      offset += travel(locAt(k - 1), locAt(k));
      for (let w = inst.twOffset[j]!; w < inst.twOffset[j + 1]!; w++) {
        candidates.push(inst.twStarts[w]! - offset, inst.twEnds[w]! - offset);
      }
      offset += inst.jobServiceS[j]!;
    }
    let bestDeparture = NaN;
    let bestEnd = NaN;
    for (const c of candidates) {
      if (c < base || c > shiftEnd) continue;
      let departure = c;
      if (startLoc === inst.m.nowhere) {
        // Open start: the route begins at the first job's service start.
        departure = earliestIn(inst, seq[0]!, c);
        if (Number.isNaN(departure)) continue;
      }
      const end = forward(departure);
      if (Number.isNaN(end) || end > shiftEnd + EPS) continue;
      if (Number.isNaN(bestEnd) || end - departure < bestEnd - bestDeparture - 1e-9) {
        bestDeparture = departure;
        bestEnd = end;
      }
    }
    if (Number.isNaN(bestEnd)) return { ...out, failure: 'time_window' };
    out.departureS = bestDeparture;
    out.endS = bestEnd;
    out.durationS = bestEnd - bestDeparture;
    if (out.durationS > inst.vehMaxDurationS[v]! + EPS) return { ...out, failure: 'max_duration' };
    if (distance > inst.vehMaxDistance[v]! + EPS) return { ...out, failure: 'max_distance' };
    out.feasible = true;
    return out;
  }

  function forward(t0: number): number {
    let t = t0;
    for (let k = 0; k < len; k++) {
      const j = seq[k]!;
      t = earliestIn(inst, j, t + travel(locAt(k - 1), locAt(k)));
      if (Number.isNaN(t)) return NaN;
      t += inst.jobServiceS[j]!;
    }
    return t + travel(locAt(len - 1), endLoc);
  }
}

/**
 * The exact load walk: the vehicle leaves with every delivery of the route aboard, then each stop changes the load
 * by its load delta (instance.ts). Returns −1 when the load fits everywhere, else the index in seq of the stop that
 * breaks capacity in some dimension: when the start load is too high, the stop whose delivery takes it over;
 * otherwise the first stop after which the load is over.
 */
export function firstOverload(inst: Instance, v: number, seq: ArrayLike<number>, len: number): number {
  const dims = inst.dims;
  let first = -1;
  for (let d = 0; d < dims; d++) {
    const cap = inst.vehCapacity[v * dims + d]! + EPS;
    const limit = first === -1 ? len : first;
    let load = 0;
    let overAtStart = -1;
    for (let k = 0; k < len; k++) {
      load += inst.jobDelivery[seq[k]! * dims + d]!;
      if (overAtStart < 0 && load > cap) overAtStart = k;
    }
    if (overAtStart >= 0) {
      if (first === -1 || overAtStart < first) first = overAtStart;
      continue;
    }
    for (let k = 0; k < limit; k++) {
      load += inst.jobLoadDelta[seq[k]! * dims + d]!;
      if (load > cap) {
        first = k;
        break;
      }
    }
  }
  return first;
}

/** Loads after each stop of seq, [k * dims + d] (the same walk as firstOverload), and the start load first. */
export function loadProfile(inst: Instance, seq: ArrayLike<number>, len: number): { start: number[]; after: number[][] } {
  const dims = inst.dims;
  const load = new Array<number>(dims).fill(0);
  for (let k = 0; k < len; k++) for (let d = 0; d < dims; d++) load[d]! += inst.jobDelivery[seq[k]! * dims + d]!;
  const start = [...load];
  const after: number[][] = [];
  for (let k = 0; k < len; k++) {
    for (let d = 0; d < dims; d++) load[d]! += inst.jobLoadDelta[seq[k]! * dims + d]!;
    after.push([...load]);
  }
  return { start, after };
}

/** True when every shipment half in seq has its other half in seq, pickup first. */
export function shipmentsWhole(inst: Instance, seq: ArrayLike<number>, len: number): boolean {
  const picked = new Set<number>();
  let open = 0;
  for (let k = 0; k < len; k++) {
    const j = seq[k]!;
    const kind = inst.jobKind[j]!;
    if (kind === PICKUP) {
      picked.add(j);
      open++;
    } else if (kind === DELIVERY) {
      if (!picked.has(inst.jobSibling[j]!)) return false;
      open--;
    }
  }
  return open === 0;
}

/** Reason for a job that cannot be served by vehicle v even alone, or null when it can. */
export function aloneFailure(inst: Instance, v: number, job: number): UnassignedReason | null {
  const kind = inst.jobKind[job]!;
  const seq = kind === PLAIN ? [job] : kind === PICKUP ? [job, inst.jobSibling[job]!] : [inst.jobSibling[job]!, job];
  const t = exactRouteTiming(inst, v, seq, seq.length);
  if (t.feasible) return null;
  return t.failure === 'precedence' ? 'no_vehicle' : t.failure;
}
