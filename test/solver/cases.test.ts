import { describe, expect, it } from 'vitest';
import { insertLeftovers } from '../../src/solver/finalize.js';
import { compileInstance } from '../../src/solver/instance.js';
import type { Job, Problem, Vehicle } from '../../src/solver/model.js';
import { Evaluator } from '../../src/solver/objective.js';
import { Proposal } from '../../src/solver/proposal.js';
import { SolutionState } from '../../src/solver/solution-state.js';
import { solve } from '../../src/solver/solve.js';
import { checkSolution, type MatrixProblem } from './checker.js';

/** Euclidean matrices over points; travel time equals distance. */
function onPoints(points: [number, number][], jobs: Omit<Job, 'location'>[], vehicles: Vehicle[]): MatrixProblem {
  const size = points.length;
  const d = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) d[i * size + j] = Math.hypot(points[i]![0] - points[j]![0], points[i]![1] - points[j]![1]);
  return {
    jobs: jobs.map((j, i) => ({ ...j, location: { index: i + 1 } })),
    vehicles,
    matrices: { size, durations: d, distances: d },
  };
}

const depotVehicle = (id: string, extra: Partial<Vehicle> = {}): Vehicle => ({ id, start: { index: 0 }, end: { index: 0 }, ...extra });
const served = (s: ReturnType<typeof solve>): string[] =>
  s.routes.flatMap((r) => r.steps.filter((x) => x.type === 'job').map((x) => x.job!)).sort();

describe('hand-checkable cases', () => {
  it('finds the optimum of a 5-stop tour (checked by brute force)', () => {
    const points: [number, number][] = [[0, 0], [10, 3], [4, 9], [-6, 7], [-3, -8], [8, -5]];
    const problem = onPoints(points, points.slice(1).map((_, i) => ({ id: `s${i + 1}` })), [depotVehicle('van')]);
    const n = points.length;
    const d = problem.matrices.distances;
    let best = Infinity;
    const permute = (rest: number[], prefix: number[]): void => {
      if (rest.length === 0) {
        const tour = [0, ...prefix, 0];
        let len = 0;
        for (let k = 1; k < tour.length; k++) len += d[tour[k - 1]! * n + tour[k]!]!;
        best = Math.min(best, len);
        return;
      }
      rest.forEach((x, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...prefix, x]));
    };
    permute([1, 2, 3, 4, 5], []);
    const solution = solve(problem, { seed: 3, maxIterations: 200 });
    checkSolution(problem, solution);
    expect(solution.unassigned).toEqual([]);
    expect(solution.summary.distance).toBeCloseTo(best, 9);
  });

  it('splits jobs into two routes when one vehicle cannot carry them all', () => {
    const problem = onPoints(
      [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0]],
      [1, 2, 3, 4].map((i) => ({ id: `j${i}`, demand: [5] })),
      [depotVehicle('a', { capacity: [10] }), depotVehicle('b', { capacity: [10] })],
    );
    const solution = solve(problem, { seed: 1, maxIterations: 100 });
    checkSolution(problem, solution);
    expect(solution.unassigned).toEqual([]);
    expect(solution.routes).toHaveLength(2);
    for (const r of solution.routes) {
      expect(r.steps[0]!.load).toEqual([10]);
      expect(r.steps.filter((s) => s.type === 'job')).toHaveLength(2);
    }
  });

  it('serves a pickup of 8 and a delivery of 8 on a van of 10 (the load never exceeds 10)', () => {
    const problem = onPoints(
      [[0, 0], [5, 0], [10, 0]],
      [{ id: 'drop', delivery: [8] }, { id: 'collect', pickup: [8] }],
      [depotVehicle('van', { capacity: [10] })],
    );
    const solution = solve(problem, { seed: 1, maxIterations: 50 });
    checkSolution(problem, solution);
    expect(solution.unassigned).toEqual([]);
    const steps = solution.routes[0]!.steps;
    expect(steps.map((s) => s.job ?? s.type)).toEqual(['start', 'drop', 'collect', 'end']);
    expect(steps.map((s) => s.load[0])).toEqual([8, 0, 8, 8]);
    // The other order would carry 16: it is not chosen even though it is no longer.
    const reversed = onPoints([[0, 0], [10, 0], [5, 0]], [{ id: 'drop', delivery: [8] }, { id: 'collect', pickup: [8] }], [depotVehicle('van', { capacity: [10] })]);
    const r = solve(reversed, { seed: 1, maxIterations: 50 });
    checkSolution(reversed, r);
    expect(r.unassigned).toEqual([]);
    expect(r.routes[0]!.steps.map((s) => s.job ?? s.type)).toEqual(['start', 'drop', 'collect', 'end']);
  });

  it('reports a job whose window cannot be reached as time_window', () => {
    const problem = onPoints(
      [[0, 0], [10, 0], [3, 0]],
      [{ id: 'late', timeWindows: [{ start: 0, end: 5 }] }, { id: 'fine' }],
      [depotVehicle('van', { shift: { start: 0, end: 100 } })],
    );
    const solution = solve(problem, { seed: 1, maxIterations: 50 });
    checkSolution(problem, solution);
    expect(solution.unassigned).toEqual([{ job: 'late', reason: 'time_window' }]);
    expect(served(solution)).toEqual(['fine']);
  });

  it('drops the lowest priorities first when the fleet is too small', () => {
    const problem = onPoints(
      [[0, 0], [1, 0], [2, 0], [3, 0], [40, 0], [50, 0]],
      [1, 2, 3, 9, 10].map((p, i) => ({ id: `p${p}`, demand: [1], priority: p, serviceS: i })),
      [depotVehicle('van', { capacity: [3] })],
    );
    const solution = solve(problem, { seed: 1, maxIterations: 100 });
    checkSolution(problem, solution);
    expect(served(solution)).toEqual(['p10', 'p3', 'p9']);
    expect(solution.unassigned.map((u) => [u.job, u.reason]).sort()).toEqual([['p1', 'no_vehicle'], ['p2', 'no_vehicle']]);
  });

  it('never drops a higher-priority job to serve several lower ones', () => {
    const problem = onPoints(
      [[0, 0], [90, 0], [1, 0], [2, 0]],
      [{ id: 'big', demand: [2], priority: 10 }, { id: 'small1', demand: [1], priority: 6 }, { id: 'small2', demand: [1], priority: 6 }],
      [depotVehicle('van', { capacity: [2] })],
    );
    const solution = solve(problem, { seed: 1, maxIterations: 100 });
    expect(served(solution)).toEqual(['big']);
    expect(solution.summary.priority).toBe(10);
  });

  it('finalize inserts a job that a naive solution left out although it fits', () => {
    // Job b fits only between a and c (its window sits between theirs); the naive solution leaves it out.
    const problem = onPoints(
      [[0, 0], [10, 0], [20, 0], [30, 0]],
      [
        { id: 'a', timeWindows: [{ start: 10, end: 12 }] },
        { id: 'b', timeWindows: [{ start: 20, end: 22 }] },
        { id: 'c', timeWindows: [{ start: 30, end: 32 }] },
      ],
      [depotVehicle('van', { shift: { start: 0, end: 100 } })],
    );
    const inst = compileInstance(problem, undefined);
    const sol = new SolutionState(inst, new Evaluator(inst, 'cost', undefined));
    sol.setRoute(0, [0, 2], 2);
    expect(sol.jobRoute[1]).toBe(-1);
    insertLeftovers(sol, new Proposal(inst));
    expect(Array.from(sol.routes[0]!.jobs.subarray(0, sol.routes[0]!.m))).toEqual([0, 1, 2]);
  });

  it('balance by stops evens out the routes', () => {
    const points: [number, number][] = [[0, 0], ...Array.from({ length: 6 }, (_, i): [number, number] => [50 + i, 0])];
    const jobs = points.slice(1).map((_, i) => ({ id: `j${i}` }));
    const problem = onPoints(points, jobs, [depotVehicle('a'), depotVehicle('b')]);
    const plain = solve(problem, { seed: 1, maxIterations: 100 });
    const balanced = solve(problem, { seed: 1, maxIterations: 100, balance: { weight: 100, by: 'stops' } });
    checkSolution(problem, plain);
    checkSolution(problem, balanced);
    const stops = (s: typeof plain): number[] => s.routes.map((r) => r.steps.filter((x) => x.type === 'job').length);
    expect(stops(plain)).toEqual([6]);
    expect(stops(balanced)).toEqual([3, 3]);
    expect(balanced.summary.balance).toEqual({ by: 'stops', max: 3, min: 3, spread: 0 });
    expect(balanced.routes.map((r) => r.share)).toEqual([0.5, 0.5]);
  });

  it('reports skills, capacity and unreachable reasons', () => {
    const size = 4;
    const d = new Float64Array(size * size).fill(1);
    for (let i = 0; i < size; i++) {
      d[i * size + i] = 0;
      d[i * size + 3] = Infinity;
      d[3 * size + i] = Infinity;
    }
    d[3 * size + 3] = 0;
    const problem: MatrixProblem = {
      jobs: [
        { id: 'needs-lift', location: { index: 1 }, skills: ['lift'] },
        { id: 'too-heavy', location: { index: 2 }, demand: [50] },
        { id: 'island', location: { index: 3 } },
      ],
      vehicles: [depotVehicle('van', { capacity: [10] })],
      matrices: { size, durations: d, distances: d },
    };
    const solution = solve(problem, { seed: 1, maxIterations: 20 });
    checkSolution(problem, solution);
    expect(solution.unassigned).toEqual([
      { job: 'needs-lift', reason: 'skills' },
      { job: 'too-heavy', reason: 'capacity' },
      { job: 'island', reason: 'unreachable' },
    ]);
  });

  it('derives haversine distances and durations from coordinates', () => {
    const problem: Problem = {
      jobs: [{ id: 'north', location: { lat: 52.01, lng: 4.3 } }],
      vehicles: [{ id: 'van', start: { lat: 52.0, lng: 4.3 }, end: { lat: 52.0, lng: 4.3 } }],
      averageSpeedKmh: 36,
    };
    const solution = solve(problem, { seed: 1, maxIterations: 5 });
    const leg = solution.routes[0]!.steps[1]!;
    expect(leg.distance).toBeCloseTo(1111.95, 1);
    expect(leg.duration).toBeCloseTo(leg.distance / 10, 6);
    expect(solution.summary.distance).toBeCloseTo(2 * leg.distance, 6);
  });

  it('honours open routes and speed factors', () => {
    const problem = onPoints(
      [[0, 0], [10, 0], [20, 0]],
      [{ id: 'a' }, { id: 'b' }],
      [{ id: 'slow', start: { index: 0 }, speedFactor: 2, shift: { start: 0, end: 1000 } }],
    );
    const solution = solve(problem, { seed: 1, maxIterations: 20 });
    checkSolution(problem, solution);
    const steps = solution.routes[0]!.steps;
    expect(steps.map((s) => s.type)).toEqual(['start', 'job', 'job']);
    expect(steps[2]!.arrival).toBeCloseTo(40, 9);
    expect(solution.summary.distance).toBeCloseTo(20, 9);
  });

  it('handles an empty fleet and an empty job list', () => {
    const noFleet = onPoints([[0, 0], [1, 1]], [{ id: 'a' }], []);
    expect(solve(noFleet, { seed: 1 })).toMatchObject({ routes: [], unassigned: [{ job: 'a', reason: 'no_vehicle' }] });
    const noJobs = onPoints([[0, 0]], [], [depotVehicle('van')]);
    expect(solve(noJobs, { seed: 1 })).toMatchObject({ routes: [], unassigned: [], summary: { vehicles: 0, distance: 0 } });
  });

  it('reports max_stops, max_duration and max_distance when no vehicle could serve a job even alone', () => {
    const problem = onPoints(
      [[0, 0], [30, 0], [0, 40], [0, 2]],
      [{ id: 'far', serviceS: 0 }, { id: 'long', serviceS: 500 }, { id: 'near' }],
      [depotVehicle('van', { maxDistanceM: 70, maxDurationS: 200 })],
    );
    const solution = solve(problem, { seed: 1, maxIterations: 20 });
    checkSolution(problem, solution);
    expect(solution.unassigned).toEqual([{ job: 'long', reason: 'max_duration' }]);
    const tooFar = onPoints([[0, 0], [50, 0]], [{ id: 'x' }], [depotVehicle('van', { maxDistanceM: 70 })]);
    expect(solve(tooFar, { seed: 1 }).unassigned).toEqual([{ job: 'x', reason: 'max_distance' }]);
    const noStops = onPoints([[0, 0], [5, 0]], [{ id: 'y' }], [depotVehicle('van', { maxStops: 0 })]);
    expect(solve(noStops, { seed: 1 }).unassigned).toEqual([{ job: 'y', reason: 'max_stops' }]);
  });

  it('prices routes by the vehicles\' cost terms with objective cost', () => {
    const problem = onPoints(
      [[0, 0], [10, 0]],
      [{ id: 'a', serviceS: 1780 }],
      [depotVehicle('van', { fixedCost: 100, costPerHour: 36, costPerKm: 500 })],
    );
    const solution = solve(problem, { seed: 1, maxIterations: 5 });
    // 100 fixed + 36 per hour × (20 travel + 1780 service = 1800 s) + 500 per km × 20 m.
    expect(solution.routes[0]!.cost).toBeCloseTo(100 + 18 + 10, 9);
    expect(solution.summary.cost).toBeCloseTo(128, 9);
  });

  it('stops when asked, reports progress, and still returns a complete feasible solution', () => {
    const points: [number, number][] = [[0, 0], ...Array.from({ length: 20 }, (_, i): [number, number] => [(i * 37) % 50, (i * 23) % 40])];
    const problem = onPoints(points, points.slice(1).map((_, i) => ({ id: `j${i}`, demand: [1] })), [
      depotVehicle('a', { capacity: [8] }), depotVehicle('b', { capacity: [8] }), depotVehicle('c', { capacity: [8] }),
    ]);
    let polls = 0;
    const stopped = solve(problem, { seed: 1, maxIterations: 100_000, shouldStop: () => ++polls > 50 });
    checkSolution(problem, stopped);
    expect(stopped.summary.unassigned).toBe(0);
    expect(stopped.summary.iterations).toBeLessThan(100);

    const fractions: number[] = [];
    const full = solve(problem, { seed: 1, maxIterations: 600, onProgress: (p) => fractions.push(p.fraction) });
    checkSolution(problem, full);
    expect(fractions.length).toBe(2);
    expect(fractions[0]).toBeLessThan(fractions[1]!);
    expect(full.summary.iterations).toBe(600);
  });
});
