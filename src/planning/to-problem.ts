import type { Job, Problem, Vehicle as SolverVehicle } from '../solver/model.js';

/** A stop as planning needs it (stored or inline); times are ISO instants. */
export interface PlanningStop {
  id: string;
  lat: number;
  lng: number;
  time_windows: { from: string; to: string }[];
  service_duration_s: number;
  demand: number[];
  priority: number;
  skills: string[];
}

/** A vehicle as planning needs it; `start` may be overridden (a driver's last position on re-optimization). */
export interface PlanningVehicle {
  id: string;
  capacity: number[];
  skills: string[];
  shift: { from: string; to: string } | null;
  start: { lat: number; lng: number } | null;
  end: { lat: number; lng: number } | null;
  costs: { fixed?: number; per_hour?: number; per_km?: number };
  max_stops: number | null;
  speed_factor: number | null;
}

/** A capacity no demand reaches: used for dimensions a vehicle does not limit. */
const UNLIMITED = 1e12;
const DAY_MS = 86_400_000;

/**
 * The solver's problem for these stops and vehicles, on a timeline of seconds since `epochMs`: midnight UTC of the
 * earliest time window or shift start (or of `fallbackMs`, when nothing has a time). Capacity vectors are padded to
 * one length: a missing demand dimension is 0, a dimension a vehicle does not list is unlimited.
 */
export function toProblem(
  stops: readonly PlanningStop[],
  vehicles: readonly PlanningVehicle[],
  fallbackMs: number = Date.now(),
): { problem: Problem; epochMs: number } {
  let earliest = Infinity;
  for (const s of stops) for (const w of s.time_windows) earliest = Math.min(earliest, Date.parse(w.from));
  for (const v of vehicles) if (v.shift) earliest = Math.min(earliest, Date.parse(v.shift.from));
  const epochMs = Math.floor((Number.isFinite(earliest) ? earliest : fallbackMs) / DAY_MS) * DAY_MS;
  const seconds = (iso: string): number => (Date.parse(iso) - epochMs) / 1000;

  let dims = 0;
  for (const s of stops) dims = Math.max(dims, s.demand.length);
  for (const v of vehicles) dims = Math.max(dims, v.capacity.length);
  const pad = (values: readonly number[], fill: number): number[] =>
    Array.from({ length: dims }, (_, i) => values[i] ?? fill);

  const jobs: Job[] = stops.map((s) => ({
    id: s.id,
    location: { lat: s.lat, lng: s.lng },
    serviceS: s.service_duration_s,
    timeWindows: s.time_windows.map((w) => ({ start: seconds(w.from), end: seconds(w.to) })),
    ...(dims > 0 && { demand: pad(s.demand, 0) }),
    priority: s.priority,
    skills: s.skills,
  }));
  const fleet: SolverVehicle[] = vehicles.map((v) => ({
    id: v.id,
    ...(v.start && { start: { lat: v.start.lat, lng: v.start.lng } }),
    ...(v.end && { end: { lat: v.end.lat, lng: v.end.lng } }),
    ...(v.shift && { shift: { start: seconds(v.shift.from), end: seconds(v.shift.to) } }),
    ...(dims > 0 && { capacity: pad(v.capacity, UNLIMITED) }),
    skills: v.skills,
    ...(v.max_stops !== null && { maxStops: v.max_stops }),
    ...(v.costs.fixed !== undefined && { fixedCost: v.costs.fixed }),
    ...(v.costs.per_hour !== undefined && { costPerHour: v.costs.per_hour }),
    ...(v.costs.per_km !== undefined && { costPerKm: v.costs.per_km }),
    ...(v.speed_factor !== null && { speedFactor: v.speed_factor }),
  }));
  return { problem: { jobs, vehicles: fleet }, epochMs };
}
