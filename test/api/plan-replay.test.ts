/**
 * Plans made through the API, replayed with the independent checker (test/solver/checker.ts): the request's inline
 * stops and vehicles are turned into a problem here — coordinates to great-circle matrices at the default speed,
 * ISO times to seconds, capacity as documented (a missing demand dimension is 0, one a vehicle does not list is
 * unlimited) — without src/planning, and every route of the answer must be feasible in it, with the times and
 * distances the answer states; nothing left out may fit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, Problem, Vehicle } from '../../src/solver/model.js';
import { inProcessSolver } from '../../src/planning/solver-port.js';
import { Random } from '../../src/solver/random.js';
import { fitsSomewhere, minimalRoute, onMatrices, type MatrixProblem } from '../solver/checker.js';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

const DAY = '2026-05-08';
const EPOCH_MS = Date.parse(`${DAY}T00:00:00Z`);
const seconds = (iso: string): number => (Date.parse(iso) - EPOCH_MS) / 1000;
const at = (hhmm: string): string => `${DAY}T${hhmm}:00+03:00`;

interface InlineStop {
  id: string;
  lat: number;
  lng: number;
  time_windows: { from: string; to: string }[];
  service_duration_s: number;
  demand: number[];
  skills: string[];
}
interface InlineVehicle {
  id: string;
  name: string;
  capacity: number[];
  shift: { from: string; to: string };
  start: { lat: number; lng: number };
  end?: { lat: number; lng: number };
  skills: string[];
  max_stops?: number;
}

/** A seeded request: 25 stops around Tallinn, windows on some, demand of one or two dimensions, three vans. */
function request(seed: number): { stops: InlineStop[]; vehicles: InlineVehicle[] } {
  const rng = new Random(seed);
  const stops = Array.from({ length: 25 }, (_, i): InlineStop => {
    const open = 8 + rng.int(8);
    return {
      id: `s${i}`,
      lat: 59.38 + rng.next() * 0.1,
      lng: 24.6 + rng.next() * 0.25,
      time_windows: rng.next() < 0.6 ? [{ from: at(`${String(open).padStart(2, '0')}:00`), to: at(`${String(open + 1 + rng.int(3)).padStart(2, '0')}:30`) }] : [],
      service_duration_s: 120 + rng.int(600),
      demand: rng.next() < 0.5 ? [1 + rng.int(8)] : [1 + rng.int(8), 1 + rng.int(3)],
      skills: rng.next() < 0.15 ? ['fridge'] : [],
    };
  });
  const depot = { lat: 59.437, lng: 24.7536 };
  const vehicles: InlineVehicle[] = [
    { id: 'v0', name: 'Van 0', capacity: [40, 6], shift: { from: at('08:00'), to: at('17:00') }, start: depot, end: depot, skills: ['fridge'] },
    // Lists only the first dimension: the second is unlimited for it.
    { id: 'v1', name: 'Van 1', capacity: [35], shift: { from: at('09:00'), to: at('18:00') }, start: depot, end: depot, skills: [], max_stops: 8 },
    { id: 'v2', name: 'Van 2', capacity: [30, 4], shift: { from: at('07:30'), to: at('13:00') }, start: { lat: 59.42, lng: 24.65 }, skills: [] },
  ];
  return { stops, vehicles };
}

/** The problem the request describes, built from its documented meaning only. */
function problemOf(req: { stops: InlineStop[]; vehicles: InlineVehicle[] }): MatrixProblem {
  const jobs: Job[] = req.stops.map((s) => ({
    id: s.id,
    location: { lat: s.lat, lng: s.lng },
    serviceS: s.service_duration_s,
    timeWindows: s.time_windows.map((w) => ({ start: seconds(w.from), end: seconds(w.to) })),
    demand: s.demand,
    skills: s.skills,
  }));
  const vehicles: Vehicle[] = req.vehicles.map((v) => ({
    id: v.id,
    start: v.start,
    ...(v.end && { end: v.end }),
    shift: { start: seconds(v.shift.from), end: seconds(v.shift.to) },
    capacity: v.capacity,
    skills: v.skills,
    ...(v.max_stops !== undefined && { maxStops: v.max_stops }),
  }));
  const problem: Problem = { jobs, vehicles };
  return onMatrices(problem);
}

interface PlannedStop {
  stop_id: string;
  planned_arrival: string;
  service_start: string;
  departure: string;
  distance_m: number;
}
interface PlanAnswer {
  routes: { vehicle_id: string; stops: PlannedStop[]; distance_m: number; start_time: string | null; end_time: string | null }[];
  unassigned: { stop_id: string; reason: string }[];
}

/** Replays the answer in the problem; throws on the first disagreement. */
function replay(p: MatrixProblem, answer: PlanAnswer): void {
  const jobIndex = new Map(p.jobs.map((j, i) => [j.id, i]));
  const seen = new Set<string>();
  const sequences = new Map<string, number[]>();
  const n = p.matrices.size;
  const locOf = (l: Job['location'] | undefined): number => (l && 'index' in l ? l.index : -1);
  for (const route of answer.routes) {
    const v = p.vehicles.find((x) => x.id === route.vehicle_id)!;
    expect(v, route.vehicle_id).toBeDefined();
    const seq = route.stops.map((s) => jobIndex.get(s.stop_id)!);
    sequences.set(v.id, seq);
    expect(minimalRoute(p, v, seq, 1e-2), `route of ${v.id} is infeasible`).not.toBeNull();
    let here = locOf(v.start);
    let clock = seconds(route.start_time!);
    expect(clock).toBeGreaterThanOrEqual(v.shift!.start - 1e-3);
    for (const s of route.stops) {
      expect(seen.has(s.stop_id), `${s.stop_id} served twice`).toBe(false);
      seen.add(s.stop_id);
      const job = p.jobs[jobIndex.get(s.stop_id)!]!;
      const there = locOf(job.location);
      const leg = { dist: p.matrices.distances[here * n + there]!, dur: p.matrices.durations[here * n + there]! };
      expect(s.distance_m).toBeCloseTo(leg.dist, 0);
      expect(Math.abs(seconds(s.planned_arrival) - (clock + leg.dur))).toBeLessThan(0.01);
      const start = seconds(s.service_start);
      expect(start).toBeGreaterThanOrEqual(seconds(s.planned_arrival) - 1e-3);
      const windows = job.timeWindows ?? [];
      expect(windows.length === 0 || windows.some((w) => start >= w.start - 1e-3 && start <= w.end + 1e-3), `${s.stop_id} outside its window`).toBe(true);
      expect(Math.abs(seconds(s.departure) - (start + (job.serviceS ?? 0)))).toBeLessThan(0.01);
      clock = seconds(s.departure);
      here = there;
    }
    // end_time is documented as reaching the end, or the arrival at the last stop on an open end (from-solution.ts).
    const last = route.stops.at(-1)!;
    const expectedEnd = v.end ? clock + p.matrices.durations[here * n + locOf(v.end)]! : seconds(last.planned_arrival);
    expect(Math.abs(seconds(route.end_time!) - expectedEnd)).toBeLessThan(0.01);
    expect(seconds(route.end_time!)).toBeLessThanOrEqual(v.shift!.end + 1e-3);
  }
  for (const u of answer.unassigned) {
    expect(seen.has(u.stop_id), `${u.stop_id} both served and unassigned`).toBe(false);
    seen.add(u.stop_id);
    expect(fitsSomewhere(p, sequences, jobIndex.get(u.stop_id)!), `${u.stop_id} fits but is unassigned`).toBe(false);
  }
  expect([...seen].sort()).toEqual(p.jobs.map((j) => j.id).sort());
}

describe('plans made through the API, replayed with the independent checker', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await makeApp({}, { solver: inProcessSolver() });
    api = client(t.app, orgWithToken(t.db, 'Acme').token);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it.each([1, 2, 3, 4])('request %i: every route is feasible with the times and distances it states', async (seed) => {
    const req = request(seed);
    const res = await api('POST', '/api/v1/routes/plan', { ...req, options: { time_limit_s: 0.3 } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const answer = res.data as PlanAnswer;
    expect(answer.routes.length).toBeGreaterThan(0);
    replay(problemOf(req), answer);
  });
});
