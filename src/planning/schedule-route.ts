import { haversineM } from '../geo/haversine.js';
import type { PlannedStop } from './from-solution.js';
import type { PlanningStop, PlanningVehicle } from './to-problem.js';

/** Same default as the solver, so hand-ordered and optimized routes are timed alike. */
const AVERAGE_SPEED_KMH = 40;

export interface TimeWindowViolation {
  stop_id: string;
  /** The last window's end the arrival missed, ISO. */
  window_end: string;
  planned_arrival: string;
  late_by_s: number;
}

export interface ScheduledRoute {
  stops: PlannedStop[];
  distance_m: number;
  duration_s: number;
  violations: TimeWindowViolation[];
}

/**
 * Times a route in the given order, without changing it: leave the start at the shift start (or `startAtMs`), drive
 * at the average speed, wait for a window to open, serve. A stop reached after all its windows closed is a
 * violation (served anyway, late), which is what a planner reordering by hand needs to see.
 */
export function scheduleRoute(
  stops: readonly PlanningStop[],
  vehicle: Pick<PlanningVehicle, 'shift' | 'start' | 'end' | 'speed_factor'>,
  startAtMs?: number,
): ScheduledRoute {
  const speedMps = (AVERAGE_SPEED_KMH * 1000) / 3600 / (vehicle.speed_factor ?? 1);
  let t =
    startAtMs ??
    (vehicle.shift
      ? Date.parse(vehicle.shift.from)
      : stops[0]?.time_windows[0]
        ? Date.parse(stops[0].time_windows[0].from)
        : Date.now());
  const startMs = t;
  let at = vehicle.start ?? (stops[0] ? { lat: stops[0].lat, lng: stops[0].lng } : null);
  let distance = 0;
  const out: PlannedStop[] = [];
  const violations: TimeWindowViolation[] = [];
  for (const s of stops) {
    const leg = at ? haversineM(at.lat, at.lng, s.lat, s.lng) : 0;
    distance += leg;
    t += (leg / speedMps) * 1000;
    const arrival = t;
    let serviceStart = arrival;
    if (s.time_windows.length > 0) {
      const open = s.time_windows.find((w) => Date.parse(w.to) >= arrival);
      if (open) serviceStart = Math.max(arrival, Date.parse(open.from));
      else {
        const lastEnd = Date.parse(s.time_windows[s.time_windows.length - 1]!.to);
        violations.push({
          stop_id: s.id,
          window_end: new Date(lastEnd).toISOString(),
          planned_arrival: new Date(arrival).toISOString(),
          late_by_s: Math.round((arrival - lastEnd) / 1000),
        });
      }
    }
    t = serviceStart + s.service_duration_s * 1000;
    out.push({
      stop_id: s.id,
      planned_arrival: new Date(Math.round(arrival)).toISOString(),
      service_start: new Date(Math.round(serviceStart)).toISOString(),
      departure: new Date(Math.round(t)).toISOString(),
      distance_m: Math.round(leg * 10) / 10,
    });
    at = { lat: s.lat, lng: s.lng };
  }
  if (vehicle.end && at) {
    const leg = haversineM(at.lat, at.lng, vehicle.end.lat, vehicle.end.lng);
    distance += leg;
    t += (leg / speedMps) * 1000;
  }
  return {
    stops: out,
    distance_m: Math.round(distance * 10) / 10,
    duration_s: Math.round((t - startMs) / 1000),
    violations,
  };
}
