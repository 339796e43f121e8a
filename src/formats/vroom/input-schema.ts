/**
 * VROOM's problem JSON (docs/API.md of VROOM-Project/vroom, "Input"), strictly: every documented key, deprecated
 * ones included, and nothing else (an unknown key is an input error naming it). This schema only says what VROOM
 * accepts; what Milkrun can honour yet is decided in to-problem.ts, which refuses the rest by key path.
 */
import { z } from 'zod';

/** VROOM reads ids, amounts, skills and durations as unsigned integers. */
const uint = z.int().min(0);

/** `[lon, lat]`: VROOM's order, the reverse of Milkrun's `{ lat, lng }`. */
export const Coordinates = z
  .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])
  .describe('[lon, lat]');

/** `[start, end]`, both inclusive. */
export const TimeWindow = z
  .tuple([uint, uint])
  .refine((w) => w[0] <= w[1], { message: 'time window start must not be after its end' })
  .describe('[start, end] in seconds, both inclusive');

const Amount = z.array(uint).describe('multidimensional quantities');
const Skills = z.array(uint);
const DurationPerType = z.record(z.string(), uint);
const Priority = z.int().min(0).max(100);

const taskPlace = {
  id: uint,
  description: z.string().optional(),
  location: Coordinates.optional(),
  location_index: uint.optional(),
  setup: uint.optional(),
  service: uint.optional(),
  setup_per_type: DurationPerType.optional(),
  service_per_type: DurationPerType.optional(),
  time_windows: z.array(TimeWindow).optional(),
};

export const VroomJob = z.strictObject({
  ...taskPlace,
  /** Deprecated in VROOM (crossed out): `delivery` replaces it. */
  amount: Amount.optional(),
  delivery: Amount.optional(),
  pickup: Amount.optional(),
  skills: Skills.optional(),
  priority: Priority.optional(),
});

export const VroomShipmentStep = z.strictObject(taskPlace);

export const VroomShipment = z.strictObject({
  pickup: VroomShipmentStep,
  delivery: VroomShipmentStep,
  amount: Amount.optional(),
  skills: Skills.optional(),
  priority: Priority.optional(),
});

export const VroomCosts = z.strictObject({
  fixed: uint.optional(),
  per_hour: uint.optional(),
  per_task_hour: uint.optional(),
  per_km: uint.optional(),
});

export const VroomBreak = z.strictObject({
  id: uint,
  time_windows: z.array(TimeWindow).optional(),
  service: uint.optional(),
  description: z.string().optional(),
  max_load: Amount.optional(),
});

export const VroomVehicleStep = z.strictObject({
  type: z.enum(['start', 'job', 'pickup', 'delivery', 'break', 'end']),
  id: uint.optional(),
  service_at: uint.optional(),
  service_after: uint.optional(),
  service_before: uint.optional(),
});

export const VroomVehicle = z.strictObject({
  id: uint,
  profile: z.string().optional(),
  description: z.string().optional(),
  start: Coordinates.optional(),
  start_index: uint.optional(),
  end: Coordinates.optional(),
  end_index: uint.optional(),
  capacity: Amount.optional(),
  costs: VroomCosts.optional(),
  skills: Skills.optional(),
  type: z.string().optional(),
  time_window: TimeWindow.optional(),
  breaks: z.array(VroomBreak).optional(),
  speed_factor: z.number().gt(0).max(5).optional(),
  max_tasks: uint.optional(),
  max_travel_time: uint.optional(),
  max_distance: uint.optional(),
  steps: z.array(VroomVehicleStep).optional(),
});

const Matrix = z.array(z.array(uint));

export const VroomProfileMatrices = z.strictObject({
  durations: Matrix.optional(),
  distances: Matrix.optional(),
  costs: Matrix.optional(),
});

export const VroomInput = z.strictObject({
  jobs: z.array(VroomJob).optional(),
  shipments: z.array(VroomShipment).optional(),
  vehicles: z.array(VroomVehicle),
  matrices: z.record(z.string(), VroomProfileMatrices).optional(),
  /** Deprecated in VROOM (crossed out): `matrices` replaces it. */
  matrix: Matrix.optional(),
});

export type VroomInput = z.infer<typeof VroomInput>;
export type VroomJob = z.infer<typeof VroomJob>;
export type VroomVehicle = z.infer<typeof VroomVehicle>;
export type VroomVehicleStep = z.infer<typeof VroomVehicleStep>;
export type VroomCoordinates = z.infer<typeof Coordinates>;
export type VroomShipment = z.infer<typeof VroomShipment>;
export type VroomShipmentStep = z.infer<typeof VroomShipmentStep>;
