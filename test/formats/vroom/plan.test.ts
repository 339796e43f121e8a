/**
 * Plan mode (VROOM's `-c`): each vehicle's `steps` are timed in that order by the one route timing, and every
 * broken rule is reported as VROOM's violations on the steps, the route and the summary.
 */
import { describe, expect, it } from 'vitest';
import { runVroom } from '../../../src/formats/vroom/run.js';
import { checkClientArithmetic, clientSolution, type ClientSolution } from './client-schema.js';

const durations = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => Math.abs(i - j) * 100));

async function plan(input: object): Promise<{ answer: ClientSolution; raw: Record<string, unknown> }> {
  const r = await runVroom(input, {
    plan: true,
    solve: () => {
      throw new Error('plan mode must not search');
    },
  });
  if (!r.ok) throw new Error(`${r.error.path}: ${r.error.reason}`);
  const answer = clientSolution.parse(r.value);
  checkClientArithmetic(answer, (a, b) => durations[a]![b]!);
  return { answer, raw: r.value as unknown as Record<string, unknown> };
}

const jobs = [
  { id: 1, location_index: 1, service: 10, delivery: [2] },
  { id: 2, location_index: 2, service: 10, delivery: [2], time_windows: [[0, 150]] },
  { id: 3, location_index: 3, service: 10, delivery: [2], skills: [7] },
  { id: 4, location_index: 4, service: 10, delivery: [1] },
];

describe('VROOM plan mode', () => {
  it('times exactly the given order and reports load, delay, skills and max_tasks where VROOM puts them', async () => {
    const { answer } = await plan({
      vehicles: [
        {
          id: 9,
          start_index: 0,
          end_index: 0,
          capacity: [4],
          max_tasks: 2,
          steps: [{ type: 'start' }, { type: 'job', id: 3 }, { type: 'job', id: 2 }, { type: 'job', id: 1 }, { type: 'end' }],
        },
      ],
      jobs,
      matrices: { car: { durations } },
    });
    const route = answer.routes[0]!;
    expect(route.steps.map((s) => [s.type, s.id])).toEqual([['start', undefined], ['job', 3], ['job', 2], ['job', 1], ['end', undefined]]);
    const causes = route.steps.map((s) => s.violations.map((v) => v.cause).sort());
    // Load 6 > 4 at the start only (4 after job 3): VROOM marks each step whose load is over capacity.
    expect(route.steps.map((s) => s.load)).toEqual([[6], [4], [2], [0], [0]]);
    expect(causes[0]).toEqual(['load']);
    // Job 3 needs skill 7, which the vehicle lacks.
    expect(causes[1]).toEqual(['skills']);
    // Job 2 reached at 300 + 10 + 100 = 410, its window closed at 150: 260 s late.
    const job2 = route.steps[2]!;
    expect(job2.arrival).toBe(410);
    expect(job2.violations).toContainEqual({ cause: 'delay', duration: 260 });
    // The third task of a vehicle with max_tasks 2.
    expect(causes[2]).toEqual(['delay']);
    expect(causes[3]).toEqual(['max_tasks']);
    expect(route.violations.map((v) => v.cause).sort()).toEqual(['delay', 'load', 'max_tasks', 'skills']);
    expect(answer.summary.violations).toContainEqual({ cause: 'delay', duration: 260 });
    expect(answer.unassigned.map((u) => u.id)).toEqual([4]);
  });

  it('reports a route ending after the vehicle’s time window as a delay on its end step', async () => {
    const { answer } = await plan({
      vehicles: [{ id: 1, start_index: 0, end_index: 0, time_window: [0, 500], steps: [{ type: 'job', id: 4 }] }],
      jobs: [{ id: 4, location_index: 4, service: 10 }],
      matrices: { car: { durations } },
    });
    const end = answer.routes[0]!.steps.at(-1)!;
    expect(end.type).toBe('end');
    expect(end.arrival).toBe(810);
    expect(end.violations).toEqual([{ cause: 'delay', duration: 310 }]);
  });

  it('counts job pickups in the load and reports the step where the load goes over capacity', async () => {
    const { answer } = await plan({
      vehicles: [{ id: 1, start_index: 0, end_index: 0, capacity: [3], steps: [{ type: 'job', id: 1 }, { type: 'job', id: 2 }] }],
      jobs: [
        { id: 1, location_index: 1, delivery: [0], pickup: [3] },
        { id: 2, location_index: 2, delivery: [1] },
      ],
      matrices: { car: { durations } },
    });
    const route = answer.routes[0]!;
    // Start 1 (job 2's delivery), +3 at job 1: 4 > 3; −1 at job 2: 3.
    expect(route.steps.map((s) => s.load)).toEqual([[1], [4], [3], [3]]);
    expect(route.steps.map((s) => s.violations.map((v) => v.cause))).toEqual([[], ['load'], [], []]);
    expect(route.pickup).toEqual([3]);
    expect(route.delivery).toEqual([1]);
  });

  it('reports the steps past max_distance', async () => {
    const distances = durations.map((row) => row.map((d) => d * 10));
    const r = await runVroom(
      {
        vehicles: [{ id: 1, start_index: 0, end_index: 0, max_distance: 2500, steps: [{ type: 'job', id: 1 }, { type: 'job', id: 4 }] }],
        jobs: [{ id: 1, location_index: 1 }, { id: 4, location_index: 4 }],
        matrices: { car: { durations, distances } },
      },
      { plan: true, solve: () => Promise.reject(new Error('no search in plan mode')) },
    );
    if (!r.ok) throw new Error(r.error.reason);
    const steps = clientSolution.parse(r.value).routes[0]!.steps;
    expect(steps.map((s) => s.distance)).toEqual([0, 1000, 4000, 8000]);
    expect(steps.map((s) => s.violations.map((v) => v.cause))).toEqual([[], [], ['max_distance'], ['max_distance']]);
  });

  it('gives vehicles without steps no route and says why jobs in no steps are unassigned', async () => {
    const { answer, raw } = await plan({
      vehicles: [
        { id: 1, start_index: 0, steps: [{ type: 'start' }, { type: 'job', id: 2 }] },
        { id: 2, start_index: 0 },
      ],
      jobs: [{ id: 1, location_index: 1 }, { id: 2, location_index: 2 }],
      matrices: { car: { durations } },
    });
    expect(answer.routes.map((r) => r.vehicle)).toEqual([1]);
    expect(answer.routes[0]!.violations).toEqual([]);
    expect((raw.unassigned as { id: number; reason: string }[])).toEqual([{ id: 1, type: 'job', location_index: 1, reason: 'not_in_steps' }]);
  });
});
