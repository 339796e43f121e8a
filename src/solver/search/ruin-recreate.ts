/**
 * Ruin and recreate (after Christiaens & Vanden Berghe's SISR): remove a few strings of consecutive jobs from
 * routes near a random seed job (or random jobs, or the seed's nearest neighbours, or — when minimising vehicles —
 * the smallest route), re-insert everything unassigned greedily in a randomised order with blinks, and accept
 * the result by simulated annealing. Deterministic for a seed; bounded by time (options.clock), iterations or
 * shouldStop.
 */
import { bestInsertion, GRANULAR_FROM, type InsertionChoice } from '../construct/insertion.js';
import { regretInsert } from '../construct/regret.js';
import type { SolveOptions } from '../model.js';
import { SearchContext } from '../operators/operator.js';
import type { Random } from '../random.js';
import type { SolutionState } from '../solution-state.js';
import { minimizeFleet } from './fleet-minimization.js';
import { improve, localSearch } from './local-search.js';
import { DELIVERY } from '../instance.js';
import {
  clone, orderForInsertion, removeRandom, removeRelated, removeSmallestRoute, removeStrings, removeWholeShipments,
} from './sisr.js';

const BLINK_RATE = 0.01;
/** Average number of jobs removed per iteration (capped by instance size). */
const AVG_REMOVED = 10;
/** Start and final temperature, as multiples of the average edge cost of the starting solution. */
const T_START = 1;
const T_END = 0.01;
/** Jobs already unassigned that are retried per iteration, at most about this many. */
const RETRY_OUT = 32;
/** Share of recreate steps that use regret insertion instead of greedy (when the batch is small). */
const REGRET_SHARE = 0.05;
const REGRET_UP_TO = 30;
/** Share of the budget spent removing vehicles when minimize = 'vehicles'. */
const FLEET_SHARE = 0.6;

export function ruinAndRecreate(sol: SolutionState, rng: Random, options: SolveOptions): number {
  const inst = sol.inst;
  if (inst.nJobs === 0 || inst.nVehicles === 0) return 0;
  const clock = options.clock;
  const timeLimitMs = options.timeLimitS !== undefined && clock ? options.timeLimitS * 1000 : Infinity;
  const maxIterations = options.maxIterations ?? (timeLimitMs < Infinity ? Infinity : 2000);
  const t0 = clock ? clock() : 0;

  const current = clone(sol);
  const best = clone(sol);
  const work = clone(sol);
  const ctx = new SearchContext(work);
  const p = ctx.p1;
  const removed = new Uint8Array(inst.nJobs);
  const touched = new Uint8Array(inst.nVehicles);
  const pending: number[] = [];
  const choice: InsertionChoice = { delta: 0, second: 0, route: -1, pos: 0, pos2: -1 };
  const sortKey = new Float64Array(inst.nJobs);
  const forbidden = new Uint8Array(inst.nVehicles);
  const focus = new Uint8Array(inst.nJobs);
  const granular = inst.nJobs > GRANULAR_FROM;
  const stop = (): boolean => (options.shouldStop?.() ?? false) || (clock !== undefined && clock() - t0 >= timeLimitMs);

  const plainCost = sol.cost() - sol.vehiclesUsed() * sol.ev.vehicleWeight;
  const edges = Math.max(1, inst.nJobs - sol.unassignedCount() + sol.vehiclesUsed());
  const avgEdge = Math.max(plainCost / edges, 1e-9);
  const tStart = T_START * avgEdge;
  const tEnd = T_END * avgEdge;
  const cbar = Math.max(1, Math.min(AVG_REMOVED, Math.floor(inst.nJobs * 0.3)));
  const vehiclesMode = sol.ev.vehicleWeight > 0;

  let iteration = 0;
  if (vehiclesMode) {
    // First fewer vehicles (most of the budget), then cost with the fleet that was reached.
    const budget = (): number =>
      Math.max(timeLimitMs < Infinity && clock ? (clock() - t0) / timeLimitMs : 0, maxIterations < Infinity ? iteration / maxIterations : 0);
    const done = minimizeFleet(sol, rng, options, budget, FLEET_SHARE, maxIterations < Infinity ? Math.floor(maxIterations * FLEET_SHARE) : Infinity);
    iteration += done;
    improve(sol, rng, stop);
    current.copyFrom(sol);
    best.copyFrom(sol);
    work.copyFrom(sol);
  }
  let currentPenalty = current.penalty();
  let currentCost = current.cost();
  let bestPenalty = currentPenalty;
  let bestCost = currentCost;
  for (;;) {
    const elapsed = clock ? clock() - t0 : 0;
    const fraction = Math.max(timeLimitMs < Infinity ? elapsed / timeLimitMs : 0, maxIterations < Infinity ? iteration / maxIterations : 0);
    if (fraction >= 1 || options.shouldStop?.()) break;
    iteration++;
    const temperature = tStart * Math.pow(tEnd / tStart, fraction);

    // Ruin.
    removed.fill(0);
    touched.fill(0);
    let useForbidden = false;
    const kind = rng.next();
    if (vehiclesMode && kind < 0.1 && work.vehiclesUsed() > 1) {
      useForbidden = removeSmallestRoute(work, rng, removed, touched, forbidden);
    } else if (kind < 0.75) {
      removeStrings(work, rng, cbar, removed, touched);
    } else if (kind < 0.9) {
      removeRelated(work, rng, cbar, removed, touched);
    } else {
      removeRandom(work, rng, cbar, removed, touched);
    }
    removeWholeShipments(work, removed);
    for (let r = 0; r < inst.nVehicles; r++) if (touched[r]) work.removeFlagged(r, removed);

    // Recreate: every unassigned job, in a random order of a random kind, higher priority first.
    // The removed jobs, plus a sample of the jobs that were already out (all of them when few): on large
    // over-constrained problems retrying hundreds of jobs that do not fit would eat the budget.
    pending.length = 0;
    let outBefore = 0;
    for (let j = 0; j < inst.nJobs; j++) {
      if (work.jobRoute[j] !== -1 || inst.jobKind[j] === DELIVERY) continue;
      if (removed[j] === 1) pending.push(j);
      else if (outBefore++ < RETRY_OUT || rng.next() < RETRY_OUT / outBefore) pending.push(j);
    }
    orderForInsertion(work, rng, pending, sortKey);
    if (pending.length <= REGRET_UP_TO && rng.next() < REGRET_SHARE) {
      regretInsert(work, pending, p, { allowEmpty: !useForbidden, blinkRate: BLINK_RATE, rng, forbidden: useForbidden ? forbidden : null, granular }, touched);
    }
    for (const j of pending) {
      bestInsertion(work, j, p, { allowEmpty: !useForbidden, blinkRate: BLINK_RATE, rng, forbidden: useForbidden ? forbidden : null, granular }, choice);
      if (choice.route >= 0) {
        work.place(j, choice);
        touched[choice.route] = 1;
      }
    }

    // Accept.
    const penalty = work.penalty();
    const cost = work.cost();
    const accept =
      penalty < currentPenalty || (penalty === currentPenalty && cost < currentCost - temperature * Math.log(rng.next() + 1e-300));
    if (accept) {
      current.copyFrom(work);
      currentPenalty = penalty;
      currentCost = cost;
      if (penalty < bestPenalty || (penalty === bestPenalty && cost < bestCost - 1e-9)) {
        // Polish a new best with local search around the routes this step changed, before keeping it.
        focus.fill(0);
        for (let j = 0; j < inst.nJobs; j++) if (work.jobRoute[j] >= 0 && touched[work.jobRoute[j]!]) focus[j] = 1;
        localSearch(work, rng, stop, ctx, focus);
        current.copyFrom(work);
        currentCost = work.cost();
        best.copyFrom(work);
        bestPenalty = work.penalty();
        bestCost = currentCost;
      }
    } else {
      work.copyFrom(current);
    }
    if (options.onProgress && (iteration & 255) === 0) {
      options.onProgress({
        iteration, bestCost, bestVehicles: best.vehiclesUsed(), unassigned: best.unassignedCount(), fraction,
      });
    }
  }
  sol.copyFrom(best);
  return iteration;
}
