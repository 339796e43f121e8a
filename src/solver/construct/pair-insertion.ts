/**
 * Cheapest feasible insertion of a shipment: its pickup after position a and its delivery after position b ≥ a of
 * one route (b = a: right after the pickup). For each pickup position the candidate grows one stop at a time
 * (prefix ⊕ pickup ⊕ stops a + 1..b), and each delivery position closes it with the cached suffix: O(1) per pair of
 * positions. Pruning keeps most pairs from being priced at all:
 *  - pickup positions stop once the earliest departure is past the pickup's last window (departures only grow);
 *  - delivery positions stop once the growing part has time warp, is over capacity, or leaves after the
 *    delivery's last window (appending stops cannot undo any of these), and are skipped when the delivery would
 *    be late or would make the rest of the route start after its latest start (cached backward segment);
 *  - with distance as the cost, the delta is the sum of the two detours, so positions whose detour alone cannot
 *    beat the bound are skipped before any segment is merged.
 */
import type { Proposal } from '../proposal.js';
import type { Random } from '../random.js';
import type { SolutionState } from '../solution-state.js';

const EPS = 1e-6;

/** deliveryDetour[b]: detour of the delivery inserted after position b alone; suffix minima in detourMinFrom. */
let deliveryDetour = new Float64Array(0);
let detourMinFrom = new Float64Array(0);

/**
 * Calls `offer(a, b, q)` for every feasible insertion of shipment `pickup` (its delivery is the sibling) into
 * route r that pruning cannot rule out; `q` is the finished candidate. `offer` returns the bound a later
 * candidate's route delta must beat (Infinity for none); `bound` is its value at the start.
 */
export function scanPairPositions(
  sol: SolutionState,
  r: number,
  pickup: number,
  p: Proposal,
  bound: number,
  blinkRate: number,
  rng: Random | undefined,
  offer: (a: number, b: number, q: Proposal) => number,
): void {
  const inst = sol.inst;
  const route = sol.routes[r]!;
  const delivery = inst.jobSibling[pickup]!;
  const m = route.m;
  const n = inst.m.size;
  const dist = inst.m.distance;
  const lp = inst.jobLoc[pickup]!;
  const ld = inst.jobLoc[delivery]!;
  const q = p.branch;
  const distanceOnly = inst.objective === 'distance' && sol.ev.balanceWeight === 0;
  const extra = m === 0 ? sol.ev.vehicleWeight : 0;
  if (distanceOnly) {
    if (deliveryDetour.length < m + 2) {
      deliveryDetour = new Float64Array(2 * m + 2);
      detourMinFrom = new Float64Array(2 * m + 3);
    }
    detourMinFrom[m + 1] = Infinity;
    for (let b = m; b >= 0; b--) {
      const x = route.loc[b]!;
      const y = route.loc[b + 1]!;
      const detour = dist[x * n + ld]! + dist[ld * n + y]! - dist[x * n + y]!;
      deliveryDetour[b] = detour;
      detourMinFrom[b] = Math.min(detour, detourMinFrom[b + 1]!);
    }
  }
  const pickupEnd = inst.jobTwEnd[pickup]!;
  const deliveryEnd = inst.jobTwEnd[delivery]!;
  const deliveryStart = inst.jobTwStart[delivery]!;
  const deliveryService = inst.jobServiceS[delivery]!;
  const durM = inst.m.durationS;
  const speed = route.speed;
  for (let a = 0; a <= m; a++) {
    const departure = route.fEarly[a]! + route.fDur[a]! - route.fTw[a]!;
    if (departure > pickupEnd + EPS || departure > deliveryEnd + EPS) break;
    const x = route.loc[a]!;
    const y = route.loc[a + 1]!;
    let pickupDetour = 0;
    if (distanceOnly) {
      pickupDetour = dist[x * n + lp]! + dist[lp * n + y]! - dist[x * n + y]!;
      const together = dist[x * n + lp]! + dist[lp * n + ld]! + dist[ld * n + y]! - dist[x * n + y]!;
      if (together + extra >= bound && pickupDetour + detourMinFrom[a + 1]! + extra >= bound) continue;
    }
    if (blinkRate > 0 && rng && rng.next() < blinkRate) continue;
    p.prefix(route, a).job(pickup);
    if (p.tw > EPS || !p.compatible || p.overloaded()) continue;
    for (let b = a; b <= m; b++) {
      if (b > a) {
        p.next(route, b);
        if (p.tw > EPS || p.overloaded()) break;
        if (p.early + p.dur > deliveryEnd + EPS) break;
        if (distanceOnly && pickupDetour + detourMinFrom[b]! + extra >= bound) break;
        if (distanceOnly && pickupDetour + deliveryDetour[b]! + extra >= bound) continue;
      } else if (distanceOnly) {
        const together = dist[x * n + lp]! + dist[lp * n + ld]! + dist[ld * n + y]! - dist[x * n + y]!;
        if (together + extra >= bound) continue;
      }
      // Quick time rejects before branching: the delivery's window, then the latest start of the rest.
      const lastLoc = b === a ? lp : route.loc[b]!;
      const arrival = p.early + p.dur + durM[lastLoc * n + ld]! * speed;
      if (arrival > deliveryEnd + EPS) continue;
      if (b < m) {
        const leave = Math.max(arrival, deliveryStart) + deliveryService;
        if (leave + durM[ld * n + route.loc[b + 1]!]! * speed > route.bLate[b + 1]! + EPS) continue;
      }
      q.copyFrom(p).job(delivery).range(route, b + 1, m);
      if (!q.finish()) continue;
      bound = offer(a, b, q);
    }
  }
}

export interface PairScanOptions {
  allowEmpty: boolean;
  blinkRate: number;
  rng?: Random | undefined;
  forbidden?: Uint8Array | null | undefined;
  /** Only routes holding one of the shipment's halves' nearest neighbours (plus empty vehicles). */
  granular?: boolean | undefined;
  regret?: boolean | undefined;
}

export interface PairChoice {
  delta: number;
  second: number;
  route: number;
  pos: number;
  /** Delivery inserted after this position (in the route's current numbering), ≥ pos. */
  pos2: number;
}

/** Cheapest feasible insertion of the shipment whose pickup is `pickup`, over every route; route −1 when none. */
export function bestPairInsertion(
  sol: SolutionState, pickup: number, p: Proposal, opts: PairScanOptions, out: PairChoice,
): PairChoice {
  const inst = sol.inst;
  out.delta = Infinity;
  out.second = Infinity;
  out.route = -1;
  out.pos = 0;
  out.pos2 = 0;
  const delivery = inst.jobSibling[pickup]!;
  const seenEmptyType = sol.typeSeen;
  seenEmptyType.fill(0);
  const mark = sol.routeMark;
  let current = -1;
  const offer = (a: number, b: number, q: Proposal): number => {
    const delta = sol.delta(current, q, -1, null);
    if (delta < out.delta) {
      if (current !== out.route) out.second = out.delta;
      out.delta = delta;
      out.route = current;
      out.pos = a;
      out.pos2 = b;
    } else if (current !== out.route && delta < out.second) {
      out.second = delta;
    }
    return boundFor(current);
  };
  /** With regret the second-best route counts too: prune only against it, for routes other than the best. */
  const boundFor = (r: number): number => (opts.regret && r !== out.route ? out.second : out.delta);
  if (opts.granular) mark.fill(0);
  if (opts.granular) {
    const k = inst.k;
    for (const half of [pickup, delivery]) {
      for (let t = 0; t < k; t++) {
        const r = sol.jobRoute[inst.neighbours[half * k + t]!]!;
        if (r >= 0) mark[r] = 1;
      }
    }
  }
  for (let r = 0; r < sol.routes.length; r++) {
    if (opts.forbidden && opts.forbidden[r] === 1) continue;
    const route = sol.routes[r]!;
    const v = route.vehicle;
    if (inst.hasSkillLimits && inst.compat[v * inst.nJobs + pickup] === 0) continue;
    if (opts.granular && route.m > 0 && mark[r] === 0) continue;
    if (route.m === 0) {
      if (!opts.allowEmpty) continue;
      const type = inst.vehType[v]!;
      if (seenEmptyType[type] === 1) continue;
      seenEmptyType[type] = 1;
    }
    if (route.m + 2 > inst.vehMaxStops[v]!) continue;
    current = r;
    scanPairPositions(sol, r, pickup, p, boundFor(r), opts.blinkRate, opts.rng, offer);
  }
  return out;
}
