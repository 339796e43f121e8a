import { timeRoutes, type RouteViolation } from '../solver/time-routes.js';
import { round1, type PlannedStop } from './from-solution.js';
import { toProblem, type PlanningStop, type PlanningVehicle } from './to-problem.js';

/** A rule the route in its current order breaks; the stop is still served (late, overloaded...). */
export interface RouteViolationOut {
  type: RouteViolation['type'];
  /** The stop concerned; null for a rule of the whole route (shift end, stop count). */
  stop_id: string | null;
  /** The missed bound (window end, shift end), ISO; null when the rule has no time. */
  window_end: string | null;
  planned_arrival: string | null;
  late_by_s: number | null;
  /** For people: what is wrong. */
  reason: string;
}

export interface ScheduledRoute {
  stops: PlannedStop[];
  distance_m: number;
  duration_s: number;
  /** When the vehicle leaves its start (or the first stop on an open start) and reaches its end, ISO. */
  start_time: string | null;
  end_time: string | null;
  violations: RouteViolationOut[];
}

const REASONS: Record<RouteViolation['type'], string> = {
  time_window: 'arrives after every time window of the stop has closed',
  shift_end: "the route ends after the vehicle's shift",
  capacity: 'the load no longer fits in the vehicle from this stop on',
  max_stops: 'the route has more stops than the vehicle may take',
  skills: 'the vehicle lacks a skill the stop needs',
};

/**
 * Times a route in the given order without changing it, with the solver's one route timing (plan mode): the
 * vehicle leaves as late as the first windows allow, or at `departAtMs` for a route under way. Broken rules come
 * back as violations (the stop is served anyway), which is what a planner reordering by hand needs to see.
 */
export function scheduleRoute(stops: readonly PlanningStop[], vehicle: PlanningVehicle, departAtMs?: number): ScheduledRoute {
  if (stops.length === 0) {
    return { stops: [], distance_m: 0, duration_s: 0, start_time: null, end_time: null, violations: [] };
  }
  const single: PlanningVehicle = { ...vehicle, id: 'route' };
  const { problem, epochMs } = toProblem(stops, [single], departAtMs);
  const iso = (s: number): string => new Date(epochMs + Math.round(s * 1000)).toISOString();
  const [timed] = timeRoutes(problem, [
    { vehicle: 'route', jobs: stops.map((s) => s.id), ...(departAtMs !== undefined && { departAtS: (departAtMs - epochMs) / 1000 }) },
  ]);
  const route = timed!;
  const arrivalOf = new Map(route.steps.map((s) => [s.job, s.arrival]));
  return {
    stops: route.steps.map((s) => ({
      stop_id: s.job,
      planned_arrival: iso(s.arrival),
      service_start: iso(s.serviceStart),
      departure: iso(s.departure),
      distance_m: round1(s.legDistance),
    })),
    distance_m: round1(route.distance),
    duration_s: Math.round(route.durationS),
    start_time: iso(route.departureS),
    end_time: iso(route.endS),
    violations: route.violations.map((v) => ({
      type: v.type,
      stop_id: v.job ?? null,
      window_end: v.deadline !== undefined ? iso(v.deadline) : null,
      planned_arrival: v.type === 'time_window' && v.job ? iso(arrivalOf.get(v.job)!) : v.type === 'shift_end' ? iso(route.endS) : null,
      late_by_s: v.lateByS !== undefined ? Math.round(v.lateByS) : null,
      reason: REASONS[v.type],
    })),
  };
}
