/**
 * Local search to a local optimum: for each routed job u (in a random order) take the best improving move of
 * any operator that brings u next to one of its neighbours, apply it, and repeat passes until a full pass
 * finds no improvement. Every pass is near-linear: n jobs × k neighbours × O(1) proposals.
 */
import { exchange } from '../operators/exchange.js';
import { newMove, SearchContext, type Operator } from '../operators/operator.js';
import { orOpt } from '../operators/or-opt.js';
import { relocate } from '../operators/relocate.js';
import { shipmentExchange } from '../operators/shipment-exchange.js';
import { shipmentRelocate } from '../operators/shipment-relocate.js';
import { twoOpt } from '../operators/two-opt.js';
import { twoOptStar } from '../operators/two-opt-star.js';
import type { Random } from '../random.js';
import { SolutionState } from '../solution-state.js';
import { eliminateOneRoute } from './route-elimination.js';

export const OPERATORS: readonly Operator[] = [relocate, exchange, twoOptStar, twoOpt, orOpt, shipmentRelocate, shipmentExchange];

/** Improvements smaller than this are noise from floating-point sums. */
const MIN_GAIN = 1e-7;
const MAX_PASSES = 1000;

/**
 * Runs to a local optimum (or until shouldStop). With `focus`, only jobs j with focus[j] = 1 are tried as u
 * (their moves may still touch any route): the polish after a ruin-and-recreate step.
 */
export function localSearch(
  sol: SolutionState, rng: Random, shouldStop?: () => boolean, ctx = new SearchContext(sol), focus?: Uint8Array,
): number {
  const inst = sol.inst;
  const order = new Int32Array(inst.nJobs);
  for (let j = 0; j < inst.nJobs; j++) order[j] = j;
  const best = newMove();
  let moves = 0;
  let improved = true;
  let count = inst.nJobs;
  if (focus) {
    count = 0;
    for (let j = 0; j < inst.nJobs; j++) if (focus[j] === 1) order[count++] = j;
  }
  // Every applied move gains at least MIN_GAIN, so passes end; the cap is insurance against rounding cycles.
  for (let pass = 0; improved && pass < MAX_PASSES; pass++) {
    improved = false;
    rng.shuffle(order, count);
    for (let t = 0; t < count; t++) {
      if ((t & 31) === 0 && shouldStop?.()) return moves;
      const u = order[t]!;
      if (sol.jobRoute[u] === -1) continue;
      best.operator = null;
      best.delta = -MIN_GAIN;
      for (const op of OPERATORS) op.evaluate(ctx, u, best);
      const chosen = best.operator as Operator | null;
      if (chosen) {
        chosen.apply(ctx, best);
        moves++;
        improved = true;
      }
    }
  }
  return moves;
}

/** Local search, then route elimination, repeated while a route can be removed with a gain. */
export function improve(sol: SolutionState, rng: Random, shouldStop?: () => boolean, ctx = new SearchContext(sol)): void {
  const backup = new SolutionState(sol.inst, sol.ev);
  for (;;) {
    localSearch(sol, rng, shouldStop, ctx);
    if (shouldStop?.() || !eliminateOneRoute(sol, backup, ctx.p1, shouldStop)) return;
  }
}
