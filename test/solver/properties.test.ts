import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Job, Vehicle } from '../../src/solver/model.js';
import { solve } from '../../src/solver/solve.js';
import {
  checkSolution,
  fitsSomewhere,
  priorityViolation,
  reasonBroken,
  REASONS,
  servableAlone,
  type MatrixProblem,
} from './checker.js';

const SKILLS = ['fridge', 'lift'];

/**
 * Random problems on caller matrices: windows (sometimes two), capacities, skills, limits (a vehicle may take no stop
 * at all, so `max_stops` occurs), open routes. Up to `maxJobs` jobs (12 for the quick suite) and `maxVehicles`.
 */
const problemArbOf = (maxJobs: number, maxVehicles: number, minJobs = 2): fc.Arbitrary<MatrixProblem> => fc
  .record({
    points: fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })), {
      minLength: minJobs + 1,
      maxLength: maxJobs + 1,
      // fast-check keeps arrays short by default (size 'small'); the larger suite wants its whole range.
      size: maxJobs > 12 ? 'max' : 'small',
    }),
    slowness: fc.double({ min: 0.5, max: 2, noNaN: true }),
    dims: fc.integer({ min: 1, max: 2 }),
    seedJobs: fc.array(
      fc.record({
        service: fc.integer({ min: 0, max: 15 }),
        windows: fc.integer({ min: 0, max: 2 }),
        a: fc.integer({ min: 0, max: 300 }),
        width: fc.integer({ min: 5, max: 200 }),
        gap: fc.integer({ min: 10, max: 100 }),
        demand: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 2 }),
        priority: fc.integer({ min: 0, max: 10 }),
        skill: fc.integer({ min: 0, max: 5 }),
      }),
      { minLength: maxJobs, maxLength: maxJobs },
    ),
    vehicles: fc.array(
      fc.record({
        hasStart: fc.boolean(),
        hasEnd: fc.boolean(),
        startLoc: fc.nat(),
        endLoc: fc.nat(),
        shift: fc.option(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 150, max: 800 }))),
        capacity: fc.array(fc.integer({ min: 3, max: 25 }), { minLength: 2, maxLength: 2 }),
        skills: fc.subarray(SKILLS),
        maxStops: fc.option(fc.integer({ min: 0, max: Math.max(8, Math.ceil(maxJobs / 2)) })),
        maxDurationS: fc.option(fc.integer({ min: 50, max: 600 })),
        maxDistanceM: fc.option(fc.integer({ min: 50, max: 500 })),
        speedFactor: fc.option(fc.double({ min: 0.8, max: 1.5, noNaN: true })),
        fixedCost: fc.option(fc.integer({ min: 0, max: 100 })),
        costPerKm: fc.option(fc.integer({ min: 0, max: 100 })),
        costPerHour: fc.option(fc.integer({ min: 0, max: 100 })),
      }),
      { minLength: 1, maxLength: maxVehicles },
    ),
  })
  .map(({ points, slowness, dims, seedJobs, vehicles }) => {
    const size = points.length;
    const distances = new Float64Array(size * size);
    const durations = new Float64Array(size * size);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const d = Math.hypot(points[i]![0] - points[j]![0], points[i]![1] - points[j]![1]);
        distances[i * size + j] = d;
        durations[i * size + j] = d * slowness;
      }
    }
    const jobs: Job[] = [];
    for (let i = 1; i < size; i++) {
      const s = seedJobs[i - 1]!;
      const windows =
        s.windows === 0 ? undefined
        : s.windows === 1 ? [{ start: s.a, end: s.a + s.width }]
        : [{ start: s.a, end: s.a + s.width }, { start: s.a + s.width + s.gap, end: s.a + 2 * s.width + s.gap }];
      jobs.push({
        id: `j${i}`, location: { index: i }, serviceS: s.service, timeWindows: windows, demand: s.demand.slice(0, dims),
        priority: s.priority, skills: s.skill < SKILLS.length ? [SKILLS[s.skill]!] : [],
      });
    }
    const vs: Vehicle[] = vehicles.map((v, k) => ({
      id: `v${k}`,
      ...(v.hasStart ? { start: { index: v.startLoc % size } } : {}),
      ...(v.hasEnd ? { end: { index: v.endLoc % size } } : {}),
      ...(v.shift ? { shift: { start: v.shift[0], end: v.shift[1] } } : {}),
      capacity: v.capacity.slice(0, dims), skills: v.skills,
      ...(v.maxStops !== null ? { maxStops: v.maxStops } : {}),
      ...(v.maxDurationS !== null ? { maxDurationS: v.maxDurationS } : {}),
      ...(v.maxDistanceM !== null ? { maxDistanceM: v.maxDistanceM } : {}),
      ...(v.speedFactor !== null ? { speedFactor: v.speedFactor } : {}),
      ...(v.fixedCost !== null ? { fixedCost: v.fixedCost } : {}),
      ...(v.costPerKm !== null ? { costPerKm: v.costPerKm } : {}),
      ...(v.costPerHour !== null ? { costPerHour: v.costPerHour } : {}),
    }));
    return { jobs, vehicles: vs, matrices: { size, durations, distances } };
  });
const problemArb = problemArbOf(12, 3);

const optionsArb = fc.record({
  seed: fc.integer({ min: 1, max: 1000 }),
  minimize: fc.constantFrom('cost' as const, 'vehicles' as const),
  objective: fc.constantFrom('distance' as const, 'duration' as const, 'cost' as const),
  balance: fc.option(fc.record({ weight: fc.constantFrom(0.5, 5), by: fc.constantFrom('duration' as const, 'stops' as const) })),
});

/** Every property of one solution: feasible, nothing lost, nothing left out that fits, priorities, reasons. */
type Options = typeof optionsArb extends fc.Arbitrary<infer T> ? T : never;

function checkProperties(problem: MatrixProblem, o: Options, maxIterations: number, seen?: Set<string>, swaps = true): void {
  const solution = solve(problem, {
    seed: o.seed, minimize: o.minimize, objective: o.objective, maxIterations,
    ...(o.balance ? { balance: o.balance } : {}),
  });
  const sequences = checkSolution(problem, solution);
  const unassigned = solution.unassigned.map((u) => problem.jobs.findIndex((j) => j.id === u.job));
  for (const u of solution.unassigned) {
    const i = problem.jobs.findIndex((j) => j.id === u.job);
    seen?.add(u.reason);
    expect(REASONS).toContain(u.reason);
    expect(fitsSomewhere(problem, sequences, i), `job ${u.job} fits but is unassigned`).toBe(false);
    if (u.reason !== 'no_vehicle') expect(servableAlone(problem, i), `job ${u.job}: ${u.reason}`).toBe(false);
    expect(reasonBroken(problem, i, u.reason), `job ${u.job}: ${u.reason}`).toBeNull();
  }
  // Priority: no served job of lower priority could make room for an unassigned one.
  if (swaps) expect(priorityViolation(problem, sequences, unassigned)).toBeNull();
  expect(solution.summary.priority).toBe(
    solution.routes.reduce((a, r) => a + r.steps.filter((s) => s.type === 'job').reduce((b, s) => {
      const p = problem.jobs.find((j) => j.id === s.job)!.priority ?? 0;
      return b + (p === 0 ? 5 : p);
    }, 0), 0),
  );
}

describe('solver properties on random small problems', () => {
  it('returns feasible solutions that lose no job, leave out nothing that fits, keep priorities and give true reasons', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(problemArb, optionsArb, (problem, o) => checkProperties(problem, o, 60, seen)),
      { numRuns: Number(process.env.SOLVER_RUNS ?? 150), seed: Number(process.env.SOLVER_SEED ?? 20261124) },
    );
    // The generator reaches the reasons it is meant to exercise.
    for (const reason of ['capacity', 'time_window', 'skills', 'max_stops']) expect([...seen]).toContain(reason);
  });

  it('gives the same solution for the same seed', () => {
    fc.assert(
      fc.property(problemArb, fc.integer({ min: 1, max: 1000 }), (problem, seed) => {
        const a = solve(problem, { seed, maxIterations: 40 });
        const b = solve(problem, { seed, maxIterations: 40 });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 25, seed: 7 },
    );
  });
});

describe('solver properties on larger random problems (slower: up to 100 jobs, fewer runs)', () => {
  const large = problemArbOf(100, 6, 30);
  const runs = { numRuns: Number(process.env.SOLVER_LARGE_RUNS ?? 20), seed: Number(process.env.SOLVER_SEED ?? 20261124) };

  it('keeps every property but the priority swap with 30 to 100 jobs and up to 6 vehicles', { timeout: 120_000 }, () => {
    // endOnFailure: shrinking a 100-job counterexample takes minutes; the first one is reported as found.
    fc.assert(fc.property(large, optionsArb, (problem, o) => checkProperties(problem, o, 30, undefined, false)), {
      ...runs,
      endOnFailure: true,
    });
  });

  // On larger problems the search alone could leave out a job although dropping one of lower priority from a route
  // would make room for it (first found: seed 20261124, run 16, 74 jobs, minimize vehicles: "j8 (priority 3) could
  // replace j16 (priority 1) on v5"); the final priority swap (src/solver/priority-swap.ts) closes it.
  it('no served job of lower priority could make room for an unassigned one, on larger problems', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(large, optionsArb, (problem, o) => {
        const solution = solve(problem, {
          seed: o.seed, minimize: o.minimize, objective: o.objective, maxIterations: 30,
          ...(o.balance ? { balance: o.balance } : {}),
        });
        const sequences = checkSolution(problem, solution);
        const unassigned = solution.unassigned.map((u) => problem.jobs.findIndex((j) => j.id === u.job));
        expect(priorityViolation(problem, sequences, unassigned)).toBeNull();
      }),
      { ...runs, endOnFailure: true },
    );
  });
});
