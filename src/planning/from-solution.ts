import type { Solution, UnassignedReason } from '../solver/model.js';

export interface PlannedStop {
  stop_id: string;
  planned_arrival: string;
  service_start: string;
  departure: string;
  /** Leg from the previous stop (or the route start), metres. */
  distance_m: number;
}

export interface PlannedRoute {
  vehicle_id: string;
  stops: PlannedStop[];
  distance_m: number;
  duration_s: number;
  /** When the vehicle leaves its start and reaches its end (or its last stop). */
  start_time: string | null;
  end_time: string | null;
}

export interface PlanAnswer {
  routes: PlannedRoute[];
  unassigned: { stop_id: string; reason: UnassignedReason }[];
  summary: { distance_m: number; duration_s: number; vehicles: number; unassigned: number };
}

/** Metres to one decimal, as every planning answer gives them. */
export const round1 = (x: number): number => Math.round(x * 10) / 10;

/** The solver's answer in the API's words: ISO times back from seconds since `epochMs`, metres, seconds. */
export function fromSolution(solution: Solution, epochMs: number): PlanAnswer {
  const iso = (s: number): string => new Date(epochMs + Math.round(s * 1000)).toISOString();
  const routes = solution.routes
    .filter((r) => r.steps.some((s) => s.type === 'job'))
    .map((r) => {
      const first = r.steps[0];
      const last = r.steps[r.steps.length - 1];
      return {
        vehicle_id: r.vehicle,
        stops: r.steps
          .filter((s) => s.type === 'job')
          .map((s) => ({
            stop_id: s.job!,
            planned_arrival: iso(s.arrival),
            service_start: iso(s.service_start),
            departure: iso(s.departure),
            distance_m: round1(s.distance),
          })),
        distance_m: round1(r.distance),
        duration_s: Math.round(r.duration),
        start_time: first ? iso(first.departure) : null,
        end_time: last ? iso(last.arrival) : null,
      };
    });
  return {
    routes,
    unassigned: solution.unassigned.map((u) => ({ stop_id: u.job, reason: u.reason })),
    summary: {
      distance_m: round1(routes.reduce((a, r) => a + r.distance_m, 0)),
      duration_s: routes.reduce((a, r) => a + r.duration_s, 0),
      vehicles: routes.length,
      unassigned: solution.unassigned.length,
    },
  };
}
