/**
 * Clarke–Wright parallel savings, then cheapest insertion for whatever is left.
 *
 * Every job starts alone; the pair (i, j) with the largest saving c(i, 0) + c(0, j) − c(i, j) merges the route
 * ending at i with the route starting at j, if the merged route is feasible (windows, capacity, limits, skills)
 * for at least one vehicle type. Savings are computed against the first vehicle's start and end, and only for
 * granular pairs (j among i's nearest neighbours) so that construction stays near-linear. The merged routes are
 * then given, largest first, to the cheapest compatible unused vehicle that can drive them.
 */
import { bestInsertion, type InsertionChoice } from './insertion.js';
import { regretInsert } from './regret.js';
import { DELIVERY, PLAIN } from '../instance.js';
import type { Proposal } from '../proposal.js';
import type { SolutionState } from '../solution-state.js';

/** Leftover batches up to this size get regret insertion (quadratic), larger ones cheapest insertion. */
const REGRET_UP_TO = 50;

/** `lambda` weighs the edge between i and j in the saving (1: classic Clarke–Wright; other values shape routes). */
export function buildSavingsSolution(sol: SolutionState, p: Proposal, lambda = 1): void {
  const inst = sol.inst;
  const nJobs = inst.nJobs;
  if (inst.nVehicles === 0 || nJobs === 0) return;
  const n = inst.m.size;
  const useDuration = inst.objective === 'duration';
  const costM = useDuration ? inst.m.durationS : inst.m.distance;

  // One representative vehicle per type.
  const typeVehicle: number[] = [];
  for (let v = 0; v < inst.nVehicles; v++) if (typeVehicle[inst.vehType[v]!] === undefined) typeVehicle[inst.vehType[v]!] = v;

  const feasibleForSomeType = (seq: number[]): boolean => {
    for (const v of typeVehicle) {
      p.begin(v);
      for (const j of seq) p.job(j);
      if (p.finish()) return true;
    }
    return false;
  };

  // Routes as arrays; routeOf[j] is the route holding j; only heads and tails can merge.
  const routes: (number[] | null)[] = [];
  const routeOf = new Int32Array(nJobs).fill(-1);
  // A shipment starts as its own route, pickup then delivery: merging routes end to end keeps it whole.
  for (let j = 0; j < nJobs; j++) {
    const kind = inst.jobKind[j]!;
    if (kind === DELIVERY) continue;
    const seq = kind === PLAIN ? [j] : [j, inst.jobSibling[j]!];
    if (!feasibleForSomeType(seq)) continue;
    for (const x of seq) routeOf[x] = routes.length;
    routes.push(seq);
  }

  const v0 = typeVehicle[0]!;
  const depotOut = inst.vehStartLoc[v0]!;
  const depotIn = inst.vehEndLoc[v0]!;
  const k = inst.k;
  const pairs: { i: number; j: number; s: number }[] = [];
  for (let i = 0; i < nJobs; i++) {
    if (routeOf[i] === -1) continue;
    const li = inst.jobLoc[i]!;
    for (let t = 0; t < k; t++) {
      const j = inst.neighbours[i * k + t]!;
      if (routeOf[j] === -1) continue;
      const lj = inst.jobLoc[j]!;
      const s = costM[li * n + depotIn]! + costM[depotOut * n + lj]! - lambda * costM[li * n + lj]!;
      if (s > 0 && s < Infinity) pairs.push({ i, j, s });
    }
  }
  pairs.sort((a, b) => b.s - a.s || a.i - b.i || a.j - b.j);

  for (const { i, j } of pairs) {
    const ra = routeOf[i]!;
    const rb = routeOf[j]!;
    if (ra === rb) continue;
    const a = routes[ra]!;
    const b = routes[rb]!;
    if (a[a.length - 1] !== i || b[0] !== j) continue;
    const merged = a.concat(b);
    if (!feasibleForSomeType(merged)) continue;
    routes[ra] = merged;
    routes[rb] = null;
    for (const x of b) routeOf[x] = ra;
  }

  // Give routes to vehicles, biggest first (by total demand, then length).
  const built = routes.filter((r): r is number[] => r !== null);
  const size = (r: number[]): number => {
    let s = 0;
    for (const j of r) s += inst.jobSize[j]!;
    return s;
  };
  built.sort((x, y) => size(y) - size(x) || y.length - x.length || x[0]! - y[0]!);
  const leftovers: number[] = [];
  for (const seq of built) {
    let bestV = -1;
    let bestCost = Infinity;
    const triedTypes = new Set<number>();
    for (let v = 0; v < inst.nVehicles; v++) {
      if (sol.routes[v]!.m > 0 || triedTypes.has(inst.vehType[v]!)) continue;
      triedTypes.add(inst.vehType[v]!);
      p.begin(v);
      for (const j of seq) p.job(j);
      if (!p.finish()) continue;
      const c = sol.ev.routeCost(v, p.stops, p.dist, p.dur);
      if (c < bestCost) {
        bestCost = c;
        bestV = v;
      }
    }
    if (bestV >= 0) sol.setRoute(bestV, seq, seq.length);
    else for (const x of seq) if (inst.jobKind[x] !== DELIVERY) leftovers.push(x);
  }
  for (let j = 0; j < nJobs; j++) if (routeOf[j] === -1 && inst.jobKind[j] !== DELIVERY) leftovers.push(j);
  insertAll(sol, p, leftovers);
}

/**
 * Regret insertion of a few jobs, else cheapest insertion of each, highest priority first; jobs that fit nowhere
 * stay unassigned. A shipment is given by its pickup (or either half, once).
 */
export function insertAll(sol: SolutionState, p: Proposal, jobs: number[]): void {
  const inst = sol.inst;
  jobs.sort((a, b) => inst.jobPriority[b]! - inst.jobPriority[a]! || a - b);
  if (jobs.length <= REGRET_UP_TO) {
    regretInsert(sol, jobs, p, { allowEmpty: true, blinkRate: 0 });
    return;
  }
  const choice: InsertionChoice = { delta: 0, second: 0, route: -1, pos: 0, pos2: -1 };
  for (const j of jobs) {
    bestInsertion(sol, j, p, { allowEmpty: true, blinkRate: 0 }, choice);
    if (choice.route >= 0) sol.place(j, choice);
  }
}
