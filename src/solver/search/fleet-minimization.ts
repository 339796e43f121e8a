/**
 * Fleet minimisation for minimize = 'vehicles' (after SISR's fleet-minimisation phase): take a complete
 * solution, empty one route, and run ruin-and-recreate that may not open a vehicle, accepting a result when it
 * leaves fewer jobs out, or when the jobs left out have been absent less often in total (absence counters grow
 * each iteration a job stays out, so jobs that are hard to place get priority). When every job is placed again,
 * the solution with one vehicle fewer becomes the best and the next route is emptied.
 */
import { bestInsertion, GRANULAR_FROM, type InsertionChoice } from '../construct/insertion.js';
import type { SolveOptions } from '../model.js';
import { SearchContext } from '../operators/operator.js';
import type { Random } from '../random.js';
import type { SolutionState } from '../solution-state.js';
import { DELIVERY } from '../instance.js';
import { clone, orderForInsertion, removeRelated, removeStrings, removeWholeShipments } from './sisr.js';

const BLINK_RATE = 0.01;
/** Iterations without removing a vehicle before trying to empty another route. */
const STUCK_AFTER = 5000;

/** Runs until `endFraction` of the budget; returns the iterations done. `sol` receives the best complete result. */
export function minimizeFleet(
  sol: SolutionState, rng: Random, options: SolveOptions, budget: () => number, endFraction: number, maxIterations: number,
): number {
  const inst = sol.inst;
  if (sol.vehiclesUsed() <= 1) return 0;
  const best = clone(sol);
  const bestPenalty = sol.penalty();
  const current = clone(sol);
  const work = clone(sol);
  const p = new SearchContext(work).p1;
  const absences = new Float64Array(inst.nJobs);
  const removed = new Uint8Array(inst.nJobs);
  const touched = new Uint8Array(inst.nVehicles);
  const sortKey = new Float64Array(inst.nJobs);
  const pending: number[] = [];
  const choice: InsertionChoice = { delta: 0, second: 0, route: -1, pos: 0, pos2: -1 };
  const cbar = Math.max(1, Math.min(10, Math.floor(inst.nJobs * 0.3)));

  /** Empties the smallest route, or with `anyRoute` a random one (to escape a route that will not go away). */
  const emptySmallestRoute = (s: SolutionState, anyRoute = false): void => {
    let bestR = -1;
    let bestM = Infinity;
    for (let r = 0; r < s.routes.length; r++) {
      const m = anyRoute ? rng.next() : s.routes[r]!.m;
      if (s.routes[r]!.m > 0 && (m < bestM || (m === bestM && rng.next() < 0.5))) {
        bestM = m;
        bestR = r;
      }
    }
    if (bestR >= 0) s.setRoute(bestR, [], 0);
  };
  const absenceSum = (s: SolutionState): number => {
    let a = 0;
    for (let j = 0; j < inst.nJobs; j++) if (s.jobRoute[j] === -1) a += absences[j]! * inst.jobPenalty[j]!;
    return a;
  };

  emptySmallestRoute(current);
  work.copyFrom(current);
  let iteration = 0;
  let sinceProgress = 0;
  while (current.vehiclesUsed() >= 1 && iteration < maxIterations) {
    if (budget() >= endFraction || options.shouldStop?.()) break;
    iteration++;
    removed.fill(0);
    touched.fill(0);
    // Mostly cut around a job that is out, to make room where it is needed.
    let seed = -1;
    if (rng.next() < 0.7) {
      pending.length = 0;
      for (let j = 0; j < inst.nJobs; j++) if (work.jobRoute[j] === -1) pending.push(j);
      if (pending.length > 0) seed = pending[rng.int(pending.length)]!;
    }
    if (seed >= 0 || rng.next() < 0.8) removeStrings(work, rng, cbar, removed, touched, seed);
    else removeRelated(work, rng, cbar, removed, touched);
    removeWholeShipments(work, removed);
    for (let r = 0; r < inst.nVehicles; r++) if (touched[r]) work.removeFlagged(r, removed);
    pending.length = 0;
    for (let j = 0; j < inst.nJobs; j++) if (work.jobRoute[j] === -1 && inst.jobKind[j] !== DELIVERY) pending.push(j);
    orderForInsertion(work, rng, pending, sortKey);
    // Jobs that were out most often go first.
    if (rng.next() < 0.5) pending.sort((a, b) => absences[b]! - absences[a]!);
    for (const j of pending) {
      bestInsertion(work, j, p, { allowEmpty: false, blinkRate: BLINK_RATE, rng, granular: inst.nJobs > GRANULAR_FROM }, choice);
      if (choice.route >= 0) work.place(j, choice);
    }
    for (let j = 0; j < inst.nJobs; j++) if (work.jobRoute[j] === -1) absences[j]!++;
    const out = work.unassignedCount();
    sinceProgress++;
    if (out < current.unassignedCount() || absenceSum(work) < absenceSum(current)) {
      current.copyFrom(work);
      if (work.penalty() <= bestPenalty) {
        best.copyFrom(work);
        emptySmallestRoute(current);
        work.copyFrom(current);
        sinceProgress = 0;
      }
    } else {
      work.copyFrom(current);
    }
    if (sinceProgress >= STUCK_AFTER) {
      // No vehicle saved for a long while: start again from the best with another route emptied.
      current.copyFrom(best);
      emptySmallestRoute(current, true);
      work.copyFrom(current);
      absences.fill(0);
      sinceProgress = 0;
    }
  }
  sol.copyFrom(best);
  return iteration;
}
