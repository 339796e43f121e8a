/**
 * The pieces of SISR (Christiaens & Vanden Berghe, "Slack induction by string removals") that ruin-and-recreate
 * and fleet minimisation share: the removals (strings, related, random, the smallest route), the orders jobs are
 * re-inserted in, and a copy of a solution. `removed[j]` is 1 for a job chosen to leave its route, `touched[r]` is 1
 * for a route that lost a job.
 */
import type { Random } from '../random.js';
import { SolutionState } from '../solution-state.js';

/** Longest string removed from one route. */
const MAX_STRING = 10;

/** An independent copy (the search keeps its best solution apart from the one it ruins). */
export function clone(sol: SolutionState): SolutionState {
  const c = new SolutionState(sol.inst, sol.ev);
  c.copyFrom(sol);
  return c;
}

function pickRoutedJob(sol: SolutionState, rng: Random): number {
  const n = sol.inst.nJobs;
  for (let tries = 0; tries < 4 * n; tries++) {
    const j = rng.int(n);
    if (sol.jobRoute[j] !== -1) return j;
  }
  return -1;
}

/** SISR string removal: strings of consecutive jobs from up to ks routes met around a seed job. */
export function removeStrings(
  sol: SolutionState, rng: Random, cbar: number, removed: Uint8Array, touched: Uint8Array, seedJob = -1,
): void {
  const inst = sol.inst;
  const seed = seedJob >= 0 ? seedJob : pickRoutedJob(sol, rng);
  if (seed < 0) return;
  const used = sol.vehiclesUsed();
  let routed = 0;
  for (const r of sol.routes) routed += r.m;
  const lsMax = Math.min(MAX_STRING, routed / Math.max(1, used));
  const ksMax = (4 * cbar) / (1 + lsMax) - 1;
  const ks = Math.floor(rng.next() * Math.max(1, ksMax)) + 1;
  let ruined = 0;
  const k = inst.k;
  for (let t = -1; t < k && ruined < ks; t++) {
    const c = t < 0 ? seed : inst.neighbours[seed * k + t]!;
    const r = sol.jobRoute[c]!;
    if (r < 0 || touched[r] || removed[c]) continue;
    // (The seed may be an unassigned job: strings are then cut around where it would go.)
    const route = sol.routes[r]!;
    const maxLen = Math.min(route.m, lsMax);
    const len = Math.floor(rng.next() * maxLen) + 1;
    const pos = sol.jobPos[c]!;
    const startMin = Math.max(1, pos - len + 1);
    const startMax = Math.min(pos, route.m - len + 1);
    const start = startMin + rng.int(startMax - startMin + 1);
    for (let i = start; i < start + len; i++) removed[route.jobAt(i)] = 1;
    touched[r] = 1;
    ruined++;
  }
}

/** A shipment leaves its route whole: flags the other half of every flagged half (it is in the same route). */
export function removeWholeShipments(sol: SolutionState, removed: Uint8Array): void {
  const inst = sol.inst;
  if (!inst.hasShipments) return;
  for (let j = inst.nPlainJobs; j < inst.nJobs; j++) if (removed[j] === 1) removed[inst.jobSibling[j]!] = 1;
}

/** The seed job and its nearest routed neighbours. */
export function removeRelated(sol: SolutionState, rng: Random, cbar: number, removed: Uint8Array, touched: Uint8Array): void {
  const inst = sol.inst;
  const seed = pickRoutedJob(sol, rng);
  if (seed < 0) return;
  const q = 1 + rng.int(2 * cbar);
  let count = 0;
  const k = inst.k;
  for (let t = -1; t < k && count < q; t++) {
    const c = t < 0 ? seed : inst.neighbours[seed * k + t]!;
    const r = sol.jobRoute[c]!;
    if (r < 0) continue;
    removed[c] = 1;
    touched[r] = 1;
    count++;
  }
}

export function removeRandom(sol: SolutionState, rng: Random, cbar: number, removed: Uint8Array, touched: Uint8Array): void {
  const q = 1 + rng.int(2 * cbar);
  for (let t = 0; t < q; t++) {
    const c = pickRoutedJob(sol, rng);
    if (c < 0) return;
    removed[c] = 1;
    touched[sol.jobRoute[c]!] = 1;
  }
}

/** Empties the route with the fewest jobs (ties: random) and forbids re-inserting into it. */
export function removeSmallestRoute(
  sol: SolutionState, rng: Random, removed: Uint8Array, touched: Uint8Array, forbidden: Uint8Array,
): boolean {
  let bestR = -1;
  let bestM = Infinity;
  for (let r = 0; r < sol.routes.length; r++) {
    const m = sol.routes[r]!.m;
    if (m > 0 && (m < bestM || (m === bestM && rng.next() < 0.5))) {
      bestM = m;
      bestR = r;
    }
  }
  if (bestR < 0) return false;
  forbidden.fill(0);
  forbidden[bestR] = 1;
  const route = sol.routes[bestR]!;
  for (let i = 1; i <= route.m; i++) removed[route.jobAt(i)] = 1;
  touched[bestR] = 1;
  return true;
}

/** SISR's insertion orders: random, largest demand, farthest from or closest to the start, tightest window. */
export function orderForInsertion(sol: SolutionState, rng: Random, jobs: number[], key: Float64Array): void {
  const inst = sol.inst;
  const n = inst.m.size;
  const depot = inst.vehStartLoc[0]!;
  const kind = rng.next();
  for (const j of jobs) {
    if (kind < 0.35) key[j] = rng.next();
    else if (kind < 0.6) {
      key[j] = -inst.jobSize[j]!;
    } else if (kind < 0.8) key[j] = -inst.m.distance[depot * n + inst.jobLoc[j]!]!;
    else if (kind < 0.9) key[j] = inst.m.distance[depot * n + inst.jobLoc[j]!]!;
    else key[j] = inst.jobTwEnd[j]! - inst.jobTwStart[j]!;
  }
  jobs.sort((a, b) => inst.jobPriority[b]! - inst.jobPriority[a]! || key[a]! - key[b]! || a - b);
}
