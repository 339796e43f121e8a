import { z } from 'zod';
import { ExternalId, Include, IsoDate, Lat, Lng, ListQuery, Phone, TimeWindow, TimeWindowInput } from './common.js';

export const StopStatus = z.enum(['pending', 'assigned', 'en_route', 'arrived', 'completed', 'failed', 'cancelled']);
export type StopStatus = z.infer<typeof StopStatus>;
export const StopType = z.enum(['delivery', 'pickup']);
export const PaymentMethod = z.enum(['prepaid', 'cash', 'card', 'invoice', 'other']);

const stopFields = {
  address: z.string().min(1).max(500).nullish(),
  lat: Lat.optional(),
  lng: Lng.optional(),
  customer_name: z.string().max(200).nullish(),
  phone: Phone.nullish(),
  notes: z.string().max(2000).nullish(),
  order_amount: z.number().min(0).nullish(),
  payment_method: PaymentMethod.nullish(),
  time_windows: z.array(TimeWindowInput).max(10),
  service_duration_s: z.number().int().min(0).max(86_400),
  demand: z.array(z.number().min(0)).max(8),
  priority: z.number().int().min(0).max(10).describe('0–10, higher is served first; 0 means unset and counts as 5 (the default)'),
  skills: z.array(z.string().min(1).max(100)).max(50),
  type: StopType,
  /** Service day; defaults to the local date of the first time window. */
  date: IsoDate.nullish(),
  external_id: ExternalId.nullish(),
};

export const StopInput = z.strictObject({
  ...stopFields,
  time_windows: stopFields.time_windows.default([]),
  service_duration_s: stopFields.service_duration_s.default(0),
  demand: stopFields.demand.default([]),
  priority: stopFields.priority.default(5),
  skills: stopFields.skills.default([]),
  type: stopFields.type.default('delivery'),
});
export const StopPatch = z.strictObject({
  ...stopFields,
  time_windows: stopFields.time_windows.optional(),
  service_duration_s: stopFields.service_duration_s.optional(),
  demand: stopFields.demand.optional(),
  priority: stopFields.priority.optional(),
  skills: stopFields.skills.optional(),
  type: stopFields.type.optional(),
});

export const ProofOfDelivery = z.strictObject({
  note: z.string().max(2000).optional(),
  signee: z.string().max(200).optional(),
  photo_urls: z.array(z.url()).max(20).optional(),
});
export const FailureReason = z.enum([
  'not_home',
  'refused',
  'address_not_found',
  'no_access',
  'damaged',
  'no_time',
  'other',
]);

export const StatusChange = z.strictObject({
  status: StopStatus,
  /** Required with `failed`. */
  reason: FailureReason.optional(),
  note: z.string().max(2000).optional(),
  proof: ProofOfDelivery.optional(),
});

export const Stop = z.object({
  id: z.string(),
  external_id: z.string().nullable(),
  type: StopType,
  status: StopStatus,
  address: z.string().nullable(),
  lat: z.number(),
  lng: z.number(),
  customer_name: z.string().nullable(),
  phone: z.string().nullable(),
  notes: z.string().nullable(),
  order_amount: z.number().nullable(),
  payment_method: z.string().nullable(),
  time_windows: z.array(TimeWindow),
  service_duration_s: z.number(),
  demand: z.array(z.number()),
  priority: z.number(),
  skills: z.array(z.string()),
  date: z.string().nullable(),
  service_area_id: z.string().nullable(),
  route_id: z.string().nullable(),
  driver_id: z.string().nullable(),
  failure_reason: z.string().nullable(),
  failure_note: z.string().nullable(),
  proof: z.object({ note: z.string().optional(), signee: z.string().optional(), photo_urls: z.array(z.string()).optional() }).nullable(),
  /** Set while the stop is archived: hidden from lists unless `include=archived`, kept with its history and proof. */
  archived_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const StopHistoryEntry = z.object({
  from_status: StopStatus.nullable(),
  to_status: StopStatus,
  details: z.record(z.string(), z.unknown()),
  actor: z.string(),
  at: z.string(),
});

const STOP_STATUSES: ReadonlySet<string> = new Set(StopStatus.options);

export const StopListQuery = ListQuery.extend({
  status: z
    .string()
    .regex(/^[a-z_]+(,[a-z_]+)*$/, 'must be a status or a comma list of statuses')
    .refine((list) => list.split(',').every((s) => STOP_STATUSES.has(s)), {
      message: `each status must be one of ${StopStatus.options.join(', ')}`,
    })
    .optional()
    .describe(`one status or a comma list (${StopStatus.options.join(', ')})`),
  driver_id: z.string().optional(),
  route_id: z.string().optional(),
  date: IsoDate.optional(),
  external_id: z.string().optional(),
  include: Include,
});

export type StopInput = z.infer<typeof StopInput>;
export type StopPatch = z.infer<typeof StopPatch>;
export type Stop = z.infer<typeof Stop>;
export type StatusChange = z.infer<typeof StatusChange>;
export type StopHistoryEntry = z.infer<typeof StopHistoryEntry>;
export type StopListQuery = z.infer<typeof StopListQuery>;
