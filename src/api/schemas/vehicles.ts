import { z } from 'zod';
import { DailyWindowInput, ExternalId, LatLng } from './common.js';

/** The vehicle's working hours, every day: local times of day (see DailyWindowInput). */
export const Shift = DailyWindowInput;

export const Costs = z.strictObject({
  fixed: z.number().min(0).optional(),
  per_hour: z.number().min(0).optional(),
  per_km: z.number().min(0).optional(),
});

const Amount = z.array(z.number().min(0)).max(8);
const Skills = z.array(z.string().min(1).max(100)).max(50);

/** Fields a create and a patch share, with the same rules (null clears a field on patch). */
const VehicleOptionalFields = {
  shift: Shift.nullish(),
  start: LatLng.nullish(),
  end: LatLng.nullish(),
  /** Alternative to `start`/`end`: a depot's coordinates. */
  start_depot_id: z.string().nullish(),
  end_depot_id: z.string().nullish(),
  costs: Costs.nullish(),
  max_stops: z.number().int().min(1).nullish(),
  speed_factor: z.number().min(0.1).max(10).nullish(),
  external_id: ExternalId.nullish(),
};
const VehicleName = z.string().min(1).max(200);

export const VehicleInput = z.strictObject({
  name: VehicleName,
  capacity: Amount.default([]),
  skills: Skills.default([]),
  ...VehicleOptionalFields,
});
export const VehiclePatch = z.strictObject({
  name: VehicleName.optional(),
  capacity: Amount.optional(),
  skills: Skills.optional(),
  ...VehicleOptionalFields,
});

export const Vehicle = z.object({
  id: z.string(),
  external_id: z.string().nullable(),
  name: z.string(),
  capacity: z.array(z.number()),
  skills: z.array(z.string()),
  /** Local times of day (`08:00`), applied to each route's date in the organization's zone. */
  shift: z.object({ from: z.string(), to: z.string() }).nullable(),
  start: z.object({ lat: z.number(), lng: z.number() }).nullable(),
  end: z.object({ lat: z.number(), lng: z.number() }).nullable(),
  start_depot_id: z.string().nullable(),
  end_depot_id: z.string().nullable(),
  costs: z.object({ fixed: z.number().optional(), per_hour: z.number().optional(), per_km: z.number().optional() }),
  max_stops: z.number().nullable(),
  speed_factor: z.number().nullable(),
  /** Set while the vehicle is archived (deleted while routes pointed at it): listed only with `include=archived`. */
  archived_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export type VehicleInput = z.infer<typeof VehicleInput>;
export type VehiclePatch = z.infer<typeof VehiclePatch>;
export type Vehicle = z.infer<typeof Vehicle>;
