/**
 * Scale: a seeded city problem of 1,000 stops and 50 vehicles with time windows.
 *
 *   npx tsx bench/scale.ts [--time 20] [--seed 1] [--jobs 1000] [--vehicles 50]
 *
 * Reports the time to the first feasible solution (compile + savings construction; every solution the solver holds
 * is feasible), construction + local search, the cost over time within the budget (from progress reports, or from
 * shorter runs when the solver sends none), and peak memory (rss and heap). Targets: first feasible under 2 s,
 * memory under 500 MB.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildSavingsSolution } from '../src/solver/construct/savings.js';
import { compileInstance } from '../src/solver/instance.js';
import type { SolveProgress } from '../src/solver/model.js';
import { Evaluator } from '../src/solver/objective.js';
import { Proposal } from '../src/solver/proposal.js';
import { SolutionState } from '../src/solver/solution-state.js';
import { solve } from '../src/solver/solve.js';
import { generateCityProblem } from './gen.js';

const { values } = parseArgs({
  options: {
    time: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: '1000' },
    vehicles: { type: 'string', default: '50' },
  },
});
const timeS = Number(values.time);
const seed = Number(values.seed);
const nJobs = Number(values.jobs);
const nVehicles = Number(values.vehicles);

const MB = 1024 * 1024;
let peakRss = process.memoryUsage().rss;
const jsMemory = (m: NodeJS.MemoryUsage): number => m.heapUsed + m.arrayBuffers;
let peakHeap = jsMemory(process.memoryUsage());
let lastSample = 0;
function sampleMemory(now: number): void {
  if (now - lastSample < 50) return;
  lastSample = now;
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, jsMemory(m));
}

const problem = generateCityProblem({ jobs: nJobs, vehicles: nVehicles, seed });
const baselineRss = process.memoryUsage().rss;

// Construction alone (compile the instance + savings): the first feasible solution the solver builds.
const tBuild = performance.now();
const inst = compileInstance(problem, undefined);
const built = new SolutionState(inst, new Evaluator(inst, 'cost', undefined));
buildSavingsSolution(built, new Proposal(inst));
const constructionSeconds = (performance.now() - tBuild) / 1000;
const constructionUnassigned = built.unassignedCount();
sampleMemory(Infinity);

// Construction + local search alone (the solver's first solution without the metaheuristic).
const tLs = performance.now();
const lsOnly = solve(problem, { seed, localSearchOnly: true, clock: () => performance.now(), timeLimitS: timeS });
const lsSeconds = (performance.now() - tLs) / 1000;
sampleMemory(Infinity);

const trace: { seconds: number; cost: number; vehicles: number; unassigned: number; iteration: number }[] = [];
const t0 = performance.now();
const solution = solve(problem, {
  seed,
  timeLimitS: timeS,
  clock: () => performance.now(),
  onProgress: (p: SolveProgress) => {
    const now = performance.now();
    sampleMemory(now);
    const last = trace[trace.length - 1];
    if (!last || p.bestCost < last.cost - 1e-9 || p.unassigned !== last.unassigned || now - t0 - last.seconds * 1000 > 1000) {
      trace.push({ seconds: (now - t0) / 1000, cost: p.bestCost, vehicles: p.bestVehicles, unassigned: p.unassigned, iteration: p.iteration });
    }
  },
});
const totalSeconds = (performance.now() - t0) / 1000;
sampleMemory(Infinity);

const served = new Set<string>();
let duplicates = 0;
for (const r of solution.routes) for (const s of r.steps) if (s.type === 'job') (served.has(s.job!) ? duplicates++ : served.add(s.job!));
const accounted = served.size + solution.unassigned.length === nJobs && duplicates === 0;

const firstFeasibleS = trace[0]?.seconds ?? NaN;
const checkpoints = [0.5, 1, 2, 5, 10, 20, 30, 60].filter((c) => c < timeS);
// Cost over time: from the solver's progress reports when it sent a few, else from separate runs cut off at each
// checkpoint (deterministic for a seed, so each is the same search stopped earlier).
const fromReports = trace.length >= 5;
const curve: { seconds: number; cost: number; vehicles: number; unassigned: number }[] = [];
for (const c of checkpoints) {
  if (fromReports) {
    const t = [...trace].reverse().find((p) => p.seconds <= c);
    if (t) curve.push({ ...t, seconds: c });
  } else if (c >= 1) {
    const s = solve(problem, { seed, timeLimitS: c, clock: () => performance.now() });
    sampleMemory(Infinity);
    curve.push({ seconds: c, cost: s.summary.cost, vehicles: s.summary.vehicles, unassigned: s.summary.unassigned });
  }
}
const lines = [
  `Scale: ${nJobs} stops, ${nVehicles} vehicles, time windows, seed ${seed}, budget ${timeS} s (${new Date().toISOString()})`,
  '',
  '| measure | value | target |',
  '|---|---:|---|',
  `| first feasible solution: compile + savings construction | ${constructionSeconds.toFixed(2)} s, ${constructionUnassigned} unassigned | < 2 s |`,
  `| construction + local search only | ${lsSeconds.toFixed(2)} s, cost ${lsOnly.summary.cost.toFixed(0)}, ${lsOnly.summary.vehicles} vehicles, ${lsOnly.summary.unassigned} unassigned | |`,
  `| first progress report of a full solve | ${Number.isNaN(firstFeasibleS) ? 'none (the solver sent no progress)' : `${firstFeasibleS.toFixed(2)} s`} | |`,
  `| final (after ${totalSeconds.toFixed(1)} s, ${solution.summary.iterations} iterations) | cost ${solution.summary.cost.toFixed(0)}, ${solution.summary.vehicles} vehicles, ${solution.summary.unassigned} unassigned | |`,
  `| every job routed once or unassigned | ${accounted ? 'yes' : 'NO'} | yes |`,
  `| peak rss / heap + array buffers | ${(peakRss / MB).toFixed(0)} MB / ${(peakHeap / MB).toFixed(0)} MB (rss before solving ${(baselineRss / MB).toFixed(0)} MB) | < 500 MB |`,
  '',
  `Cost over time (${fromReports ? 'from progress reports of the run above' : 'separate runs with each budget: the solver sent too few progress reports'}):`,
  '',
  '| seconds | best cost | vehicles | unassigned |',
  '|---:|---:|---:|---:|',
  ...curve.map((t) => `| ${t.seconds} | ${t.cost.toFixed(0)} | ${t.vehicles} | ${t.unassigned} |`),
  `| ${totalSeconds.toFixed(1)} (end) | ${solution.summary.cost.toFixed(0)} | ${solution.summary.vehicles} | ${solution.summary.unassigned} |`,
];
console.log(lines.join('\n'));
const dir = new URL('results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '');
writeFileSync(new URL(`scale-${stamp}.md`, dir), `${lines.join('\n')}\n`);
writeFileSync(
  new URL(`scale-${stamp}.json`, dir),
  `${JSON.stringify({ nJobs, nVehicles, seed, timeS, constructionSeconds, lsSeconds, firstFeasibleS, totalSeconds, peakRssMB: peakRss / MB, peakHeapMB: peakHeap / MB, summary: solution.summary, trace, curve }, null, 2)}\n`,
);
if (!accounted) process.exitCode = 1;
