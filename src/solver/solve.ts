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
import { compileInstance } from './instance.js';
import type { Problem, Solution, SolveOptions } from './model.js';
import { Evaluator } from './objective.js';
import { Proposal } from './proposal.js';
import { Random } from './random.js';
import { buildSolution } from './solution-output.js';
import { SolutionState } from './solution-state.js';
import { localSearch } from './search/local-search.js';
import { ruinAndRecreate } from './search/ruin-recreate.js';

export function solve(problem: Problem, options: SolveOptions = {}): Solution {
  const inst = compileInstance(problem, options.objective);
  const ev = new Evaluator(inst, options.minimize ?? 'cost', options.balance);
  const rng = new Random(options.seed ?? 1);
  const sol = new SolutionState(inst, ev);
  const p = new Proposal(inst);

  buildSavingsSolution(sol, p);
  localSearch(sol, rng, options.shouldStop);
  let iterations = 0;
  if (!options.localSearchOnly) {
    iterations = ruinAndRecreate(sol, rng, options);
  }
  repairInfeasibleRoutes(sol);
  insertLeftovers(sol, p);
  return buildSolution(sol, iterations);
}
