/**
 * VROOM's solution JSON (docs/API.md, "Output") as Milkrun writes it: the answer's type for the writer and the
 * response schema of `POST /api/v1/vroom`. Times, costs and distances are integers, as VROOM gives them.
 * Additions VROOM clients ignore: `unassigned[].reason` (why Milkrun left the job out), `matrix_source`.
 */
import { z } from 'zod';
import { Coordinates } from './input-schema.js';

const int = z.int();

export const VIOLATION_CAUSES = [
  'delay',
  'lead_time',
  'load',
  'max_tasks',
  'skills',
  'precedence',
  'missing_break',
  'max_travel_time',
  'max_distance',
  'max_load',
] as const;

export const VroomViolation = z.object({
  cause: z.enum(VIOLATION_CAUSES),
  /** Lateness (`delay`) or earliness (`lead_time`), seconds. */
  duration: int.optional(),
});

export const VroomStep = z.object({
  type: z.enum(['start', 'job', 'pickup', 'delivery', 'break', 'end']),
  id: int.optional(),
  description: z.string().optional(),
  location: Coordinates.optional(),
  location_index: int.optional(),
  setup: int,
  service: int,
  waiting_time: int,
  /** Load after the step, per dimension (only when the problem has amounts). */
  load: z.array(int).optional(),
  arrival: int,
  /** Travel time so far, upon arrival. */
  duration: int,
  violations: z.array(VroomViolation),
  /** Distance travelled so far, upon arrival. */
  distance: int.optional(),
});

export const VroomRoute = z.object({
  vehicle: int,
  cost: int,
  description: z.string().optional(),
  delivery: z.array(int).optional(),
  pickup: z.array(int).optional(),
  setup: int,
  service: int,
  /** Travel time of the route. */
  duration: int,
  waiting_time: int,
  priority: int,
  distance: int.optional(),
  steps: z.array(VroomStep),
  violations: z.array(VroomViolation),
});

export const VroomUnassigned = z.object({
  id: int,
  type: z.enum(['job', 'pickup', 'delivery']),
  location: Coordinates.optional(),
  location_index: int.optional(),
  description: z.string().optional(),
  /** Milkrun's reason (capacity, time_window, skills, ...; `not_in_steps` in plan mode). */
  reason: z.string(),
});

export const VroomSummary = z.object({
  cost: int,
  routes: int,
  unassigned: int,
  delivery: z.array(int).optional(),
  pickup: z.array(int).optional(),
  setup: int,
  service: int,
  duration: int,
  waiting_time: int,
  priority: int,
  distance: int.optional(),
  violations: z.array(VroomViolation),
  /** Milliseconds. `routing` is 0: Milkrun builds straight-line matrices inside the solve or takes the input's. */
  computing_times: z.object({ loading: int, solving: int, routing: int }),
});

export const VroomSolution = z.object({
  code: z.literal(0),
  summary: VroomSummary,
  unassigned: z.array(VroomUnassigned),
  routes: z.array(VroomRoute),
  /** `matrices`: the input's; `straight_line`: great-circle distances and a constant speed between coordinates. */
  matrix_source: z.enum(['matrices', 'straight_line']),
});

export type VroomViolation = z.infer<typeof VroomViolation>;
export type VroomStep = z.infer<typeof VroomStep>;
export type VroomRoute = z.infer<typeof VroomRoute>;
export type VroomUnassigned = z.infer<typeof VroomUnassigned>;
export type VroomSolution = z.infer<typeof VroomSolution>;
