/**
 * A candidate route described as a concatenation of pieces of existing routes, priced and checked without
 * changing anything: the one mechanism every operator uses (PyVRP's "proposal" idea).
 *
 * Usage: begin(vehicle) → prefix(route, i) → job(u) / range(...) / reversed(...) ... → finish().
 * Cached pieces cost O(1); pieces that are reversed, or that come from a route driven at another speed, are walked
 * (O(length)); the operators keep those short. `finish` appends the vehicle's end and checks every constraint.
 */
import type { Instance } from './instance.js';
import { EPS, mergeInto, type RouteState, type SegmentAcc } from './route-state.js';
import { exactRouteTiming } from './schedule.js';

const MAX_PIECES = 8;

export class Proposal implements SegmentAcc {
  dur = 0;
  tw = 0;
  early = 0;
  late = 0;
  /** Distance of the candidate route so far. */
  dist = 0;
  stops = 0;
  /** Load segment of the candidate so far, per dimension (route-state.ts: delivered, net change, peak). */
  readonly del: Float64Array;
  readonly net: Float64Array;
  readonly peak: Float64Array;
  /** Jobs with several windows in the candidate. */
  multi = 0;
  /** False once an incompatible job (skills) was added. */
  compatible = true;
  vehicle = 0;
  private speed = 1;
  private lastLoc = 0;
  private readonly pieceRoute: (RouteState | null)[] = new Array<RouteState | null>(MAX_PIECES).fill(null);
  private readonly pieceFrom = new Int32Array(MAX_PIECES);
  private readonly pieceTo = new Int32Array(MAX_PIECES);
  /** 0 forward, 1 reversed, 2 single job (pieceFrom holds the job). */
  private readonly pieceKind = new Uint8Array(MAX_PIECES);
  private nPieces = 0;
  private readonly scratch: Int32Array;
  private branchProposal: Proposal | null = null;

  constructor(private readonly inst: Instance) {
    this.del = new Float64Array(Math.max(1, inst.dims));
    this.net = new Float64Array(Math.max(1, inst.dims));
    this.peak = new Float64Array(Math.max(1, inst.dims));
    this.scratch = new Int32Array(inst.nJobs + 1);
  }

  /** A second candidate owned by this one, for scans that branch (copyFrom) from this one. */
  get branch(): Proposal {
    if (this.branchProposal === null) this.branchProposal = new Proposal(this.inst);
    return this.branchProposal;
  }

  /** Starts a candidate for `vehicle` containing only its start. */
  begin(vehicle: number): this {
    const inst = this.inst;
    this.vehicle = vehicle;
    this.speed = inst.vehSpeed[vehicle]!;
    this.dur = 0;
    this.tw = 0;
    this.early = inst.vehShiftStart[vehicle]!;
    this.late = inst.vehShiftEnd[vehicle]!;
    this.dist = 0;
    this.stops = 0;
    // Plain loops: a native fill per tiny array costs more than the whole merge of a job.
    const dims = inst.dims;
    for (let d = 0; d < dims; d++) {
      this.del[d] = 0;
      this.net[d] = 0;
      this.peak[d] = 0;
    }
    this.multi = 0;
    this.compatible = true;
    this.lastLoc = inst.vehStartLoc[vehicle]!;
    this.nPieces = 0;
    return this;
  }

  /** Starts a candidate with positions 0..i of `route`, which must belong to the candidate's vehicle. */
  prefix(route: RouteState, i: number): this {
    this.begin(route.vehicle);
    this.dur = route.fDur[i]!;
    this.tw = route.fTw[i]!;
    this.early = route.fEarly[i]!;
    this.late = route.fLate[i]!;
    this.dist = route.cumDist[i]!;
    this.stops = i;
    const dims = this.inst.dims;
    for (let d = 0; d < dims; d++) {
      this.del[d] = route.fDel[i * dims + d]!;
      this.net[d] = route.fNet[i * dims + d]!;
      this.peak[d] = route.fPeak[i * dims + d]!;
    }
    this.multi = route.cumMulti[i]!;
    this.lastLoc = route.loc[i]!;
    if (i > 0) this.record(route, 1, i, 0);
    return this;
  }

  private record(route: RouteState | null, from: number, to: number, kind: number): void {
    const p = this.nPieces++;
    this.pieceRoute[p] = route;
    this.pieceFrom[p] = from;
    this.pieceTo[p] = to;
    this.pieceKind[p] = kind;
  }

  /** Appends one job. */
  job(j: number): this {
    const inst = this.inst;
    const n = inst.m.size;
    const loc = inst.jobLoc[j]!;
    const edge = this.lastLoc * n + loc;
    mergeInto(this, inst.m.durationS[edge]! * this.speed, inst.jobServiceS[j]!, 0, inst.jobTwStart[j]!, inst.jobTwEnd[j]!);
    this.dist += inst.m.distance[edge]!;
    this.stops++;
    const dims = inst.dims;
    for (let d = 0; d < dims; d++) {
      const delta = inst.jobLoadDelta[j * dims + d]!;
      this.del[d]! += inst.jobDelivery[j * dims + d]!;
      const net = this.net[d]! + delta;
      if (net > this.peak[d]!) this.peak[d] = net;
      this.net[d] = net;
    }
    this.multi += inst.jobMultiTw[j]!;
    if (inst.hasSkillLimits && inst.compat[this.vehicle * inst.nJobs + j] === 0) this.compatible = false;
    this.lastLoc = loc;
    this.record(null, j, j, 2);
    return this;
  }

  /**
   * Appends the job at position i of `route`, extending the last piece when it ends at i − 1 of the same route:
   * for scans that grow a candidate one stop at a time (pair insertion) without running out of pieces.
   */
  next(route: RouteState, i: number): this {
    const last = this.nPieces - 1;
    this.job(route.jobs[i - 1]!);
    this.nPieces--;
    if (last >= 0 && this.pieceKind[last] === 0 && this.pieceRoute[last] === route && this.pieceTo[last] === i - 1) {
      this.pieceTo[last] = i;
    } else this.record(route, i, i, 0);
    return this;
  }

  /** Makes this candidate a copy of `other` (same instance), to branch a scan. O(pieces + dims). */
  copyFrom(other: Proposal): this {
    this.dur = other.dur;
    this.tw = other.tw;
    this.early = other.early;
    this.late = other.late;
    this.dist = other.dist;
    this.stops = other.stops;
    const dims = this.inst.dims;
    for (let d = 0; d < dims; d++) {
      this.del[d] = other.del[d]!;
      this.net[d] = other.net[d]!;
      this.peak[d] = other.peak[d]!;
    }
    this.multi = other.multi;
    this.compatible = other.compatible;
    this.vehicle = other.vehicle;
    this.speed = other.speed;
    this.lastLoc = other.lastLoc;
    this.nPieces = other.nPieces;
    for (let k = 0; k < other.nPieces; k++) {
      this.pieceRoute[k] = other.pieceRoute[k]!;
      this.pieceFrom[k] = other.pieceFrom[k]!;
      this.pieceTo[k] = other.pieceTo[k]!;
      this.pieceKind[k] = other.pieceKind[k]!;
    }
    return this;
  }

  /** True when the load so far already exceeds capacity somewhere: appending stops can only make it worse. */
  overloaded(): boolean {
    const inst = this.inst;
    const dims = inst.dims;
    const v = this.vehicle;
    for (let d = 0; d < dims; d++) if (this.del[d]! + this.peak[d]! > inst.vehCapacity[v * dims + d]! + EPS) return true;
    return false;
  }

  /** Appends the jobs at positions from..to (inclusive, forward) of `route`; nothing when from > to. */
  range(route: RouteState, from: number, to: number): this {
    if (from > to) return this;
    const inst = this.inst;
    if (to === route.m && route.speed === this.speed && (!inst.hasSkillLimits || route.vehicle === this.vehicle)) {
      // Cached suffix: O(1).
      const n = inst.m.size;
      const edge = this.lastLoc * n + route.loc[from]!;
      mergeInto(this, inst.m.durationS[edge]! * this.speed, route.bDur[from]!, route.bTw[from]!, route.bEarly[from]!, route.bLate[from]!);
      this.dist += inst.m.distance[edge]! + route.cumDist[to]! - route.cumDist[from]!;
      this.stops += to - from + 1;
      const dims = inst.dims;
      for (let d = 0; d < dims; d++) {
        const at = from * dims + d;
        this.del[d]! += route.bDel[at]!;
        const peak = this.net[d]! + route.bPeak[at]!;
        if (peak > this.peak[d]!) this.peak[d] = peak;
        this.net[d]! += route.bNet[at]!;
      }
      this.multi += route.cumMulti[to]! - route.cumMulti[from - 1]!;
      this.lastLoc = route.loc[to]!;
      this.record(route, from, to, 0);
      return this;
    }
    const before = this.nPieces;
    for (let i = from; i <= to; i++) this.job(route.jobs[i - 1]!);
    this.nPieces = before;
    this.record(route, from, to, 0);
    return this;
  }

  /** Appends the jobs at positions to, to − 1, ..., from of `route` (the range reversed). */
  reversed(route: RouteState, from: number, to: number): this {
    if (from > to) return this;
    const before = this.nPieces;
    for (let i = to; i >= from; i--) this.job(route.jobs[i - 1]!);
    this.nPieces = before;
    this.record(route, from, to, 1);
    return this;
  }

  /**
   * Appends the vehicle's end and checks every constraint. After it, `dur` is the route's minimal duration and
   * `dist` its distance. Returns feasibility.
   */
  finish(): boolean {
    const inst = this.inst;
    const v = this.vehicle;
    const n = inst.m.size;
    const endLoc = inst.vehEndLoc[v]!;
    const edge = this.lastLoc * n + endLoc;
    if (this.stops === 0) {
      this.dur = 0;
      this.dist = 0;
      return true;
    }
    mergeInto(this, inst.m.durationS[edge]! * this.speed, 0, 0, inst.vehShiftStart[v]!, inst.vehShiftEnd[v]!);
    this.dist += inst.m.distance[edge]!;
    if (!this.compatible || this.tw > EPS || !(this.dist < Infinity)) return false;
    if (this.stops > inst.vehMaxStops[v]!) return false;
    if (this.dist > inst.vehMaxDistance[v]! + EPS) return false;
    if (this.dur > inst.vehMaxDurationS[v]! + EPS) return false;
    const dims = inst.dims;
    for (let d = 0; d < dims; d++) if (this.del[d]! + this.peak[d]! > inst.vehCapacity[v * dims + d]! + EPS) return false;
    if (this.multi > 0) {
      // Envelope check passed; several windows need the exact walk.
      const len = this.materialize(this.scratch);
      const t = exactRouteTiming(inst, v, this.scratch, len);
      if (!t.feasible) return false;
      this.dur = t.durationS;
      if (this.dur > inst.vehMaxDurationS[v]! + EPS) return false;
    }
    return true;
  }

  /** Writes the candidate's job sequence into `out`; returns its length. */
  materialize(out: Int32Array): number {
    let len = 0;
    for (let p = 0; p < this.nPieces; p++) {
      const kind = this.pieceKind[p]!;
      const route = this.pieceRoute[p];
      const from = this.pieceFrom[p]!;
      const to = this.pieceTo[p]!;
      if (kind === 2) out[len++] = from;
      else if (kind === 0) for (let i = from; i <= to; i++) out[len++] = route!.jobs[i - 1]!;
      else for (let i = to; i >= from; i--) out[len++] = route!.jobs[i - 1]!;
    }
    return len;
  }
}
