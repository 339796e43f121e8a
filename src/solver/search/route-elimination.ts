/**
 * Route elimination: try to empty a route by inserting each of its jobs at its cheapest feasible place in the
 * other routes; keep the result when everything fits and the objective improves. Smallest routes first.
 * A neighbourhood the per-job operators cannot reach: removing a route saves its trip to and from the depot
 * only once its last job is gone.
 */
import { bestInsertion, GRANULAR_FROM, type InsertionChoice } from '../construct/insertion.js';
import { DELIVERY } from '../instance.js';
import type { Proposal } from '../proposal.js';
import type { SolutionState } from '../solution-state.js';

/** Returns true when a route was removed (the solution changed). */
export function eliminateOneRoute(
  sol: SolutionState, backup: SolutionState, p: Proposal, shouldStop?: () => boolean,
): boolean {
  const inst = sol.inst;
  const order: number[] = [];
  for (let r = 0; r < sol.routes.length; r++) if (sol.routes[r]!.m > 0) order.push(r);
  if (order.length < 2) return false;
  order.sort((a, b) => sol.routes[a]!.m - sol.routes[b]!.m || a - b);
  const forbidden = new Uint8Array(inst.nVehicles);
  const choice: InsertionChoice = { delta: 0, second: 0, route: -1, pos: 0, pos2: -1 };
  const penalty = sol.penalty();
  const cost = sol.cost();
  backup.copyFrom(sol);
  for (const r of order) {
    if (shouldStop?.()) return false;
    // A shipment goes back in by its pickup, as a whole.
    const jobs = Array.from(sol.routes[r]!.jobs.subarray(0, sol.routes[r]!.m)).filter((j) => inst.jobKind[j] !== DELIVERY);
    forbidden.fill(0);
    forbidden[r] = 1;
    sol.setRoute(r, [], 0);
    let ok = true;
    // Hardest first: the longest service and the tightest windows.
    jobs.sort((a, b) => inst.jobTwEnd[a]! - inst.jobTwStart[a]! - (inst.jobTwEnd[b]! - inst.jobTwStart[b]!) || a - b);
    for (const j of jobs) {
      bestInsertion(sol, j, p, { allowEmpty: false, blinkRate: 0, forbidden, granular: inst.nJobs > GRANULAR_FROM }, choice);
      if (choice.route < 0) {
        ok = false;
        break;
      }
      sol.place(j, choice);
    }
    if (ok && sol.penalty() <= penalty && sol.cost() < cost - 1e-7) return true;
    sol.copyFrom(backup);
  }
  return false;
}
