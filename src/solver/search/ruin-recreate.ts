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
import { SolutionState } from '../solution-state.js';
import { minimizeFleet } from './fleet-minimization.js';
import { improve, localSearch } from './local-search.js';

const BLINK_RATE = 0.01;
/** Longest string removed from one route. */
const MAX_STRING = 10;
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
  const choice: InsertionChoice = { delta: 0, second: 0, route: -1, pos: 0 };
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
    for (let r = 0; r < inst.nVehicles; r++) if (touched[r]) work.removeFlagged(r, removed);

    // Recreate: every unassigned job, in a random order of a random kind, higher priority first.
    // The removed jobs, plus a sample of the jobs that were already out (all of them when few): on large
    // over-constrained problems retrying hundreds of jobs that do not fit would eat the budget.
    pending.length = 0;
    let outBefore = 0;
    for (let j = 0; j < inst.nJobs; j++) {
      if (work.jobRoute[j] !== -1) continue;
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
        work.insert(j, choice.route, choice.pos);
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

function removeRandom(sol: SolutionState, rng: Random, cbar: number, removed: Uint8Array, touched: Uint8Array): void {
  const q = 1 + rng.int(2 * cbar);
  for (let t = 0; t < q; t++) {
    const c = pickRoutedJob(sol, rng);
    if (c < 0) return;
    removed[c] = 1;
    touched[sol.jobRoute[c]!] = 1;
  }
}

/** Empties the route with the fewest jobs (ties: random) and forbids re-inserting into it. */
function removeSmallestRoute(
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
      let s = 0;
      for (let d = 0; d < inst.dims; d++) s += inst.jobDemand[j * inst.dims + d]!;
      key[j] = -s;
    } else if (kind < 0.8) key[j] = -inst.m.distance[depot * n + inst.jobLoc[j]!]!;
    else if (kind < 0.9) key[j] = inst.m.distance[depot * n + inst.jobLoc[j]!]!;
    else key[j] = inst.jobTwEnd[j]! - inst.jobTwStart[j]!;
  }
  jobs.sort((a, b) => inst.jobPriority[b]! - inst.jobPriority[a]! || key[a]! - key[b]! || a - b);
}
