/**
 * The options that change what "best" means, checked on instances where they matter: `minimize: 'vehicles'` takes
 * fewer vehicles than `cost` (at a higher distance), and `balance` narrows the spread between routes that a pure
 * cost plan leaves wide. Every solution is also checked for feasibility by the independent checker.
 */
import { describe, expect, it } from 'vitest';
import type { Job, Solution, Vehicle } from '../../src/solver/model.js';
import { solve } from '../../src/solver/solve.js';
import { checkSolution, type MatrixProblem } from './checker.js';

/** Points on a plane, matrices by Euclidean distance (duration = distance). */
function onPlane(points: [number, number][], jobs: Omit<Job, 'location'>[], vehicles: Vehicle[]): MatrixProblem {
  const size = points.length;
  const d = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) d[i * size + j] = Math.hypot(points[i]![0] - points[j]![0], points[i]![1] - points[j]![1]);
  }
  return { jobs: jobs.map((j, k) => ({ ...j, location: { index: k + 2 } })), vehicles, matrices: { size, durations: d, distances: d } };
}

const stopsPerVehicle = (p: MatrixProblem, s: Solution): number[] =>
  p.vehicles.map((v) => s.routes.find((r) => r.vehicle === v.id)?.steps.filter((x) => x.type === 'job').length ?? 0);

describe('minimize: vehicles', () => {
  // Two depots 100 apart, four jobs beside each. Two vans (one per depot) cost least; one van can do all eight.
  const points: [number, number][] = [[0, 0], [100, 0], [0, 5], [5, 0], [0, -5], [-5, 0], [100, 5], [105, 0], [100, -5], [95, 0]];
  const jobs = Array.from({ length: 8 }, (_, i) => ({ id: `j${i}`, serviceS: 1, demand: [1] }));
  const vehicles: Vehicle[] = [
    { id: 'west', start: { index: 0 }, end: { index: 0 }, capacity: [10] },
    { id: 'east', start: { index: 1 }, end: { index: 1 }, capacity: [10] },
  ];
  const problem = onPlane(points, jobs, vehicles);

  it('uses fewer vehicles than minimize: cost, which takes both because it is shorter', () => {
    const cost = solve(problem, { seed: 1, maxIterations: 200, minimize: 'cost' });
    const fewer = solve(problem, { seed: 1, maxIterations: 200, minimize: 'vehicles' });
    checkSolution(problem, cost);
    checkSolution(problem, fewer);
    expect([cost.unassigned, fewer.unassigned]).toEqual([[], []]);
    expect(cost.routes.length).toBe(2);
    expect(fewer.routes.length).toBe(1);
    // The one-van plan crosses the gap twice: fewer vehicles is paid for in distance.
    expect(fewer.summary.distance).toBeGreaterThan(cost.summary.distance + 150);
  });
});

describe('balance', () => {
  // Two vans at one depot, ten jobs in one cluster far east: the cheapest plan sends one van for all ten.
  const points: [number, number][] = [[0, 0], [0, 0], ...Array.from({ length: 10 }, (_, i): [number, number] => [100 + (i % 5) * 2, Math.floor(i / 5) * 2])];
  const jobs = Array.from({ length: 10 }, (_, i) => ({ id: `j${i}`, serviceS: 10, demand: [1] }));
  const vehicles: Vehicle[] = ['a', 'b'].map((id) => ({ id, start: { index: 0 }, end: { index: 0 }, capacity: [20] }));
  const problem = onPlane(points, jobs, vehicles);
  const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);

  it.each(['stops', 'duration'] as const)('by %s narrows the spread a cost-only plan leaves wide', (by) => {
    const plain = solve(problem, { seed: 3, maxIterations: 200 });
    const balanced = solve(problem, { seed: 3, maxIterations: 200, balance: { by, weight: 300 } });
    checkSolution(problem, plain);
    checkSolution(problem, balanced);
    expect([plain.unassigned, balanced.unassigned]).toEqual([[], []]);
    expect(stopsPerVehicle(problem, plain).sort()).toEqual([0, 10]);
    const stops = stopsPerVehicle(problem, balanced);
    const durations = problem.vehicles.map((v) => balanced.routes.find((r) => r.vehicle === v.id)?.duration ?? 0);
    const plainDurations = problem.vehicles.map((v) => plain.routes.find((r) => r.vehicle === v.id)?.duration ?? 0);
    if (by === 'stops') expect(spread(stops)).toBeLessThanOrEqual(2);
    else expect(spread(durations)).toBeLessThan(spread(plainDurations) / 2);
    // The summary reports the same spread, over all vehicles.
    expect(balanced.summary.balance?.spread).toBeCloseTo(by === 'stops' ? spread(stops) : spread(durations), 6);
  });

  // Known weakness (reported): at weight 50 a 5/5 split is the better plan by the objective itself (50 × 10 of
  // spread against about 200 of extra distance), yet the search keeps 10/0 — greedy recreate never opens the second
  // van one stop at a time (each step pays the whole trip for 50 of spread). `it.fails` turns green into a signal:
  // when the solver learns it, this fails and should become a plain test.
  it.fails('by stops at weight 50 finds the split the objective prefers', () => {
    const balanced = solve(problem, { seed: 3, maxIterations: 200, balance: { by: 'stops', weight: 50 } });
    expect(spread(stopsPerVehicle(problem, balanced))).toBeLessThanOrEqual(2);
  });
});
