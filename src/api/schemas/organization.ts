import { z } from 'zod';
import { Clock, TimeZone } from './common.js';

/** A daily default shift: local times of day; `to` not after `from` rolls over to the next day. */
const DefaultShift = z.strictObject({ from: Clock, to: Clock });

export const OrganizationOut = z.object({
  id: z.string(),
  name: z.string(),
  /** IANA zone: service days, shifts and the dashboard's times are local to it. */
  time_zone: z.string(),
  /** Shift of vehicles that have none (local times of day); null: such vehicles are not used by auto-optimize. */
  default_shift: z.object({ from: z.string(), to: z.string() }).nullable(),
  /** Auto-optimize uses only vehicles with an active driver. */
  require_driver: z.boolean(),
  created_at: z.string(),
});

export const OrganizationPatch = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  time_zone: TimeZone.optional(),
  default_shift: DefaultShift.nullable().optional(),
  require_driver: z.boolean().optional(),
});
