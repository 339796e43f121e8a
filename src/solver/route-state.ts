/**
 * One vehicle's route with cached forward and backward data, so that a move's feasibility and cost come from a
 * few O(1) segment concatenations instead of a walk along the route.
 *
 * Positions: 0 is the start (the vehicle's start location, or `nowhere` for an open start), 1..m are the jobs in
 * visiting order, m + 1 is the end (the end location or `nowhere`).
 *
 * Time data are duration segments in the style of Vidal et al. (2013) / PyVRP's DurationSegment: a stretch of
 * consecutive stops is summarised by
 *   dur   — minimal time from the first service start to the end of the last service (travel, service, waiting),
 *   tw    — time warp: how much lateness the stretch forces (0 when the stretch is feasible on its own),
 *   early — earliest service start at the first stop that achieves `dur` without extra waiting,
 *   late  — latest service start at the first stop without adding time warp.
 * Two segments merge in O(1) (`mergeInto`). A job with several windows uses the envelope [first start, last end]
 * here; callers confirm such routes with the exact walk in schedule.ts.
 */
import type { Instance } from './instance.js';
import { exactRouteTiming } from './schedule.js';

/** Feasibility tolerance for floating-point time and load sums. */
export const EPS = 1e-6;

/** Result of a merge, reused to avoid allocation. */
export interface SegmentAcc {
  dur: number;
  tw: number;
  early: number;
  late: number;
}

/** acc ← acc ⊕ (edge) ⊕ (dur, tw, early, late). `edgeS` is the travel time between the two segments. */
export function mergeInto(acc: SegmentAcc, edgeS: number, dur: number, tw: number, early: number, late: number): void {
  if (!(edgeS < Infinity)) {
    acc.tw = Infinity;
    return;
  }
  const atSecond = acc.dur - acc.tw + edgeS;
  const diffWait = Math.max(early - atSecond - acc.late, 0);
  const diffTw = Math.max(acc.early + atSecond - late, 0);
  const newEarly = Math.max(early - atSecond, acc.early) - diffWait;
  const newLate = Math.min(late - atSecond, acc.late) + diffTw;
  acc.dur = acc.dur + dur + edgeS + diffWait;
  acc.tw = acc.tw + tw + diffTw;
  acc.early = newEarly;
  acc.late = newLate;
}

export class RouteState {
  readonly vehicle: number;
  /** Jobs in visiting order; jobs[i - 1] is at position i. */
  jobs: Int32Array;
  /** Number of jobs. */
  m = 0;
  /** loc[i]: matrix index at position i (0..m + 1). */
  loc: Int32Array;
  /** Forward segment over positions 0..i (start included): fDur[i], fTw[i], fEarly[i], fLate[i]; i in 0..m + 1. */
  fDur: Float64Array;
  fTw: Float64Array;
  fEarly: Float64Array;
  fLate: Float64Array;
  /** Backward segment over job positions i..m (end excluded): bDur[i] ...; i in 1..m. */
  bDur: Float64Array;
  bTw: Float64Array;
  bEarly: Float64Array;
  bLate: Float64Array;
  /** cumDist[i]: distance travelled from position 0 to position i. */
  cumDist: Float64Array;
  /**
   * cumLoad[i * dims + d]: demand of the jobs at positions 1..i in dimension d. Every job is a delivery loaded at
   * the start, so a route fits when its total fits. Pickup-and-delivery will replace this by load segments
   * (delivered, picked up, peak load) that concatenate like the duration segments.
   */
  cumLoad: Float64Array;
  /** cumMulti[i]: number of jobs with several windows at positions 1..i. */
  cumMulti: Int32Array;

  /** Totals of the whole route (start to end). */
  distance = 0;
  durationS = 0;
  /** Objective cost of this route as priced by the Evaluator (0 when empty); set by the solution state. */
  cost = 0;

  constructor(
    private readonly inst: Instance,
    vehicle: number,
  ) {
    this.vehicle = vehicle;
    const cap = 8;
    this.jobs = new Int32Array(cap);
    this.loc = new Int32Array(cap + 2);
    this.fDur = new Float64Array(cap + 2);
    this.fTw = new Float64Array(cap + 2);
    this.fEarly = new Float64Array(cap + 2);
    this.fLate = new Float64Array(cap + 2);
    this.bDur = new Float64Array(cap + 2);
    this.bTw = new Float64Array(cap + 2);
    this.bEarly = new Float64Array(cap + 2);
    this.bLate = new Float64Array(cap + 2);
    this.cumDist = new Float64Array(cap + 2);
    this.cumLoad = new Float64Array((cap + 2) * Math.max(1, inst.dims));
    this.cumMulti = new Int32Array(cap + 2);
    this.update();
  }

  get speed(): number {
    return this.inst.vehSpeed[this.vehicle]!;
  }

  /** Job at position i (1..m). */
  jobAt(i: number): number {
    return this.jobs[i - 1]!;
  }

  /** Replaces the job sequence and refreshes every cache. */
  setJobs(seq: ArrayLike<number>, len: number): void {
    this.ensureCapacity(len);
    for (let i = 0; i < len; i++) this.jobs[i] = seq[i]!;
    this.m = len;
    this.update();
  }

  copyFrom(other: RouteState): void {
    this.ensureCapacity(other.m);
    const n = other.m + 2;
    this.m = other.m;
    this.jobs.set(other.jobs.subarray(0, other.m));
    this.loc.set(other.loc.subarray(0, n));
    this.fDur.set(other.fDur.subarray(0, n));
    this.fTw.set(other.fTw.subarray(0, n));
    this.fEarly.set(other.fEarly.subarray(0, n));
    this.fLate.set(other.fLate.subarray(0, n));
    this.bDur.set(other.bDur.subarray(0, n));
    this.bTw.set(other.bTw.subarray(0, n));
    this.bEarly.set(other.bEarly.subarray(0, n));
    this.bLate.set(other.bLate.subarray(0, n));
    this.cumDist.set(other.cumDist.subarray(0, n));
    const dims = Math.max(1, this.inst.dims);
    this.cumLoad.set(other.cumLoad.subarray(0, n * dims));
    this.cumMulti.set(other.cumMulti.subarray(0, n));
    this.distance = other.distance;
    this.durationS = other.durationS;
    this.cost = other.cost;
  }

  private ensureCapacity(len: number): void {
    if (this.jobs.length >= len) return;
    const cap = Math.max(len, this.jobs.length * 2);
    const grow = (_previous: Float64Array): Float64Array => new Float64Array(cap + 2);
    this.jobs = new Int32Array(cap);
    this.loc = new Int32Array(cap + 2);
    this.fDur = grow(this.fDur);
    this.fTw = grow(this.fTw);
    this.fEarly = grow(this.fEarly);
    this.fLate = grow(this.fLate);
    this.bDur = grow(this.bDur);
    this.bTw = grow(this.bTw);
    this.bEarly = grow(this.bEarly);
    this.bLate = grow(this.bLate);
    this.cumDist = grow(this.cumDist);
    this.cumLoad = new Float64Array((cap + 2) * Math.max(1, this.inst.dims));
    this.cumMulti = new Int32Array(cap + 2);
  }

  /** Recomputes every cache from `jobs`: O(m · dims). */
  update(): void {
    const inst = this.inst;
    const v = this.vehicle;
    const m = this.m;
    const n = inst.m.size;
    const durM = inst.m.durationS;
    const distM = inst.m.distance;
    const speed = inst.vehSpeed[v]!;
    const dims = inst.dims;
    const loc = this.loc;
    loc[0] = inst.vehStartLoc[v]!;
    for (let i = 1; i <= m; i++) loc[i] = inst.jobLoc[this.jobs[i - 1]!]!;
    loc[m + 1] = inst.vehEndLoc[v]!;

    // Forward.
    const acc: SegmentAcc = { dur: 0, tw: 0, early: inst.vehShiftStart[v]!, late: inst.vehShiftEnd[v]! };
    this.fDur[0] = 0;
    this.fTw[0] = 0;
    this.fEarly[0] = acc.early;
    this.fLate[0] = acc.late;
    this.cumDist[0] = 0;
    this.cumMulti[0] = 0;
    for (let d = 0; d < dims; d++) this.cumLoad[d] = 0;
    for (let i = 1; i <= m + 1; i++) {
      const a = loc[i - 1]!;
      const b = loc[i]!;
      if (i <= m) {
        const j = this.jobs[i - 1]!;
        mergeInto(acc, durM[a * n + b]! * speed, inst.jobServiceS[j]!, 0, inst.jobTwStart[j]!, inst.jobTwEnd[j]!);
        for (let d = 0; d < dims; d++) this.cumLoad[i * dims + d] = this.cumLoad[(i - 1) * dims + d]! + inst.jobDemand[j * dims + d]!;
        this.cumMulti[i] = this.cumMulti[i - 1]! + inst.jobMultiTw[j]!;
      } else {
        mergeInto(acc, durM[a * n + b]! * speed, 0, 0, inst.vehShiftStart[v]!, inst.vehShiftEnd[v]!);
        for (let d = 0; d < dims; d++) this.cumLoad[i * dims + d] = this.cumLoad[(i - 1) * dims + d]!;
        this.cumMulti[i] = this.cumMulti[i - 1]!;
      }
      this.fDur[i] = acc.dur;
      this.fTw[i] = acc.tw;
      this.fEarly[i] = acc.early;
      this.fLate[i] = acc.late;
      this.cumDist[i] = this.cumDist[i - 1]! + distM[a * n + b]!;
    }
    this.distance = this.cumDist[m + 1]!;
    this.durationS = this.fDur[m + 1]!;
    if (this.cumMulti[m + 1]! > 0) {
      // The envelope underestimates with several windows; price the route as the proposals do, exactly.
      const t = exactRouteTiming(inst, v, this.jobs, m);
      if (t.feasible) this.durationS = t.durationS;
    }

    // Backward over jobs only: segment i..m = node(i) ⊕ segment(i + 1..m).
    if (m > 0) {
      let j = this.jobs[m - 1]!;
      let dur = inst.jobServiceS[j]!;
      let tw = 0;
      let early = inst.jobTwStart[j]!;
      let late = inst.jobTwEnd[j]!;
      this.bDur[m] = dur;
      this.bTw[m] = tw;
      this.bEarly[m] = early;
      this.bLate[m] = late;
      for (let i = m - 1; i >= 1; i--) {
        j = this.jobs[i - 1]!;
        acc.dur = inst.jobServiceS[j]!;
        acc.tw = 0;
        acc.early = inst.jobTwStart[j]!;
        acc.late = inst.jobTwEnd[j]!;
        mergeInto(acc, durM[loc[i]! * n + loc[i + 1]!]! * speed, dur, tw, early, late);
        dur = this.bDur[i] = acc.dur;
        tw = this.bTw[i] = acc.tw;
        early = this.bEarly[i] = acc.early;
        late = this.bLate[i] = acc.late;
      }
    }
  }

  /** Load of the whole route in dimension d. */
  load(d: number): number {
    return this.cumLoad[this.m * this.inst.dims + d]!;
  }

  /** Feasible as cached (envelope windows); exact for routes without multi-window jobs. */
  get timeFeasible(): boolean {
    return this.fTw[this.m + 1]! <= EPS;
  }
}
