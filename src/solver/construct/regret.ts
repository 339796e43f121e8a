/**
 * Regret insertion: repeatedly insert the job whose best place would cost the most extra if it had to go to its
 * second-best route (regret-2), among the jobs of the highest priority still waiting. Jobs with a single
 * feasible route have infinite regret and go first. O(jobs² × positions): used for small batches.
 */
import { bestInsertion, type InsertionChoice, type InsertionOptions } from './insertion.js';
import type { Proposal } from '../proposal.js';
import type { SolutionState } from '../solution-state.js';

/**
 * Inserts what fits of `jobs` (which it empties; a shipment is given by one of its halves, once); returns the
 * routes it changed via `touched` when given.
 */
export function regretInsert(
  sol: SolutionState, jobs: number[], p: Proposal, opts: InsertionOptions, touched?: Uint8Array,
): void {
  const inst = sol.inst;
  const choice: InsertionChoice = { delta: 0, second: 0, route: -1, pos: 0, pos2: -1 };
  const options = { ...opts, regret: true };
  while (jobs.length > 0) {
    let pick = -1;
    let pickRoute = -1;
    let pickPos = 0;
    let pickPos2 = -1;
    let pickRegret = -Infinity;
    let pickDelta = Infinity;
    let pickPriority = -1;
    for (let t = 0; t < jobs.length; t++) {
      const j = jobs[t]!;
      const priority = inst.jobPriority[j]!;
      if (priority < pickPriority) continue;
      bestInsertion(sol, j, p, options, choice);
      if (choice.route < 0) continue;
      const regret = choice.second - choice.delta;
      if (
        priority > pickPriority ||
        regret > pickRegret ||
        (regret === pickRegret && choice.delta < pickDelta)
      ) {
        pick = t;
        pickRoute = choice.route;
        pickPos = choice.pos;
        pickPos2 = choice.pos2;
        pickRegret = regret;
        pickDelta = choice.delta;
        pickPriority = priority;
      }
    }
    if (pick < 0) break;
    const j = jobs[pick]!;
    jobs[pick] = jobs[jobs.length - 1]!;
    jobs.pop();
    sol.place(j, { route: pickRoute, pos: pickPos, pos2: pickPos2 });
    if (touched) touched[pickRoute] = 1;
  }
  jobs.length = 0;
}
