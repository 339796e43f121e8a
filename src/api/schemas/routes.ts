import { z } from 'zod';
import { ExternalId, IsoDate, LatLng, ListQuery, TimeWindow } from './common.js';
import { StopInput, StopStatus } from './stops.js';
import { VehicleInput } from './vehicles.js';

export const RouteStatus = z.enum(['planned', 'in_progress', 'completed']);

export const RouteStop = z.object({
  stop_id: z.string(),
  position: z.number(),
  status: StopStatus,
  lat: z.number(),
  lng: z.number(),
  address: z.string().nullable(),
  time_windows: z.array(TimeWindow),
  planned_arrival: z.string().nullable(),
  service_start: z.string().nullable(),
  departure: z.string().nullable(),
  distance_m: z.number(),
  /** Latest estimate from live tracking; null until a driver reports. */
  eta: z.string().nullable(),
});

export const RouteSummary = z.object({
  id: z.string(),
  external_id: z.string().nullable(),
  name: z.string().nullable(),
  date: z.string().nullable(),
  vehicle_id: z.string().nullable(),
  driver_id: z.string().nullable(),
  status: RouteStatus,
  optimized: z.boolean(),
  distance_m: z.number(),
  duration_s: z.number(),
  stop_count: z.number(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export const Route = RouteSummary.extend({ stops: z.array(RouteStop) });

export const Violation = z.object({
  type: z.enum(['time_window', 'shift_end', 'capacity', 'max_stops', 'skills']),
  /** The stop concerned; null for a rule of the whole route (shift end, stop count). */
  stop_id: z.string().nullable(),
  /** The missed bound (the window's or the shift's end), ISO. */
  window_end: z.string().nullable(),
  planned_arrival: z.string().nullable(),
  late_by_s: z.number().nullable(),
  reason: z.string(),
});
export const RouteWithViolations = Route.extend({ violations: z.array(Violation) });

export const RouteListQuery = ListQuery.extend({
  date: IsoDate.optional(),
  status: RouteStatus.optional(),
  driver_id: z.string().optional(),
  vehicle_id: z.string().optional(),
});

export const RouteCreate = z.strictObject({
  name: z.string().max(200).nullish(),
  date: IsoDate.nullish(),
  vehicle_id: z.string().nullish(),
  driver_id: z.string().nullish(),
  /** Pending stops, visited in this order. */
  stop_ids: z.array(z.string()).max(1000).default([]),
  external_id: ExternalId.nullish(),
});

export const StopIdsBody = z.strictObject({ stop_ids: z.array(z.string()).min(1).max(1000) });
export const DriverBody = z.strictObject({ driver_id: z.string().nullable() });
export const VehicleBody = z.strictObject({ vehicle_id: z.string() });

export const Balance = z.strictObject({ by: z.enum(['duration', 'stops']).default('duration'), weight: z.number().min(0).max(100).default(1) });
export const PlanOptions = z.strictObject({
  time_limit_s: z.number().min(0.05).max(300).default(2),
  minimize: z.enum(['cost', 'vehicles']).default('cost'),
  balance: Balance.optional(),
  seed: z.number().int().min(0).optional(),
});

/** An inline stop in a plan request: coordinates required, may carry its own id for the answer. */
export const InlineStop = StopInput.extend({ lat: LatLng.shape.lat, lng: LatLng.shape.lng, id: z.string().max(100).optional() });
export const InlineVehicle = VehicleInput.extend({ id: z.string().max(100).optional() });

export const PlanBody = z.strictObject({
  stops: z.array(z.union([z.string(), InlineStop])).min(1).max(5000),
  vehicles: z.array(z.union([z.string(), InlineVehicle])).max(500),
  options: PlanOptions.default({ time_limit_s: 2, minimize: 'cost' }),
});

export const AutoOptimizeBody = z.strictObject({
  date: IsoDate,
  /** Limit to these vehicles; default every vehicle without a route that day. */
  vehicle_ids: z.array(z.string()).optional(),
  options: PlanOptions.default({ time_limit_s: 2, minimize: 'cost' }),
});

export const AsyncQuery = z.strictObject({ async: z.enum(['true', 'false']).optional() });

export const PlannedStopOut = z.object({
  stop_id: z.string(),
  planned_arrival: z.string(),
  service_start: z.string(),
  departure: z.string(),
  distance_m: z.number(),
});
export const PlanAnswer = z.object({
  routes: z.array(
    z.object({
      vehicle_id: z.string(),
      stops: z.array(PlannedStopOut),
      distance_m: z.number(),
      duration_s: z.number(),
      start_time: z.string().nullable(),
      end_time: z.string().nullable(),
    }),
  ),
  unassigned: z.array(z.object({ stop_id: z.string(), reason: z.string() })),
  summary: z.object({ distance_m: z.number(), duration_s: z.number(), vehicles: z.number(), unassigned: z.number() }),
});
export const SkippedVehicle = z.object({
  vehicle_id: z.string(),
  reason: z.enum(['archived', 'busy', 'no_start', 'no_shift', 'no_driver']),
  message: z.string(),
});
export const AutoOptimizeAnswer = z.object({
  routes: z.array(Route),
  /** Vehicles not used because they are not ready that day (already routed, no start, no shift, no driver). */
  skipped_vehicles: z.array(SkippedVehicle),
  unassigned: z.array(z.object({ stop_id: z.string(), reason: z.string() })),
  summary: PlanAnswer.shape.summary,
});
export const JobAccepted = z.object({ job_id: z.string(), status_url: z.string() });

export type RouteStop = z.infer<typeof RouteStop>;
export type RouteSummary = z.infer<typeof RouteSummary>;
export type Route = z.infer<typeof Route>;
export type RouteListQuery = z.infer<typeof RouteListQuery>;
export type PlanOptions = z.infer<typeof PlanOptions>;
