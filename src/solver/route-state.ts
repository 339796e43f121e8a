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
 *
 * Load data are load segments (after PyVRP's LoadSegment), per capacity dimension:
 *   del  — amount the stretch's stops deliver from the depot (it must be on board when the route starts),
 *   net  — change of the load on board across the stretch (pickups and shipment pickups up, deliveries down),
 *   peak — max(0, highest partial sum of those changes from the stretch's start): how far above its entry load
 *          the stretch takes the vehicle.
 * A ⊕ B = (delA + delB, netA + netB, max(peakA, netA + peakB)); a whole route's peak load is del + peak, since it
 * leaves with every delivery aboard. Concatenation is O(1), so a move's capacity check is too.
 */
import { DELIVERY, PICKUP, type Instance } from './instance.js';
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

/** Next RouteState.stamp. */
let nextStamp = 1;

/** deliveryPos[j]: position of delivery j in the route being updated (scratch shared by every RouteState). */
let deliveryPos = new Int32Array(0);

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
  /** Forward load segment over positions 1..i, at [i * dims + d], i in 0..m + 1 (0 and m + 1 add nothing). */
  fDel: Float64Array;
  fNet: Float64Array;
  fPeak: Float64Array;
  /** Backward load segment over positions i..m, at [i * dims + d], i in 1..m + 1 (m + 1: the empty segment). */
  bDel: Float64Array;
  bNet: Float64Array;
  bPeak: Float64Array;
  /**
   * openAfter[i], i in 0..m: shipments picked up at positions ≤ i and delivered after i. A route may be cut
   * after i (2-opt*) only where it is 0. Kept (like pairCloseFrom) only when the problem has shipments.
   */
  openAfter: Int32Array;
  /**
   * pairCloseFrom[i], i in 1..m + 1: lowest delivery position of a shipment picked up at a position ≥ i (m + 2 when
   * none). Positions a..b hold a whole shipment iff pairCloseFrom[a] ≤ b: reversing them would break its order.
   */
  pairCloseFrom: Int32Array;
  /** cumMulti[i]: number of jobs with several windows at positions 1..i. */
  cumMulti: Int32Array;

  /** Totals of the whole route (start to end). */
  distance = 0;
  durationS = 0;
  /** Objective cost of this route as priced by the Evaluator (0 when empty); set by the solution state. */
  cost = 0;
  /**
   * Identity of the content: a fresh number at every update(), carried over by copyFrom. Two routes with the same
   * stamp hold the same jobs and caches (nothing changes a route but update()).
   */
  stamp = 0;

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
    const ld = (cap + 2) * Math.max(1, inst.dims);
    this.fDel = new Float64Array(ld);
    this.fNet = new Float64Array(ld);
    this.fPeak = new Float64Array(ld);
    this.bDel = new Float64Array(ld);
    this.bNet = new Float64Array(ld);
    this.bPeak = new Float64Array(ld);
    this.openAfter = new Int32Array(cap + 2);
    this.pairCloseFrom = new Int32Array(cap + 2);
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

  /**
   * Becomes a copy of `other`. Free when this already holds the same content (same stamp): the search copies whole
   * solutions back and forth while a step changes only a few routes.
   */
  copyFrom(other: RouteState): void {
    if (this.stamp === other.stamp) return;
    this.ensureCapacity(other.m);
    const n = other.m + 2;
    this.m = other.m;
    for (let i = 0; i < other.m; i++) this.jobs[i] = other.jobs[i]!;
    for (let i = 0; i < n; i++) {
      this.loc[i] = other.loc[i]!;
      this.fDur[i] = other.fDur[i]!;
      this.fTw[i] = other.fTw[i]!;
      this.fEarly[i] = other.fEarly[i]!;
      this.fLate[i] = other.fLate[i]!;
      this.bDur[i] = other.bDur[i]!;
      this.bTw[i] = other.bTw[i]!;
      this.bEarly[i] = other.bEarly[i]!;
      this.bLate[i] = other.bLate[i]!;
      this.cumDist[i] = other.cumDist[i]!;
      this.cumMulti[i] = other.cumMulti[i]!;
    }
    const nd = n * Math.max(1, this.inst.dims);
    for (let i = 0; i < nd; i++) {
      this.fDel[i] = other.fDel[i]!;
      this.fNet[i] = other.fNet[i]!;
      this.fPeak[i] = other.fPeak[i]!;
      this.bDel[i] = other.bDel[i]!;
      this.bNet[i] = other.bNet[i]!;
      this.bPeak[i] = other.bPeak[i]!;
    }
    if (this.inst.hasShipments) {
      for (let i = 0; i < n; i++) {
        this.openAfter[i] = other.openAfter[i]!;
        this.pairCloseFrom[i] = other.pairCloseFrom[i]!;
      }
    }
    this.distance = other.distance;
    this.durationS = other.durationS;
    this.cost = other.cost;
    this.stamp = other.stamp;
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
    const ld = (cap + 2) * Math.max(1, this.inst.dims);
    this.fDel = new Float64Array(ld);
    this.fNet = new Float64Array(ld);
    this.fPeak = new Float64Array(ld);
    this.bDel = new Float64Array(ld);
    this.bNet = new Float64Array(ld);
    this.bPeak = new Float64Array(ld);
    this.openAfter = new Int32Array(cap + 2);
    this.pairCloseFrom = new Int32Array(cap + 2);
    this.cumMulti = new Int32Array(cap + 2);
  }

  /** Recomputes every cache from `jobs`: O(m · dims). */
  update(): void {
    this.stamp = nextStamp++;
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
    for (let d = 0; d < dims; d++) {
      this.fDel[d] = 0;
      this.fNet[d] = 0;
      this.fPeak[d] = 0;
    }
    this.openAfter[0] = 0;
    for (let i = 1; i <= m + 1; i++) {
      const a = loc[i - 1]!;
      const b = loc[i]!;
      if (i <= m) {
        const j = this.jobs[i - 1]!;
        mergeInto(acc, durM[a * n + b]! * speed, inst.jobServiceS[j]!, 0, inst.jobTwStart[j]!, inst.jobTwEnd[j]!);
        for (let d = 0; d < dims; d++) {
          const at = i * dims + d;
          const prev = at - dims;
          const delta = inst.jobLoadDelta[j * dims + d]!;
          this.fDel[at] = this.fDel[prev]! + inst.jobDelivery[j * dims + d]!;
          const net = this.fNet[prev]! + delta;
          this.fNet[at] = net;
          this.fPeak[at] = net > this.fPeak[prev]! ? net : this.fPeak[prev]!;
        }
        if (inst.hasShipments) {
          const kind = inst.jobKind[j]!;
          this.openAfter[i] = this.openAfter[i - 1]! + (kind === PICKUP ? 1 : kind === DELIVERY ? -1 : 0);
        }
        this.cumMulti[i] = this.cumMulti[i - 1]! + inst.jobMultiTw[j]!;
      } else {
        mergeInto(acc, durM[a * n + b]! * speed, 0, 0, inst.vehShiftStart[v]!, inst.vehShiftEnd[v]!);
        for (let d = 0; d < dims; d++) {
          this.fDel[i * dims + d] = this.fDel[(i - 1) * dims + d]!;
          this.fNet[i * dims + d] = this.fNet[(i - 1) * dims + d]!;
          this.fPeak[i * dims + d] = this.fPeak[(i - 1) * dims + d]!;
        }
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

    // Backward loads: segment i..m = node(i) ⊕ segment(i + 1..m); m + 1 is the empty segment.
    for (let d = 0; d < dims; d++) {
      const at = (m + 1) * dims + d;
      this.bDel[at] = 0;
      this.bNet[at] = 0;
      this.bPeak[at] = 0;
    }
    for (let i = m; i >= 1; i--) {
      const j = this.jobs[i - 1]!;
      for (let d = 0; d < dims; d++) {
        const at = i * dims + d;
        const next = at + dims;
        const delta = inst.jobLoadDelta[j * dims + d]!;
        this.bDel[at] = this.bDel[next]! + inst.jobDelivery[j * dims + d]!;
        this.bNet[at] = this.bNet[next]! + delta;
        const peak = delta + this.bPeak[next]!;
        this.bPeak[at] = peak > 0 ? peak : 0;
      }
    }
    // Shipment structure: where each pickup's delivery is.
    this.pairCloseFrom[m + 1] = m + 2;
    if (inst.hasShipments) {
      if (deliveryPos.length < inst.nJobs) deliveryPos = new Int32Array(inst.nJobs);
      for (let i = m; i >= 1; i--) {
        const j = this.jobs[i - 1]!;
        const kind = inst.jobKind[j]!;
        let close = this.pairCloseFrom[i + 1]!;
        if (kind === DELIVERY) deliveryPos[j] = i;
        else if (kind === PICKUP) {
          const at = deliveryPos[inst.jobSibling[j]!]!;
          // A delivery recorded by an earlier update of another route has a stale position; ours are > i.
          if (at > i && at <= m && this.jobs[at - 1] === inst.jobSibling[j] && at < close) close = at;
        }
        this.pairCloseFrom[i] = close;
      }
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

  /** Highest load on board along the whole route in dimension d. */
  peakLoad(d: number): number {
    const at = this.m * this.inst.dims + d;
    return this.fDel[at]! + this.fPeak[at]!;
  }

  /** Feasible as cached (envelope windows); exact for routes without multi-window jobs. */
  get timeFeasible(): boolean {
    return this.fTw[this.m + 1]! <= EPS;
  }
}
