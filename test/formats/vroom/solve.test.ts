/**
 * VROOM problems solved end to end (runVroom with the in-process solver): the Milkrun solution is checked by the
 * independent checker (test/solver/checker.ts) and the VROOM answer by a client's schema and arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { readVroom, runVroom } from '../../../src/formats/vroom/run.js';
import type { Problem, Solution } from '../../../src/solver/model.js';
import { solve } from '../../../src/solver/solve.js';
import { checkSolution, type MatrixProblem } from '../../solver/checker.js';
import { checkClientArithmetic, clientSolution, type ClientSolution } from './client-schema.js';

/** Solves with a fixed iteration budget (deterministic); returns the VROOM answer and the solver's own solution. */
async function solveVroom(input: unknown): Promise<{ answer: ClientSolution; raw: unknown; problem: Problem; solution: Solution }> {
  let problem: Problem | undefined;
  let solution: Solution | undefined;
  const r = await runVroom(input, {
    plan: false,
    solve: async (p) => {
      problem = p;
      solution = solve(p, { maxIterations: 300, seed: 1, objective: 'cost' });
      return solution;
    },
  });
  if (!r.ok) throw new Error(`${r.error.path}: ${r.error.reason}`);
  return { answer: clientSolution.parse(r.value), raw: r.value, problem: problem!, solution: solution! };
}

/** A depot (0) and eight customers on a line, 60 s and 1 km apart. */
function lineMatrix(n: number, scale: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.abs(i - j) * scale));
}

function lineProblem(extra: { jobs?: object[]; vehicles?: object[] } = {}) {
  return {
    vehicles: extra.vehicles ?? [
      { id: 1, start_index: 0, end_index: 0, capacity: [15], time_window: [0, 3000], description: 'van A' },
      { id: 2, start_index: 0, end_index: 0, capacity: [15], time_window: [0, 3000], skills: [5] },
    ],
    jobs: extra.jobs ?? [
      { id: 11, location_index: 1, service: 30, delivery: [3], description: 'first' },
      { id: 12, location_index: 2, service: 30, delivery: [3], time_windows: [[600, 900]] },
      { id: 13, location_index: 3, service: 30, delivery: [3] },
      { id: 14, location_index: 4, service: 30, delivery: [3], skills: [5] },
      { id: 15, location_index: 5, service: 30, delivery: [3], priority: 10 },
      { id: 16, location_index: 6, service: 30, delivery: [3], time_windows: [[0, 400], [1200, 1500]] },
      { id: 17, location_index: 7, service: 30, delivery: [2] },
      { id: 18, location_index: 8, service: 30, delivery: [1] },
    ],
    matrices: { car: { durations: lineMatrix(9, 60), distances: lineMatrix(9, 1000) } },
  };
}

describe('VROOM solve', () => {
  it('solves a matrix problem: feasible for the checker, a VROOM client reads it, totals are the sums of legs', async () => {
    const input = lineProblem();
    const { answer, problem, solution } = await solveVroom(input);
    checkSolution(problem as MatrixProblem, solution);
    checkClientArithmetic(answer, (a, b) => input.matrices.car.durations[a]![b]!);
    expect(answer.summary.unassigned).toBe(0);
    expect(answer.summary.delivery).toEqual([21]);
    expect(answer.summary.pickup).toEqual([0]);
    expect(answer.summary.priority).toBe(10);
    expect(answer.summary.violations).toEqual([]);
    // Default costs: one unit per second of travel.
    expect(answer.summary.cost).toBe(answer.summary.duration);
    const served = answer.routes.flatMap((r) => r.steps.filter((s) => s.type === 'job').map((s) => s.id));
    expect(served.sort()).toEqual([11, 12, 13, 14, 15, 16, 17, 18]);
    // Job 14 needs skill 5: only vehicle 2 has it.
    expect(answer.routes.find((r) => r.steps.some((s) => s.id === 14))!.vehicle).toBe(2);
    for (const r of answer.routes) {
      expect(r.steps[0]!.type).toBe('start');
      expect(r.steps[r.steps.length - 1]!.type).toBe('end');
      expect(r.steps[0]!.load![0]).toBe(r.delivery![0]);
      expect(r.steps[r.steps.length - 1]!.load).toEqual([0]);
      for (const s of r.steps) expect(s.distance).toBe((s.duration / 60) * 1000);
      if (r.vehicle === 1) expect(r.description).toBe('van A');
      const job12 = r.steps.find((s) => s.id === 12);
      if (job12) expect(job12.arrival + job12.waiting_time).toBeGreaterThanOrEqual(600);
    }
    const first = answer.routes.flatMap((r) => r.steps).find((s) => s.id === 11)!;
    expect(first).toMatchObject({ description: 'first', location_index: 1, service: 30, setup: 0 });
  });

  it('reports jobs it cannot serve with VROOM’s keys and Milkrun’s reason', async () => {
    const input = lineProblem({
      jobs: [
        { id: 1, location_index: 1, delivery: [1] },
        { id: 2, location_index: 2, delivery: [1], skills: [99], description: 'fridge', location: [24.1, 59.2] },
      ],
    });
    const { answer, raw } = await solveVroom(input);
    expect(answer.unassigned).toEqual([{ id: 2, type: 'job', location: [24.1, 59.2], location_index: 2, description: 'fridge' }]);
    expect((raw as { unassigned: { reason: string }[] }).unassigned[0]!.reason).toBe('skills');
    expect(answer.summary.unassigned).toBe(1);
  });

  it('keeps the higher VROOM priority when capacity allows only one job', async () => {
    const input = lineProblem({
      vehicles: [{ id: 1, start_index: 0, end_index: 0, capacity: [1] }],
      jobs: [
        { id: 1, location_index: 1, delivery: [1], priority: 0 },
        { id: 2, location_index: 8, delivery: [1], priority: 3 },
      ],
    });
    const { answer } = await solveVroom(input);
    expect(answer.routes[0]!.steps.filter((s) => s.type === 'job').map((s) => s.id)).toEqual([2]);
    expect(answer.unassigned.map((u) => u.id)).toEqual([1]);
    expect(answer.summary.priority).toBe(3);
  });

  it('computes VROOM’s cost: fixed + per_hour × travel hours + per_km × km', async () => {
    const input = lineProblem({
      vehicles: [{ id: 1, start_index: 0, end_index: 0, costs: { fixed: 1000, per_hour: 7200, per_km: 50 } }],
      jobs: [{ id: 1, location_index: 3 }],
    });
    const { answer } = await solveVroom(input);
    const r = answer.routes[0]!;
    expect(r.duration).toBe(360);
    expect(r.distance).toBe(6000);
    expect(r.cost).toBe(1000 + 720 + 300);
  });

  it('divides travel times by speed_factor, as VROOM does', async () => {
    const input = lineProblem({ vehicles: [{ id: 1, start_index: 0, end_index: 0, speed_factor: 2 }], jobs: [{ id: 1, location_index: 4 }] });
    const { answer } = await solveVroom(input);
    expect(answer.routes[0]!.steps.map((s) => s.duration)).toEqual([0, 120, 240]);
  });

  it('leaves out load, delivery and pickup without amounts, and distance with durations only', async () => {
    const input = lineProblem({ vehicles: [{ id: 1, start_index: 0 }], jobs: [{ id: 1, location_index: 2 }, { id: 2, location_index: 5 }] });
    delete (input.matrices.car as { distances?: unknown }).distances;
    const { answer, raw } = await solveVroom(input);
    expect(answer.summary.delivery).toBeUndefined();
    expect(answer.summary.distance).toBeUndefined();
    expect(answer.routes[0]!.steps.every((s) => s.load === undefined && s.distance === undefined)).toBe(true);
    // An open end: the route stops at its last job.
    expect(answer.routes[0]!.steps.map((s) => s.type)).toEqual(['start', 'job', 'job']);
    expect((raw as { matrix_source: string }).matrix_source).toBe('matrices');
  });

  it('uses straight lines between coordinates without matrices, and says so', async () => {
    const input = {
      vehicles: [{ id: 1, start: [24.75, 59.43], end: [24.75, 59.43] }],
      jobs: [{ id: 1, location: [24.7, 59.4] }, { id: 2, location: [24.8, 59.45] }],
    };
    const { answer, raw } = await solveVroom(input);
    expect((raw as { matrix_source: string }).matrix_source).toBe('straight_line');
    checkClientArithmetic(answer);
    expect(answer.routes[0]!.steps[0]!.location).toEqual([24.75, 59.43]);
    expect(answer.summary.distance).toBeGreaterThan(5000);
  });

  it('answers VROOM’s documented custom-matrix example as VROOM’s own example solution does', async () => {
    const example = {
      vehicles: [{ id: 0, start_index: 0, end_index: 3 }],
      jobs: [{ id: 1414, location_index: 1 }, { id: 1515, location_index: 2 }],
      matrices: { car: { durations: [[0, 2104, 197, 1299], [2103, 0, 2255, 3152], [197, 2256, 0, 1102], [1299, 3153, 1102, 0]] } },
    };
    const { answer } = await solveVroom(example);
    expect(answer.summary).toMatchObject({ cost: 5461, routes: 1, unassigned: 0, duration: 5461, waiting_time: 0 });
    expect(answer.routes[0]!.steps.map((s) => [s.type, s.id, s.arrival])).toEqual([
      ['start', undefined, 0],
      ['job', 1414, 2104],
      ['job', 1515, 4359],
      ['end', undefined, 5461],
    ]);
  });

  it('solves shipments and job pickups: the checker accepts it, loads follow each step, totals are VROOM’s', async () => {
    const input = lineProblem({
      vehicles: [
        { id: 1, start_index: 0, end_index: 0, capacity: [6], time_window: [0, 5000] },
        { id: 2, start_index: 0, end_index: 0, capacity: [6], time_window: [0, 5000] },
      ],
      jobs: [
        { id: 11, location_index: 1, service: 30, delivery: [2] },
        { id: 12, location_index: 3, service: 30, delivery: [1], pickup: [2] },
      ],
    });
    const shipments = [
      { pickup: { id: 1, location_index: 2, service: 20 }, delivery: { id: 1, location_index: 6, service: 20 }, amount: [3] },
      { pickup: { id: 2, location_index: 7, description: 'shop' }, delivery: { id: 2, location_index: 4, time_windows: [[0, 4000]] }, amount: [4] },
      { pickup: { id: 3, location_index: 5 }, delivery: { id: 3, location_index: 8 }, amount: [2], priority: 50 },
    ];
    const { answer, problem, solution } = await solveVroom({ ...input, shipments });
    checkSolution(problem as MatrixProblem, solution);
    checkClientArithmetic(answer, (a, b) => input.matrices.car.durations[a]![b]!);
    expect(answer.unassigned).toEqual([]);
    expect(answer.summary.unassigned).toBe(0);
    const jobs = new Map(input.jobs.map((j) => [(j as { id: number }).id, j as { delivery?: number[]; pickup?: number[] }]));
    const amountOf = (id: number) => shipments.find((x) => x.pickup.id === id)!.amount[0]!;
    const tasks: string[] = [];
    for (const r of answer.routes) {
      // VROOM's start load is the route's job deliveries; each step then drops and collects.
      let load = r.steps.filter((s) => s.type === 'job').reduce((a, s) => a + (jobs.get(s.id!)!.delivery?.[0] ?? 0), 0);
      let delivery = 0;
      let pickup = 0;
      const picked = new Set<number>();
      for (const s of r.steps) {
        if (s.type === 'job') {
          const j = jobs.get(s.id!)!;
          load += (j.pickup?.[0] ?? 0) - (j.delivery?.[0] ?? 0);
          delivery += j.delivery?.[0] ?? 0;
          pickup += j.pickup?.[0] ?? 0;
        } else if (s.type === 'pickup') {
          load += amountOf(s.id!);
          pickup += amountOf(s.id!);
          picked.add(s.id!);
        } else if (s.type === 'delivery') {
          expect(picked.has(s.id!)).toBe(true);
          load -= amountOf(s.id!);
          delivery += amountOf(s.id!);
        }
        if (s.id !== undefined) tasks.push(`${s.type} ${s.id}`);
        expect(s.load).toEqual([load]);
        expect(load).toBeLessThanOrEqual(6);
        expect(s.violations).toEqual([]);
      }
      expect(r.delivery).toEqual([delivery]);
      expect(r.pickup).toEqual([pickup]);
    }
    expect(tasks.sort()).toEqual(['delivery 1', 'delivery 2', 'delivery 3', 'job 11', 'job 12', 'pickup 1', 'pickup 2', 'pickup 3']);
    // Jobs deliver 3 and pick up 2; the shipments' 9 count in both.
    expect(answer.summary.delivery).toEqual([12]);
    expect(answer.summary.pickup).toEqual([11]);
    // Priorities as VROOM sums them: per task, so a shipment's counts at its pickup and at its delivery.
    expect(answer.summary.priority).toBe(100);
    const shop = answer.routes.flatMap((r) => r.steps).find((s) => s.type === 'pickup' && s.id === 2)!;
    expect(shop).toMatchObject({ description: 'shop', location_index: 7 });
    const p1 = answer.routes.flatMap((r) => r.steps).find((s) => s.type === 'pickup' && s.id === 1)!;
    expect(p1.service).toBe(20);
  });

  it('lets the load rise at a job pickup, and orders the jobs so that it fits', async () => {
    const input = lineProblem({
      vehicles: [{ id: 1, start_index: 0, end_index: 0, capacity: [4] }],
      jobs: [
        { id: 1, location_index: 1, pickup: [3] },
        { id: 2, location_index: 2, delivery: [2], pickup: [1] },
      ],
    });
    const { answer, problem, solution } = await solveVroom(input);
    checkSolution(problem as MatrixProblem, solution);
    const r = answer.routes[0]!;
    // Job 1 first would carry 2 + 3 = 5 > 4: job 2 comes first, then the load rises to the capacity.
    expect(r.steps.map((s) => [s.type, s.id, s.load])).toEqual([
      ['start', undefined, [2]],
      ['job', 2, [1]],
      ['job', 1, [4]],
      ['end', undefined, [4]],
    ]);
    expect(r.delivery).toEqual([2]);
    expect(r.pickup).toEqual([4]);
    expect(answer.summary.pickup).toEqual([4]);
  });

  it('lists an unassigned shipment as VROOM does: its pickup and its delivery, with their own ids', async () => {
    const input = lineProblem({ vehicles: [{ id: 1, start_index: 0, end_index: 0 }], jobs: [{ id: 5, location_index: 1 }] });
    const { answer, raw, problem, solution } = await solveVroom({
      ...input,
      shipments: [
        { pickup: { id: 7, location_index: 2, description: 'from' }, delivery: { id: 8, location_index: 3, location: [24.1, 59.2] }, skills: [99] },
      ],
    });
    checkSolution(problem as MatrixProblem, solution);
    expect(answer.unassigned).toEqual([
      { id: 7, type: 'pickup', location_index: 2, description: 'from' },
      { id: 8, type: 'delivery', location_index: 3, location: [24.1, 59.2] },
    ]);
    expect((raw as { unassigned: { reason: string }[] }).unassigned.map((u) => u.reason)).toEqual(['skills', 'skills']);
    expect(answer.summary.unassigned).toBe(2);
  });

  it('solves the shipment problem it used to refuse (no amounts: no load keys)', async () => {
    const input = {
      vehicles: [{ id: 7, start_index: 0, end_index: 0 }],
      jobs: [{ id: 1, location_index: 1 }],
      shipments: [{ pickup: { id: 1, location_index: 1 }, delivery: { id: 1, location_index: 2 } }],
      matrices: { car: { durations: [[0, 10, 20], [10, 0, 15], [20, 15, 0]], distances: [[0, 100, 200], [100, 0, 150], [200, 150, 0]] } },
    };
    const { answer, problem, solution } = await solveVroom(input);
    checkSolution(problem as MatrixProblem, solution);
    checkClientArithmetic(answer, (a, b) => input.matrices.car.durations[a]![b]!);
    const types = answer.routes[0]!.steps.map((s) => `${s.type}${s.id ?? ''}`);
    expect(types.indexOf('pickup1')).toBeLessThan(types.indexOf('delivery1'));
    expect(types.filter((t) => t !== 'start' && t !== 'end').sort()).toEqual(['delivery1', 'job1', 'pickup1']);
    expect(answer.routes[0]!.steps.every((s) => s.load === undefined)).toBe(true);
    expect(answer.summary.delivery).toBeUndefined();
  });

  it('maps the same problem the same way every time (the reader is pure)', () => {
    const a = readVroom(lineProblem(), { plan: false });
    const b = readVroom(JSON.parse(JSON.stringify(lineProblem())), { plan: false });
    expect(a.ok && b.ok && JSON.stringify(a.value.problem.jobs) === JSON.stringify(b.value.problem.jobs)).toBe(true);
  });
});
