import { z } from 'zod';
import { ExternalId, Phone } from './common.js';

export const DriverStatus = z.enum(['active', 'inactive']);

export const DriverInput = z.strictObject({
  name: z.string().min(1).max(200),
  phone: Phone.nullish(),
  status: DriverStatus.default('active'),
  vehicle_id: z.string().nullish(),
  external_id: ExternalId.nullish(),
});
export const DriverPatch = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  phone: Phone.nullish(),
  status: DriverStatus.optional(),
  vehicle_id: z.string().nullish(),
  external_id: ExternalId.nullish(),
});

export const Driver = z.object({
  id: z.string(),
  external_id: z.string().nullable(),
  name: z.string(),
  phone: z.string().nullable(),
  status: DriverStatus,
  vehicle_id: z.string().nullable(),
  last_position: z.object({ lat: z.number(), lng: z.number(), at: z.string() }).nullable(),
  /** Set while the driver is archived (deleted while routes or stops named them; `status` is then `inactive`). */
  archived_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export type DriverInput = z.infer<typeof DriverInput>;
export type DriverPatch = z.infer<typeof DriverPatch>;
export type Driver = z.infer<typeof Driver>;
