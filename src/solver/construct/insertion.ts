/**
 * Cheapest feasible insertion of one job, over every position of every route and one empty vehicle per vehicle
 * type. Used to finish the savings construction, by the ruin-and-recreate "recreate" step and by finalize.
 */
import { PICKUP, PLAIN, type Instance } from '../instance.js';
import type { Proposal } from '../proposal.js';
import type { Random } from '../random.js';
import type { RouteState } from '../route-state.js';
import { bestPairInsertion } from './pair-insertion.js';
import type { SolutionState } from '../solution-state.js';

/** From this many jobs on, search-time insertions try only positions next to a job's neighbours. */
export const GRANULAR_FROM = 300;

export interface InsertionChoice {
  delta: number;
  /** Cheapest feasible insertion into any other route than `route` (Infinity when none): for regret. */
  second: number;
  route: number;
  /** Insert after this position (0..m); for a shipment, its pickup. */
  pos: number;
  /** A shipment's delivery goes after this position (current numbering, ≥ pos); −1 for a plain job. */
  pos2: number;
}

export interface InsertionOptions {
  /** Try vehicles without jobs (one per vehicle type). */
  allowEmpty: boolean;
  /** Probability of skipping a candidate position (SISR "blinks"); 0 for exhaustive. */
  blinkRate: number;
  rng?: Random;
  /** Routes that must not receive the job (e.g. the route being emptied); null for none. */
  forbidden?: Uint8Array | null;
  /**
   * Only positions next to one of the job's nearest neighbours (plus empty vehicles): for large problems in the
   * search loop. finalize never sets it, so that every position of every route is tried there.
   */
  granular?: boolean;
  /** Keep `second` exact (regret insertion needs it); otherwise it is only a by-product. */
  regret?: boolean;
}

/**
 * Finds the cheapest feasible insertion of job j; route −1 when none. Writes into `out`. For a shipment half, the
 * whole shipment is placed (pair-insertion.ts); apply the choice with `sol.place(j, out)`.
 */
export function bestInsertion(
  sol: SolutionState,
  j: number,
  p: Proposal,
  opts: InsertionOptions,
  out: InsertionChoice,
): InsertionChoice {
  const inst = sol.inst;
  const n = inst.m.size;
  const dist = inst.m.distance;
  const u = inst.jobLoc[j]!;
  const distanceOnly = inst.objective === 'distance' && sol.ev.balanceWeight === 0;
  out.delta = Infinity;
  out.second = Infinity;
  out.route = -1;
  out.pos = 0;
  if (inst.jobKind[j] !== PLAIN) {
    return bestPairInsertion(sol, inst.jobKind[j] === PICKUP ? j : inst.jobSibling[j]!, p, opts, out);
  }
  out.pos2 = -1;
  const seenEmptyType = sol.typeSeen;
  seenEmptyType.fill(0);
  if (opts.granular) {
    const k = inst.k;
    for (let t = 0; t < k; t++) {
      const v = inst.neighbours[j * k + t]!;
      const r = sol.jobRoute[v]!;
      if (r < 0 || v === j) continue;
      for (let pos = sol.jobPos[v]! - 1; pos <= sol.jobPos[v]!; pos++) tryPosition(r, pos);
    }
  }
  for (let r = 0; r < sol.routes.length; r++) {
    if (opts.forbidden && opts.forbidden[r] === 1) continue;
    const route = sol.routes[r]!;
    const v = route.vehicle;
    if (inst.hasSkillLimits && inst.compat[v * inst.nJobs + j] === 0) continue;
    if (opts.granular && route.m > 0) continue;
    if (route.m === 0) {
      if (!opts.allowEmpty) continue;
      const type = inst.vehType[v]!;
      if (seenEmptyType[type] === 1) continue;
      seenEmptyType[type] = 1;
    }
    if (route.m + 1 > inst.vehMaxStops[v]!) continue;
    if (!loadsCouldFit(inst, route, j)) continue;
    for (let pos = 0; pos <= route.m; pos++) {
      if (opts.blinkRate > 0 && opts.rng && opts.rng.next() < opts.blinkRate) continue;
      const a = route.loc[pos]!;
      const b = route.loc[pos + 1]!;
      if (distanceOnly) {
        // With distance as the cost the delta is the detour: skip positions that cannot win before checking time.
        const detour = dist[a * n + u]! + dist[u * n + b]! - dist[a * n + b]!;
        if (detour + (route.m === 0 ? sol.ev.vehicleWeight : 0) >= (opts.regret ? out.second : out.delta)) continue;
      }
      // Quick time-window rejects. Earliest departures only grow along a route, so once the departure from pos
      // is past the job's last window no later position can serve it.
      const departure = route.fEarly[pos]! + route.fDur[pos]! - route.fTw[pos]!;
      if (departure > inst.jobTwEnd[j]! + 1e-6) break;
      if (departure + inst.m.durationS[a * n + u]! * route.speed > inst.jobTwEnd[j]! + 1e-6) continue;
      p.prefix(route, pos).job(j).range(route, pos + 1, route.m);
      if (!p.finish()) continue;
      offer(r, pos, sol.delta(r, p, -1, null));
    }
  }
  return out;

  /** Keeps the cheapest candidate and the cheapest one in another route. */
  function offer(r: number, pos: number, delta: number): void {
    if (delta < out.delta) {
      if (r !== out.route) out.second = out.delta;
      out.delta = delta;
      out.route = r;
      out.pos = pos;
    } else if (r !== out.route && delta < out.second) {
      out.second = delta;
    }
  }

  /** Prices inserting j after position pos of route r (used by the granular mode). */
  function tryPosition(r: number, pos: number): void {
    if (opts.forbidden && opts.forbidden[r] === 1) return;
    const route = sol.routes[r]!;
    const v = route.vehicle;
    if (inst.hasSkillLimits && inst.compat[v * inst.nJobs + j] === 0) return;
    if (route.m + 1 > inst.vehMaxStops[v]!) return;
    if (!loadsCouldFit(inst, route, j)) return;
    if (opts.blinkRate > 0 && opts.rng && opts.rng.next() < opts.blinkRate) return;
    p.prefix(route, pos).job(j).range(route, pos + 1, route.m);
    if (!p.finish()) return;
    offer(r, pos, sol.delta(r, p, -1, null));
  }
}

/**
 * Necessary condition for job j to fit anywhere in the route: the load when leaving the start (every delivery
 * aboard) and when arriving at the end (every pickup aboard) stay within capacity.
 */
function loadsCouldFit(inst: Instance, route: RouteState, j: number): boolean {
  const v = route.vehicle;
  const dims = inst.dims;
  const at = route.m * dims;
  for (let d = 0; d < dims; d++) {
    const cap = inst.vehCapacity[v * dims + d]! + 1e-9;
    const startLoad = route.fDel[at + d]! + inst.jobDelivery[j * dims + d]!;
    const endLoad = startLoad + route.fNet[at + d]! + inst.jobLoadDelta[j * dims + d]!;
    if (startLoad > cap || endLoad > cap) return false;
  }
  return true;
}
