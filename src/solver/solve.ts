/**
 * solve(problem, options): the solver's one entry point. Pure and deterministic for a seed; the only clock is
 * `options.clock`.
 *
 * Pipeline: compile the problem → Clarke–Wright savings + cheapest insertion → local search → ruin-and-recreate
 * with simulated annealing (unless `localSearchOnly`) → finalize (exact re-check, insert leftovers, reasons) →
 * exact schedule of every route.
 */
import { buildSavingsSolution } from './construct/savings.js';
import { insertLeftovers, repairInfeasibleRoutes } from './finalize.js';
import { swapInHigherPriority } from './priority-swap.js';
import { compileInstance } from './instance.js';
import type { Problem, Solution, SolveOptions } from './model.js';
import { Evaluator } from './objective.js';
import { Proposal } from './proposal.js';
import { Random } from './random.js';
import { buildSolution } from './solution-output.js';
import { SolutionState } from './solution-state.js';
import { improve } from './search/local-search.js';
import { ruinAndRecreate } from './search/ruin-recreate.js';

const SAVINGS_LAMBDAS = [0.6, 1.4, 2];
/** Extra savings starts only for problems small enough that they cost little. */
const MULTI_START_UP_TO = 300;

/** Lexicographic: unassigned penalty, then cost (which includes the vehicle weight). */
function isBetter(a: SolutionState, b: SolutionState): boolean {
  const pa = a.penalty();
  const pb = b.penalty();
  return pa < pb || (pa === pb && a.cost() < b.cost() - 1e-9);
}

export function solve(problem: Problem, options: SolveOptions = {}): Solution {
  const inst = compileInstance(problem, options.objective);
  const ev = new Evaluator(inst, options.minimize ?? 'cost', options.balance);
  const rng = new Random(options.seed ?? 1);
  const sol = new SolutionState(inst, ev);
  const p = new Proposal(inst);
  const clock = options.clock;
  const t0 = clock ? clock() : 0;
  const limitMs = options.timeLimitS !== undefined && clock ? options.timeLimitS * 1000 : Infinity;
  // Construction and local search must respect the budget too (large problems); the search gets what is left.
  const stop = (): boolean => (options.shouldStop?.() ?? false) || (clock !== undefined && clock() - t0 >= limitMs);

  buildSavingsSolution(sol, p);
  improve(sol, rng, stop);
  if (options.localSearchOnly && inst.nJobs <= MULTI_START_UP_TO) {
    // Without the metaheuristic, a few savings shapes are cheap insurance: keep the best local optimum.
    const other = new SolutionState(inst, ev);
    for (const lambda of SAVINGS_LAMBDAS) {
      if (stop()) break;
      other.copyFrom(new SolutionState(inst, ev));
      buildSavingsSolution(other, p, lambda);
      improve(other, rng, stop);
      if (isBetter(other, sol)) sol.copyFrom(other);
    }
  }
  let iterations = 0;
  if (!options.localSearchOnly) {
    const remainingS = limitMs < Infinity ? Math.max(0, (limitMs - (clock!() - t0)) / 1000) : undefined;
    iterations = ruinAndRecreate(sol, rng, remainingS === undefined ? options : { ...options, timeLimitS: remainingS });
  }
  repairInfeasibleRoutes(sol);
  insertLeftovers(sol, p);
  // Trade lower-priority jobs for higher-priority leftovers; what was taken out may still fit elsewhere.
  if (swapInHigherPriority(sol, p) > 0) insertLeftovers(sol, p);
  return buildSolution(sol, iterations);
}
