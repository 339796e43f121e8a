/**
 * The working solution: one RouteState per vehicle, where each job is, and the objective's parts.
 */
import { PICKUP, type Instance } from './instance.js';
import type { Evaluator } from './objective.js';
import type { Proposal } from './proposal.js';
import { RouteState } from './route-state.js';

export class SolutionState {
  readonly routes: RouteState[];
  /** jobRoute[j]: vehicle (= route index) serving job j, or −1 when unassigned. */
  readonly jobRoute: Int32Array;
  /** jobPos[j]: position (1..m) of job j in its route. */
  readonly jobPos: Int32Array;
  /** measure[r]: route r's balanced measure (duration or stops; 0 when empty). */
  readonly measure: Float64Array;
  /** Scratch for insertion: typeSeen[t] = 1 once an empty vehicle of type t was tried (reset by the user). */
  readonly typeSeen: Uint8Array;
  /** Scratch for insertion: routeMark[r] = 1 for a route already chosen as a candidate (reset by the user). */
  readonly routeMark: Uint8Array;
  private readonly scratch: Int32Array;
  private readonly scratch2: Int32Array;

  constructor(
    readonly inst: Instance,
    readonly ev: Evaluator,
  ) {
    this.routes = [];
    for (let v = 0; v < inst.nVehicles; v++) this.routes.push(new RouteState(inst, v));
    this.jobRoute = new Int32Array(inst.nJobs).fill(-1);
    this.jobPos = new Int32Array(inst.nJobs);
    this.measure = new Float64Array(inst.nVehicles);
    this.scratch = new Int32Array(inst.nJobs + 1);
    this.typeSeen = new Uint8Array(inst.nVehicles);
    this.routeMark = new Uint8Array(inst.nVehicles);
    this.scratch2 = new Int32Array(inst.nJobs + 1);
    for (let r = 0; r < inst.nVehicles; r++) this.refresh(r);
  }

  /** Re-prices route r after its caches were updated and re-indexes its jobs. */
  private refresh(r: number): void {
    const route = this.routes[r]!;
    route.cost = this.ev.routeCost(r, route.m, route.distance, route.durationS);
    this.measure[r] = this.ev.measure(route.m, route.durationS);
    for (let i = 1; i <= route.m; i++) {
      const j = route.jobs[i - 1]!;
      this.jobRoute[j] = r;
      this.jobPos[j] = i;
    }
  }

  /** Replaces route r's jobs. Jobs that left the route must be unassigned or placed elsewhere by the caller. */
  setRoute(r: number, seq: ArrayLike<number>, len: number): void {
    const route = this.routes[r]!;
    // Only jobs still recorded here leave: a job may already have been placed in another route by the caller.
    for (let i = 0; i < route.m; i++) if (this.jobRoute[route.jobs[i]!] === r) this.jobRoute[route.jobs[i]!] = -1;
    route.setJobs(seq, len);
    this.refresh(r);
  }

  /** Replaces route r by what proposal p describes (p must have been built for vehicle r). */
  applyProposal(r: number, p: Proposal): void {
    const len = p.materialize(this.scratch);
    this.setRoute(r, this.scratch, len);
  }

  /** Replaces routes r1 and r2 (r1 ≠ r2) by proposals that may take pieces of each other. */
  applyTwo(r1: number, p1: Proposal, r2: number, p2: Proposal): void {
    const len1 = p1.materialize(this.scratch);
    const len2 = p2.materialize(this.scratch2);
    this.setRoute(r1, this.scratch, len1);
    this.setRoute(r2, this.scratch2, len2);
  }

  /** Inserts job j into route r after position pos (0..m). */
  insert(j: number, r: number, pos: number): void {
    const route = this.routes[r]!;
    const s = this.scratch;
    let len = 0;
    for (let i = 0; i < pos; i++) s[len++] = route.jobs[i]!;
    s[len++] = j;
    for (let i = pos; i < route.m; i++) s[len++] = route.jobs[i]!;
    this.setRoute(r, s, len);
  }

  /** Inserts shipment (pickup, delivery) into route r: the pickup after position a, the delivery after b ≥ a. */
  insertPair(pickup: number, delivery: number, r: number, a: number, b: number): void {
    const route = this.routes[r]!;
    const s = this.scratch;
    let len = 0;
    for (let i = 0; i < a; i++) s[len++] = route.jobs[i]!;
    s[len++] = pickup;
    for (let i = a; i < b; i++) s[len++] = route.jobs[i]!;
    s[len++] = delivery;
    for (let i = b; i < route.m; i++) s[len++] = route.jobs[i]!;
    this.setRoute(r, s, len);
  }

  /**
   * Applies an insertion choice (construct/insertion.ts) for job j: j alone, or the whole shipment j belongs to
   * when `choice.pos2` ≥ 0.
   */
  place(j: number, choice: { route: number; pos: number; pos2: number }): void {
    if (choice.pos2 < 0) {
      this.insert(j, choice.route, choice.pos);
      return;
    }
    const inst = this.inst;
    const pickup = inst.jobKind[j] === PICKUP ? j : inst.jobSibling[j]!;
    this.insertPair(pickup, inst.jobSibling[pickup]!, choice.route, choice.pos, choice.pos2);
  }

  /** Removes the jobs flagged in `removed` from route r. */
  removeFlagged(r: number, removed: Uint8Array): void {
    const route = this.routes[r]!;
    const s = this.scratch;
    let len = 0;
    for (let i = 0; i < route.m; i++) if (removed[route.jobs[i]!] === 0) s[len++] = route.jobs[i]!;
    this.setRoute(r, s, len);
  }

  copyFrom(other: SolutionState): void {
    for (let r = 0; r < this.routes.length; r++) this.routes[r]!.copyFrom(other.routes[r]!);
    this.jobRoute.set(other.jobRoute);
    this.jobPos.set(other.jobPos);
    this.measure.set(other.measure);
  }

  /** Sum of unassigned penalties (priority-weighted); compared before anything else. */
  penalty(): number {
    let p = 0;
    for (let j = 0; j < this.inst.nJobs; j++) if (this.jobRoute[j] === -1) p += this.inst.jobPenalty[j]!;
    return p;
  }

  unassignedCount(): number {
    let c = 0;
    for (let j = 0; j < this.inst.nJobs; j++) if (this.jobRoute[j] === -1) c++;
    return c;
  }

  vehiclesUsed(): number {
    let c = 0;
    for (const r of this.routes) if (r.m > 0) c++;
    return c;
  }

  /** Routes' cost (with vehicle weights) plus the balance term. */
  cost(): number {
    let c = 0;
    for (const r of this.routes) c += r.cost;
    return c + this.balanceTerm();
  }

  balanceTerm(): number {
    const w = this.ev.balanceWeight;
    if (w === 0 || this.measure.length === 0) return 0;
    let max = -Infinity;
    let min = Infinity;
    for (let r = 0; r < this.measure.length; r++) {
      const x = this.measure[r]!;
      if (x > max) max = x;
      if (x < min) min = x;
    }
    return w * (max - min);
  }

  /**
   * Objective change if route r1 became proposal p1 and (when r2 ≥ 0) route r2 became p2.
   * Both proposals must have been finished (and be feasible).
   */
  delta(r1: number, p1: Proposal, r2: number, p2: Proposal | null): number {
    const ev = this.ev;
    const c1 = ev.routeCost(r1, p1.stops, p1.dist, p1.dur);
    let d = c1 - this.routes[r1]!.cost;
    let m2 = 0;
    if (r2 >= 0 && p2) {
      d += ev.routeCost(r2, p2.stops, p2.dist, p2.dur) - this.routes[r2]!.cost;
      m2 = ev.measure(p2.stops, p2.dur);
    }
    if (ev.balanceWeight > 0) d += this.balanceDelta(r1, ev.measure(p1.stops, p1.dur), r2, m2);
    return d;
  }

  /** Change of the balance term if route r1's measure became m1 and route r2's (r2 ≥ 0) became m2. O(routes). */
  balanceDelta(r1: number, m1: number, r2: number, m2: number): number {
    let max = -Infinity;
    let min = Infinity;
    for (let r = 0; r < this.measure.length; r++) {
      const x = r === r1 ? m1 : r === r2 ? m2 : this.measure[r]!;
      if (x > max) max = x;
      if (x < min) min = x;
    }
    return this.ev.balanceWeight * (max - min) - this.balanceTerm();
  }
}
