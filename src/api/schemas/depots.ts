import { z } from 'zod';
import { ExternalId, Lat, Lng } from './common.js';

export const DepotInput = z.strictObject({
  name: z.string().min(1).max(200),
  address: z.string().max(500).nullish(),
  lat: Lat,
  lng: Lng,
  external_id: ExternalId.nullish(),
});
export const DepotPatch = DepotInput.partial();

export const Depot = z.object({
  id: z.string(),
  external_id: z.string().nullable(),
  name: z.string(),
  address: z.string().nullable(),
  lat: z.number(),
  lng: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

export type DepotInput = z.infer<typeof DepotInput>;
export type DepotPatch = z.infer<typeof DepotPatch>;
export type Depot = z.infer<typeof Depot>;
