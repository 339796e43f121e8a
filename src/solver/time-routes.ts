/**
 * Plan mode: time routes in an order the caller fixed (a planner's hand order, a route under way), without
 * searching. Every broken rule is reported as a violation instead of refusing the route, and the times come from
 * the one route timing (route-timeline.ts), so they match what `solve` would say about the same order.
 */
import { compileInstance } from './instance.js';
import type { Problem } from './model.js';
import { routeTimeline } from './route-timeline.js';
import { firstOverload } from './schedule.js';

export interface FixedRoute {
  /** Vehicle id of the problem. */
  vehicle: string;
  /** Job ids in visiting order. */
  jobs: string[];
  /** Leave the start at this time (problem seconds) instead of as late as the windows allow. */
  departAtS?: number;
}

export type ViolationType = 'time_window' | 'shift_end' | 'capacity' | 'max_stops' | 'skills';

export interface RouteViolation {
  type: ViolationType;
  /** The job concerned (time_window, skills, and the first job where the load goes over capacity). */
  job?: string;
  /** How late, seconds (time_window: after the window's end; shift_end: after the shift's end). */
  lateByS?: number;
  /** The bound that was missed, problem seconds (window or shift end). */
  deadline?: number;
}

export interface TimedStep {
  job: string;
  arrival: number;
  waiting: number;
  serviceStart: number;
  departure: number;
  legDistance: number;
  legDurationS: number;
}

export interface TimedRoute {
  vehicle: string;
  departureS: number;
  endS: number;
  durationS: number;
  distance: number;
  steps: TimedStep[];
  violations: RouteViolation[];
}

/** Times each fixed route of `problem`; unknown vehicle or job ids throw (the caller built the problem). */
export function timeRoutes(problem: Problem, routes: readonly FixedRoute[]): TimedRoute[] {
  const inst = compileInstance(problem, undefined);
  const jobIndex = new Map(problem.jobs.map((j, i) => [j.id, i]));
  const vehicleIndex = new Map(problem.vehicles.map((v, i) => [v.id, i]));
  return routes.map((r) => {
    const v = vehicleIndex.get(r.vehicle);
    if (v === undefined) throw new Error(`timeRoutes: unknown vehicle ${r.vehicle}`);
    const seq = Int32Array.from(r.jobs, (id) => {
      const j = jobIndex.get(id);
      if (j === undefined) throw new Error(`timeRoutes: unknown job ${id}`);
      return j;
    });
    const timeline = routeTimeline(inst, v, seq, seq.length, r.departAtS);
    const violations: RouteViolation[] = [];
    for (const s of timeline.steps) {
      if (s.lateByS > 0) violations.push({ type: 'time_window', job: problem.jobs[s.job]!.id, lateByS: s.lateByS, deadline: s.windowEnd });
      if (inst.compat[v * inst.nJobs + s.job] === 0) violations.push({ type: 'skills', job: problem.jobs[s.job]!.id });
    }
    if (timeline.shiftLateByS > 0) {
      violations.push({ type: 'shift_end', lateByS: timeline.shiftLateByS, deadline: inst.vehShiftEnd[v]! });
    }
    const over = firstOverload(inst, v, seq, seq.length);
    if (over >= 0) violations.push({ type: 'capacity', job: problem.jobs[seq[over]!]!.id });
    if (seq.length > inst.vehMaxStops[v]!) violations.push({ type: 'max_stops' });
    return {
      vehicle: r.vehicle,
      departureS: timeline.departureS,
      endS: timeline.endS,
      durationS: timeline.durationS,
      distance: timeline.distance,
      steps: timeline.steps.map((s) => ({
        job: problem.jobs[s.job]!.id,
        arrival: s.arrival,
        waiting: s.waiting,
        serviceStart: s.serviceStart,
        departure: s.departure,
        legDistance: s.legDistance,
        legDurationS: s.legDurationS,
      })),
      violations,
    };
  });
}
