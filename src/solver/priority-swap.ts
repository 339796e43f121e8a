/**
 * The priority rule, enforced at the end: a job is never left out while a job of lower priority is served in its
 * place. For each unassigned job (highest priority first), each served plain job of lower priority is taken out
 * in turn and the unassigned one is offered every position of every route; the first that fits stays, and the
 * job taken out becomes a leftover (finalize may still fit it elsewhere). Undone when nothing fits.
 *
 * The search's objective already ranks priority first, but no operator trades a served job for an unassigned one,
 * so on larger problems such a swap could be missed. Problems where every job has the same priority skip all of
 * this. Work is bounded by `maxTrials` insertion scans, so a huge instance cannot stall its finalize.
 */
import { bestInsertion, type InsertionChoice } from './construct/insertion.js';
import { DELIVERY, PLAIN } from './instance.js';
import type { Proposal } from './proposal.js';
import type { SolutionState } from './solution-state.js';

/** Returns how many swaps were made. */
export function swapInHigherPriority(sol: SolutionState, p: Proposal, maxTrials = 20_000): number {
  const inst = sol.inst;
  const n = inst.nJobs;
  let minServed = Infinity;
  for (let j = 0; j < n; j++) if (sol.jobRoute[j] !== -1) minServed = Math.min(minServed, inst.jobPriority[j]!);
  const waiting: number[] = [];
  for (let j = 0; j < n; j++) {
    if (sol.jobRoute[j] === -1 && inst.jobKind[j] !== DELIVERY && inst.jobPriority[j]! > minServed) waiting.push(j);
  }
  if (waiting.length === 0) return 0;
  waiting.sort((a, b) => inst.jobPriority[b]! - inst.jobPriority[a]!);
  const choice: InsertionChoice = { delta: 0, second: 0, route: -1, pos: 0, pos2: -1 };
  const flagged = new Uint8Array(n);
  let trials = 0;
  let swaps = 0;
  for (const u of waiting) {
    if (sol.jobRoute[u] !== -1) continue;
    const pu = inst.jobPriority[u]!;
    let placed = false;
    for (let r = 0; r < sol.routes.length && !placed && trials < maxTrials; r++) {
      const route = sol.routes[r]!;
      const saved = Array.from(route.jobs.subarray(0, route.m));
      for (const w of saved) {
        if (inst.jobKind[w] !== PLAIN || inst.jobPriority[w]! >= pu) continue;
        if (++trials > maxTrials) break;
        flagged[w] = 1;
        sol.removeFlagged(r, flagged);
        flagged[w] = 0;
        bestInsertion(sol, u, p, { allowEmpty: true, blinkRate: 0 }, choice);
        if (choice.route >= 0) {
          sol.place(u, choice);
          swaps++;
          placed = true;
          break;
        }
        sol.setRoute(r, saved, saved.length);
      }
    }
  }
  return swaps;
}
