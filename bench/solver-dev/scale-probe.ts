/** Quick timing of the solver phases on a generated 1,000-job problem (solver development aid). */
import { performance } from 'node:perf_hooks';
import { buildSavingsSolution } from '../../src/solver/construct/savings.js';
import { compileInstance } from '../../src/solver/instance.js';
import { Evaluator } from '../../src/solver/objective.js';
import { Proposal } from '../../src/solver/proposal.js';
import { Random } from '../../src/solver/random.js';
import { localSearch } from '../../src/solver/search/local-search.js';
import { SolutionState } from '../../src/solver/solution-state.js';
import { solve } from '../../src/solver/solve.js';
import { generatePlaneProblem } from '../gen.js';

const problem = generatePlaneProblem({ jobs: 1000, vehicles: 50, seed: 1, timeWindows: true });
let t = performance.now();
const lap = (label: string): void => {
  const now = performance.now();
  console.log(label, (now - t).toFixed(0), 'ms');
  t = now;
};
const inst = compileInstance(problem, 'distance');
lap('compile');
const sol = new SolutionState(inst, new Evaluator(inst, 'cost', undefined));
buildSavingsSolution(sol, new Proposal(inst));
lap(`savings (unassigned ${sol.unassignedCount()}, vehicles ${sol.vehiclesUsed()}, cost ${sol.cost().toFixed(0)})`);
const moves = localSearch(sol, new Random(1));
lap(`local search (${moves} moves, cost ${sol.cost().toFixed(0)})`);
const s = solve(problem, { timeLimitS: Number(process.argv[2] ?? 5), clock: () => performance.now(), seed: 1 });
lap(`solve: iterations ${s.summary.iterations}, distance ${s.summary.distance.toFixed(0)}, vehicles ${s.summary.vehicles}, unassigned ${s.summary.unassigned}`);
