/**
 * The API-to-solver mapping (src/planning/to-problem.ts): capacity vectors padded to one length — a missing demand
 * dimension counts 0, a dimension a vehicle does not list is unlimited — and windows and shifts placed on one
 * timeline of seconds since midnight UTC of the earliest time. Checked on the problem, and by what the solver does
 * with it.
 */
import { describe, expect, it } from 'vitest';
import { toProblem, type PlanningStop, type PlanningVehicle } from '../../src/planning/to-problem.js';
import { solve } from '../../src/solver/solve.js';

const stop = (id: string, over: Partial<PlanningStop> = {}): PlanningStop => ({
  id, lat: 59.43, lng: 24.75, time_windows: [], service_duration_s: 0, demand: [], priority: 5, skills: [], ...over,
});
const vehicle = (id: string, over: Partial<PlanningVehicle> = {}): PlanningVehicle => ({
  id, capacity: [], skills: [], shift: null, start: { lat: 59.437, lng: 24.7536 }, end: null, costs: {}, max_stops: null,
  speed_factor: null, ...over,
});

describe('toProblem', () => {
  it('pads demand with 0 and capacity with an unlimited amount, to the longest vector', () => {
    const { problem } = toProblem(
      [stop('a', { demand: [3] }), stop('b', { demand: [1, 7] }), stop('c')],
      [vehicle('one-dim', { capacity: [10] }), vehicle('two-dims', { capacity: [10, 5] })],
      Date.parse('2026-05-08T10:00:00Z'),
    );
    expect(problem.jobs.map((j) => j.demand)).toEqual([[3, 0], [1, 7], [0, 0]]);
    expect(problem.vehicles[0]!.capacity![0]).toBe(10);
    expect(problem.vehicles[0]!.capacity![1]).toBeGreaterThan(1e9);
    expect(problem.vehicles[1]!.capacity).toEqual([10, 5]);
  });

  it('a dimension the vehicle does not list never limits it; one it lists does', () => {
    // b needs 7 of the second dimension: the van listing only the first carries it, the one limited to 5 cannot.
    const stops = [stop('b', { demand: [1, 7] })];
    const unlimited = solve(toProblem(stops, [vehicle('one-dim', { capacity: [10] })]).problem, { seed: 1, maxIterations: 10 });
    expect(unlimited.unassigned).toEqual([]);
    const limited = solve(toProblem(stops, [vehicle('two-dims', { capacity: [10, 5] })]).problem, { seed: 1, maxIterations: 10 });
    expect(limited.unassigned).toEqual([{ job: 'b', reason: 'capacity' }]);
    // A stop with no demand fits a van of any capacity.
    expect(solve(toProblem([stop('c')], [vehicle('tiny', { capacity: [0, 0] })]).problem, { seed: 1, maxIterations: 10 }).unassigned).toEqual([]);
  });

  it('places windows and shifts on one timeline from midnight UTC of the earliest time', () => {
    const { problem, epochMs } = toProblem(
      [stop('a', { time_windows: [{ from: '2026-05-08T09:00:00+03:00', to: '2026-05-08T11:30:00+03:00' }] })],
      [vehicle('v', { shift: { from: '2026-05-08T05:00:00.000Z', to: '2026-05-08T15:00:00.000Z' } })],
    );
    expect(epochMs).toBe(Date.parse('2026-05-08T00:00:00Z'));
    expect(problem.jobs[0]!.timeWindows).toEqual([{ start: 6 * 3600, end: 8.5 * 3600 }]);
    expect(problem.vehicles[0]!.shift).toEqual({ start: 5 * 3600, end: 15 * 3600 });
    // A shift that starts the evening before (UTC) moves the epoch to that midnight; the stop's window follows.
    const early = toProblem(
      [stop('a', { time_windows: [{ from: '2026-05-08T01:00:00+03:00', to: '2026-05-08T02:00:00+03:00' }] })],
      [vehicle('v', { shift: { from: '2026-05-07T21:00:00.000Z', to: '2026-05-08T06:00:00.000Z' } })],
    );
    expect(early.epochMs).toBe(Date.parse('2026-05-07T00:00:00Z'));
    expect(early.problem.vehicles[0]!.shift).toEqual({ start: 21 * 3600, end: 30 * 3600 });
    expect(early.problem.jobs[0]!.timeWindows).toEqual([{ start: 22 * 3600, end: 23 * 3600 }]);
  });

  it('the solver keeps to the mapped shift: a stop only reachable after it ends is left out for its window', () => {
    const stops = [stop('late', { time_windows: [{ from: '2026-05-08T16:00:00Z', to: '2026-05-08T17:00:00Z' }] })];
    const v = vehicle('v', { shift: { from: '2026-05-08T06:00:00Z', to: '2026-05-08T15:00:00Z' } });
    const { problem } = toProblem(stops, [v]);
    expect(solve(problem, { seed: 1, maxIterations: 10 }).unassigned).toEqual([{ job: 'late', reason: 'time_window' }]);
    const { problem: inShift } = toProblem(stops, [{ ...v, shift: { from: '2026-05-08T06:00:00Z', to: '2026-05-08T18:00:00Z' } }]);
    const solved = solve(inShift, { seed: 1, maxIterations: 10 });
    expect(solved.unassigned).toEqual([]);
    const served = solved.routes[0]!.steps.find((s) => s.type === 'job')!;
    expect(served.service_start).toBeGreaterThanOrEqual(16 * 3600);
  });
});
