/**
 * Micro-benchmarks of the solver's hot parts (tinybench), on seeded generated problems of 1,000 jobs:
 *
 *   npx tsx bench/micro.ts [--time 2000]
 *
 * - savings construction (Clarke–Wright + insertion of leftovers) on a compiled instance;
 * - one local-search pass starting from the savings solution (the copy of that solution is untimed);
 * - one feasibility check: an insertion priced from cached route segments (Proposal, O(1)), against the
 *   baseline of the same check done by walking the whole route (exactRouteTiming, O(route length));
 *
 * End-to-end times on 1,000 stops (construction + local search, the search over time) are in bench/scale.ts.
 */
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { buildSavingsSolution } from '../src/solver/construct/savings.js';
import { compileInstance, type Instance } from '../src/solver/instance.js';
import type { Problem } from '../src/solver/model.js';
import { Evaluator } from '../src/solver/objective.js';
import { Proposal } from '../src/solver/proposal.js';
import { Random } from '../src/solver/random.js';
import { exactRouteTiming } from '../src/solver/schedule.js';
import { localSearch } from '../src/solver/search/local-search.js';
import { SolutionState } from '../src/solver/solution-state.js';
import { generatePlaneProblem } from './gen.js';

const { values } = parseArgs({ options: { time: { type: 'string', default: '2000' } } });
const timeMs = Number(values.time);

function savingsSolution(inst: Instance): SolutionState {
  const sol = new SolutionState(inst, new Evaluator(inst, 'cost', undefined));
  buildSavingsSolution(sol, new Proposal(inst));
  return sol;
}

const problems: { label: string; problem: Problem }[] = [
  { label: 'VRPTW', problem: generatePlaneProblem({ jobs: 1000, vehicles: 100, seed: 1, timeWindows: true }) },
  { label: 'CVRP', problem: generatePlaneProblem({ jobs: 1000, vehicles: 100, seed: 1 }) },
];

// Few iterations at least: heavy tasks (construction, a local-search pass) run ~3 times, light ones fill `time`.
const bench = new Bench({ name: 'solver micro-benchmarks', time: timeMs, iterations: 3, warmupTime: 100, warmupIterations: 1 });
for (const { label, problem } of problems) {
  const inst = compileInstance(problem, 'distance');
  const base = savingsSolution(inst);
  const work = savingsSolution(inst);
  const rng = new Random(1);

  bench.add(`${label}: savings construction, 1,000 jobs`, () => {
    savingsSolution(inst);
  });
  bench.add(
    `${label}: one local-search pass, 1,000 jobs`,
    () => {
      localSearch(work, rng);
    },
    { beforeEach: () => work.copyFrom(base) },
  );

  // The longest route of the savings solution, and jobs of other routes to try inserting into its middle.
  const longest = base.routes.reduce((a, b) => (b.m > a.m ? b : a));
  const candidates = Array.from({ length: inst.nJobs }, (_, j) => j).filter((j) => base.jobRoute[j] !== longest.vehicle);
  const p = new Proposal(inst);
  const seq = new Int32Array(longest.m + 1);
  let k = 0;
  bench.add(`${label}: feasibility check of an insertion, cached segments (route of ${longest.m})`, () => {
    const j = candidates[k++ % candidates.length]!;
    const at = k % (longest.m + 1);
    return p.prefix(longest, at).job(j).range(longest, at + 1, longest.m).finish();
  });
  bench.add(`${label}: feasibility check of an insertion, full route walk (baseline)`, () => {
    const j = candidates[k++ % candidates.length]!;
    const at = k % (longest.m + 1);
    let len = 0;
    for (let i = 1; i <= at; i++) seq[len++] = longest.jobAt(i);
    seq[len++] = j;
    for (let i = at + 1; i <= longest.m; i++) seq[len++] = longest.jobAt(i);
    return exactRouteTiming(inst, longest.vehicle, seq, len).feasible;
  });
}

await bench.run();
console.log(`${bench.name} (${new Date().toISOString()}, ${timeMs} ms per task)`);
const sig = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));
console.log('| task | ops/s | mean ms | samples |');
console.log('|---|---:|---:|---:|');
for (const task of bench.tasks) {
  const r = task.result;
  if (!r || !('latency' in r)) {
    console.log(`| ${task.name} | failed | | |`);
    continue;
  }
  console.log(`| ${task.name} | ${sig(1000 / r.latency.mean)} | ${sig(r.latency.mean)} | ${r.latency.samplesCount} |`);
}

const opsOf = (name: string): number => {
  const r = bench.getTask(name)?.result;
  return r && 'latency' in r ? 1000 / r.latency.mean : NaN;
};
for (const { label } of problems) {
  const fast = bench.tasks.find((t) => t.name.startsWith(`${label}: feasibility check of an insertion, cached`))!.name;
  const slow = `${label}: feasibility check of an insertion, full route walk (baseline)`;
  console.log(`${label}: cached-segment check is ${(opsOf(fast) / opsOf(slow)).toFixed(1)}× the full-walk baseline`);
}
