/**
 * Last steps before a solution is returned:
 *  1. verify every route with the exact walk (schedule.ts) and unassign jobs from the tail of any route that
 *     fails it — a safety net: the O(1) checks should already guarantee feasibility;
 *  2. try every unassigned job at every position of every route, empty vehicles included, and insert the
 *     cheapest feasible one, until nothing fits (VROOM issues 778, 1102, 1284: jobs left out though they fit);
 *  3. give each job still unassigned its reason code.
 */
import { bestInsertion, type InsertionChoice } from './construct/insertion.js';
import { DELIVERY, PLAIN } from './instance.js';
import type { UnassignedReason } from './model.js';
import type { Proposal } from './proposal.js';
import { aloneFailure, exactRouteTiming } from './schedule.js';
import type { SolutionState } from './solution-state.js';

export function repairInfeasibleRoutes(sol: SolutionState): void {
  const inst = sol.inst;
  for (let r = 0; r < sol.routes.length; r++) {
    const route = sol.routes[r]!;
    let len = route.m;
    if (len === 0) continue;
    const seq = Array.from(route.jobs.subarray(0, len));
    while (len > 0 && !exactRouteTiming(inst, route.vehicle, seq, len).feasible) {
      len--;
      if (inst.hasShipments) len = dropPartialShipments(inst, seq, len);
    }
    if (len < route.m) sol.setRoute(r, seq, len);
  }
}

/** Compacts seq[0..len) to the stops whose shipment is entirely in it (plain jobs stay); returns the new length. */
function dropPartialShipments(inst: SolutionState['inst'], seq: number[], len: number): number {
  const kept = new Set<number>();
  for (let k = 0; k < len; k++) kept.add(seq[k]!);
  let out = 0;
  for (let k = 0; k < len; k++) {
    const j = seq[k]!;
    if (inst.jobKind[j] === PLAIN || kept.has(inst.jobSibling[j]!)) seq[out++] = j;
  }
  return out;
}

export function insertLeftovers(sol: SolutionState, p: Proposal): void {
  const inst = sol.inst;
  const choice: InsertionChoice = { delta: 0, second: 0, route: -1, pos: 0, pos2: -1 };
  for (;;) {
    // Highest priority first; among equals the cheapest insertion.
    let bestJob = -1;
    let bestRoute = -1;
    let bestPos = 0;
    let bestPos2 = -1;
    let bestDelta = Infinity;
    let bestPriority = -1;
    for (let j = 0; j < inst.nJobs; j++) {
      if (sol.jobRoute[j] !== -1 || inst.jobKind[j] === DELIVERY) continue;
      const pr = inst.jobPriority[j]!;
      if (pr < bestPriority) continue;
      bestInsertion(sol, j, p, { allowEmpty: true, blinkRate: 0 }, choice);
      if (choice.route < 0) continue;
      if (pr > bestPriority || choice.delta < bestDelta) {
        bestPriority = pr;
        bestJob = j;
        bestRoute = choice.route;
        bestPos = choice.pos;
        bestPos2 = choice.pos2;
        bestDelta = choice.delta;
      }
    }
    if (bestJob < 0) return;
    sol.place(bestJob, { route: bestRoute, pos: bestPos, pos2: bestPos2 });
  }
}

const REASON_ORDER: UnassignedReason[] = [
  'unreachable', 'capacity', 'time_window', 'max_stops', 'max_duration', 'max_distance',
];

/**
 * Why job j is not served: `skills` when no vehicle has the skills; otherwise, when no compatible vehicle could
 * serve it even alone, the first failing constraint shared by them (in the order above); else `no_vehicle`.
 */
export function unassignedReason(sol: SolutionState, j: number): UnassignedReason {
  const inst = sol.inst;
  if (inst.nVehicles === 0) return 'no_vehicle';
  const failures = new Set<UnassignedReason>();
  let compatible = 0;
  for (let v = 0; v < inst.nVehicles; v++) {
    if (inst.compat[v * inst.nJobs + j] === 0) continue;
    compatible++;
    const f = aloneFailure(inst, v, j);
    if (f === null) return 'no_vehicle';
    failures.add(f);
  }
  if (compatible === 0) return 'skills';
  for (const r of REASON_ORDER) if (failures.has(r)) return r;
  return 'no_vehicle';
}
