import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Job, Shipment, Vehicle } from '../../src/solver/model.js';
import { compileInstance, DELIVERY, PICKUP } from '../../src/solver/instance.js';
import { Proposal } from '../../src/solver/proposal.js';
import { RouteState } from '../../src/solver/route-state.js';
import { loadProfile } from '../../src/solver/schedule.js';
import { solve } from '../../src/solver/solve.js';
import { checkSolution, minimalTiming, type MatrixProblem } from './checker.js';

/** Euclidean matrices over points; travel time equals distance times `slowness`. */
function matrices(points: [number, number][], slowness = 1): MatrixProblem['matrices'] {
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
  return { size, distances, durations };
}

const depotVehicle = (id: string, extra: Partial<Vehicle> = {}): Vehicle => ({ id, start: { index: 0 }, end: { index: 0 }, ...extra });

/** Random mixed problems: jobs with deliveries and pickups, shipments, windows, capacities, skills, limits. */
const mixedArb: fc.Arbitrary<MatrixProblem> = fc
  .record({
    points: fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })), { minLength: 4, maxLength: 16 }),
    slowness: fc.double({ min: 0.5, max: 2, noNaN: true }),
    nJobs: fc.integer({ min: 0, max: 6 }),
    jobs: fc.array(
      fc.record({
        loc: fc.nat(),
        delivery: fc.integer({ min: 0, max: 6 }),
        pickup: fc.integer({ min: 0, max: 6 }),
        window: fc.option(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 10, max: 300 }))),
        service: fc.integer({ min: 0, max: 10 }),
        priority: fc.integer({ min: 0, max: 10 }),
      }),
      { minLength: 6, maxLength: 6 },
    ),
    shipments: fc.array(
      fc.record({
        from: fc.nat(),
        to: fc.nat(),
        amount: fc.integer({ min: 0, max: 9 }),
        pickupWindow: fc.option(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 10, max: 300 }))),
        deliveryWindow: fc.option(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 10, max: 300 }))),
        service: fc.integer({ min: 0, max: 10 }),
        priority: fc.integer({ min: 0, max: 10 }),
        fridge: fc.boolean(),
        named: fc.boolean(),
      }),
      { minLength: 1, maxLength: 7 },
    ),
    vehicles: fc.array(
      fc.record({
        capacity: fc.integer({ min: 5, max: 20 }),
        open: fc.boolean(),
        fridge: fc.boolean(),
        shiftEnd: fc.option(fc.integer({ min: 200, max: 900 })),
        maxStops: fc.option(fc.integer({ min: 2, max: 10 })),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ points, slowness, nJobs, jobs, shipments, vehicles }) => {
    const size = points.length;
    const at = (i: number): { index: number } => ({ index: 1 + (i % (size - 1)) });
    const win = (w: [number, number] | null) => (w ? [{ start: w[0], end: w[0] + w[1] }] : undefined);
    const js: Job[] = jobs.slice(0, nJobs).map((j, k) => ({
      id: `j${k}`, location: at(j.loc), serviceS: j.service, delivery: [j.delivery], pickup: [j.pickup],
      timeWindows: win(j.window), priority: j.priority,
    }));
    const ss: Shipment[] = shipments.map((s, k) => ({
      id: `s${k}`,
      pickup: { ...(s.named ? { id: `s${k}-p` } : {}), location: at(s.from), serviceS: s.service, timeWindows: win(s.pickupWindow) },
      delivery: { ...(s.named ? { id: `s${k}-d` } : {}), location: at(s.to), serviceS: s.service, timeWindows: win(s.deliveryWindow) },
      amount: [s.amount], priority: s.priority, skills: s.fridge ? ['fridge'] : [],
    }));
    const vs: Vehicle[] = vehicles.map((v, k) => ({
      id: `v${k}`, start: { index: 0 }, ...(v.open ? {} : { end: { index: 0 } }), capacity: [v.capacity],
      skills: v.fridge ? ['fridge'] : [],
      ...(v.shiftEnd !== null ? { shift: { start: 0, end: v.shiftEnd } } : {}),
      ...(v.maxStops !== null ? { maxStops: v.maxStops } : {}),
    }));
    return { jobs: js, shipments: ss, vehicles: vs, matrices: matrices(points, slowness) };
  });

describe('shipments', () => {
  it('serves a shipment of 8 and a pickup job of 8 on a van of 10: the load never exceeds 10', () => {
    const problem: MatrixProblem = {
      jobs: [{ id: 'collect', location: { index: 3 }, pickup: [8] }],
      shipments: [{ id: 'parcel', pickup: { location: { index: 1 } }, delivery: { location: { index: 2 } }, amount: [8] }],
      vehicles: [depotVehicle('van', { capacity: [10] })],
      matrices: matrices([[0, 0], [5, 0], [10, 0], [15, 0]]),
    };
    const solution = solve(problem, { seed: 1, maxIterations: 100 });
    checkSolution(problem, solution);
    expect(solution.unassigned).toEqual([]);
    const steps = solution.routes[0]!.steps;
    expect(steps.map((s) => `${s.type}:${s.job ?? ''}:${s.load[0]}`)).toEqual([
      'start::0', 'pickup:parcel:8', 'delivery:parcel:0', 'job:collect:8', 'end::8',
    ]);
    expect(steps[1]!.shipment).toBe('parcel');
  });

  it('serves a delivery job of 8 and a shipment of 8 on a van of 10 by dropping first', () => {
    const problem: MatrixProblem = {
      jobs: [{ id: 'drop', location: { index: 3 }, demand: [8] }],
      shipments: [{ id: 'parcel', pickup: { location: { index: 1 } }, delivery: { location: { index: 2 } }, amount: [8] }],
      vehicles: [depotVehicle('van', { capacity: [10] })],
      matrices: matrices([[0, 0], [5, 0], [10, 0], [15, 0]]),
    };
    const solution = solve(problem, { seed: 1, maxIterations: 100 });
    checkSolution(problem, solution);
    expect(solution.unassigned).toEqual([]);
    const order = solution.routes[0]!.steps.map((s) => s.type);
    expect(order.indexOf('job')).toBeLessThan(order.indexOf('pickup'));
  });

  it('leaves a shipment heavier than every vehicle unassigned whole, with reason capacity', () => {
    const problem: MatrixProblem = {
      jobs: [],
      shipments: [{ id: 'piano', pickup: { location: { index: 1 } }, delivery: { location: { index: 2 } }, amount: [12] }],
      vehicles: [depotVehicle('van', { capacity: [10] })],
      matrices: matrices([[0, 0], [5, 0], [10, 0]]),
    };
    const solution = solve(problem, { seed: 1, maxIterations: 20 });
    checkSolution(problem, solution);
    expect(solution.routes).toEqual([]);
    expect(solution.unassigned).toEqual([{ job: 'piano', shipment: 'piano', reason: 'capacity' }]);
  });

  it('finds the brute-forced optimum of a 3-shipment case', () => {
    const points: [number, number][] = [[0, 0], [10, 2], [3, 9], [-7, 6], [-4, -8], [9, -6], [1, 4]];
    const problem: MatrixProblem = {
      jobs: [],
      shipments: [
        { id: 'a', pickup: { location: { index: 1 } }, delivery: { location: { index: 4 } }, amount: [4] },
        { id: 'b', pickup: { location: { index: 2 } }, delivery: { location: { index: 5 } }, amount: [4] },
        { id: 'c', pickup: { location: { index: 3 } }, delivery: { location: { index: 6 } }, amount: [4] },
      ],
      // Capacity 8: at most two shipments aboard at once.
      vehicles: [depotVehicle('van', { capacity: [8] })],
      matrices: matrices(points),
    };
    const n = points.length;
    const d = problem.matrices.distances;
    const halves = [1, 4, 2, 5, 3, 6]; // pickup, delivery per shipment
    let best = Infinity;
    const permute = (rest: number[], prefix: number[]): void => {
      if (rest.length === 0) {
        let load = 0;
        for (const x of prefix) {
          load += halves.indexOf(x) % 2 === 0 ? 4 : -4;
          if (load > 8) return;
        }
        const tour = [0, ...prefix, 0];
        let len = 0;
        for (let k = 1; k < tour.length; k++) len += d[tour[k - 1]! * n + tour[k]!]!;
        best = Math.min(best, len);
        return;
      }
      rest.forEach((x, i) => {
        const h = halves.indexOf(x);
        if (h % 2 === 1 && !prefix.includes(halves[h - 1]!)) return; // delivery before its pickup
        permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...prefix, x]);
      });
    };
    permute(halves, []);
    const solution = solve(problem, { seed: 5, maxIterations: 300 });
    checkSolution(problem, solution);
    expect(solution.unassigned).toEqual([]);
    expect(solution.summary.distance).toBeCloseTo(best, 9);
  });

  it('returns feasible mixed solutions: shipments whole or unassigned, totals are the sum of the legs', () => {
    fc.assert(
      fc.property(mixedArb, fc.integer({ min: 1, max: 1000 }), fc.constantFrom('cost' as const, 'vehicles' as const), (problem, seed, minimize) => {
        const solution = solve(problem, { seed, minimize, maxIterations: 60 });
        checkSolution(problem, solution);
        let legs = 0;
        for (const r of solution.routes) {
          const sum = r.steps.reduce((a, s) => a + s.distance, 0);
          expect(r.distance).toBeCloseTo(sum, 6);
          legs += sum;
        }
        expect(solution.summary.distance).toBeCloseTo(legs, 6);
        const served = new Set(solution.routes.flatMap((r) => r.steps.filter((s) => s.type === 'delivery').map((s) => s.shipment!)));
        for (const s of problem.shipments ?? []) {
          const out = solution.unassigned.some((u) => u.shipment === s.id);
          expect(served.has(s.id) !== out, `shipment ${s.id} served ${served.has(s.id)} unassigned ${out}`).toBe(true);
        }
        // A shipment left out while an empty vehicle could carry it alone would be a search failure.
        const used = new Set(solution.routes.map((r) => r.vehicle));
        for (const u of solution.unassigned) {
          if (u.shipment === undefined) continue;
          const s = problem.shipments!.find((x) => x.id === u.shipment)!;
          for (const v of problem.vehicles) {
            if (used.has(v.id)) continue;
            const fits = (s.amount?.[0] ?? 0) <= (v.capacity?.[0] ?? Infinity) - 1e-4
              && (s.skills ?? []).every((k) => (v.skills ?? []).includes(k))
              && (v.maxStops ?? Infinity) >= 2
              && minimalTiming(problem, v, [s.pickup, s.delivery], -1e-4) !== null;
            expect(fits, `shipment ${s.id} fits the unused ${v.id}`).toBe(false);
          }
        }
      }),
      { numRuns: Number(process.env.SOLVER_RUNS ?? 120), seed: Number(process.env.SOLVER_SEED ?? 20261301) },
    );
  });

  it('gives the same mixed solution for the same seed', () => {
    fc.assert(
      fc.property(mixedArb, fc.integer({ min: 1, max: 1000 }), (problem, seed) => {
        const a = solve(problem, { seed, maxIterations: 40 });
        const b = solve(problem, { seed, maxIterations: 40 });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 20, seed: 13 },
    );
  });

  it('load segments concatenate to the exact load walk', () => {
    fc.assert(
      fc.property(mixedArb, fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), fc.nat(), (problem, picks, cut) => {
        const inst = compileInstance(problem, undefined);
        // A sequence of whole shipments in order and plain jobs, from the picks.
        const seq: number[] = [];
        const used = new Set<number>();
        for (const x of picks) {
          const j = x % inst.nJobs;
          if (used.has(j) || inst.jobKind[j] === DELIVERY) continue;
          used.add(j);
          if (inst.jobKind[j] === PICKUP) seq.splice(x % (seq.length + 1), 0, j, inst.jobSibling[j]!);
          else seq.splice(x % (seq.length + 1), 0, j);
        }
        const route = new RouteState(inst, 0);
        route.setJobs(seq, seq.length);
        const { start, after } = loadProfile(inst, seq, seq.length);
        const peak = Math.max(start[0] ?? 0, ...after.map((l) => l[0] ?? 0));
        expect(route.peakLoad(0)).toBeCloseTo(inst.dims > 0 ? peak : 0, 9);
        // prefix(i) ⊕ suffix(i + 1) through a proposal gives the same peak.
        const i = seq.length === 0 ? 0 : cut % (seq.length + 1);
        const p = new Proposal(inst).prefix(route, i).range(route, i + 1, route.m);
        expect(p.del[0]! + p.peak[0]!).toBeCloseTo(route.peakLoad(0), 9);
        // openAfter counts the shipments under way after each position.
        for (let k = 0; k <= seq.length; k++) {
          const open = seq.slice(0, k).filter((j) => inst.jobKind[j] === PICKUP && !seq.slice(0, k).includes(inst.jobSibling[j]!)).length;
          expect(route.openAfter[k]).toBe(open);
        }
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});
