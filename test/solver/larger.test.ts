import { describe, expect, it } from 'vitest';
import type { Job, Vehicle } from '../../src/solver/model.js';
import { Random } from '../../src/solver/random.js';
import { solve } from '../../src/solver/solve.js';
import { checkSolution, type MatrixProblem } from './checker.js';

/** A seeded 350-job problem with windows and a tight fleet: exercises the granular recreate path. */
function generated(seed: number): MatrixProblem {
  const rng = new Random(seed);
  const size = 351;
  const xs = Array.from({ length: size }, (_, i) => (i === 0 ? 50 : rng.next() * 100));
  const ys = Array.from({ length: size }, (_, i) => (i === 0 ? 50 : rng.next() * 100));
  const d = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) d[i * size + j] = Math.hypot(xs[i]! - xs[j]!, ys[i]! - ys[j]!);
  const jobs: Job[] = [];
  for (let i = 1; i < size; i++) {
    const start = Math.floor(rng.next() * 800);
    jobs.push({
      id: `c${i}`, location: { index: i }, serviceS: 5, demand: [1 + rng.int(20)],
      timeWindows: [{ start, end: start + 60 + rng.int(120) }], priority: 1 + rng.int(10),
    });
  }
  const vehicles: Vehicle[] = Array.from({ length: 12 }, (_, v) => ({
    id: `v${v}`, start: { index: 0 }, end: { index: 0 }, shift: { start: 0, end: 1000 }, capacity: [200],
  }));
  return { jobs, vehicles, matrices: { size, durations: d, distances: d } };
}

describe('a larger generated problem', () => {
  it.each(['cost', 'vehicles'] as const)('stays feasible and loses nothing (minimize %s)', (minimize) => {
    const problem = generated(11);
    const solution = solve(problem, { seed: 2, maxIterations: 60, minimize });
    checkSolution(problem, solution);
    expect(solution.routes.length).toBeGreaterThan(0);
    expect(solution.unassigned.every((u) => u.reason === 'no_vehicle' || u.reason === 'time_window')).toBe(true);
    // Priority comes first: the fleet is too small, and the jobs left out are the low-priority ones
    // (uniform 1..10 would average 5.5 if priority were ignored).
    const served = problem.jobs.length - solution.unassigned.length;
    expect(solution.unassigned.length).toBeGreaterThan(0);
    expect(solution.summary.priority / served).toBeGreaterThan(6.5);
  });
});
