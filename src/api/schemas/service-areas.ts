import { z } from 'zod';
import { areaGeoJsonSchema } from '../../geo/geojson-schema.js';
import { ExternalId, Lat, Lng } from './common.js';

/**
 * A service area is created from a GeoJSON Feature or FeatureCollection (Polygon / MultiPolygon, holes allowed);
 * all its polygons become one MultiPolygon. `external_id` makes POST an upsert.
 */
export const ServiceAreaInput = z.strictObject({
  name: z.string().min(1).max(200),
  external_id: ExternalId.nullish(),
  geojson: areaGeoJsonSchema,
});
export const ServiceAreaPatch = ServiceAreaInput.partial();

export const ServiceArea = z.object({
  id: z.string(),
  external_id: z.string().nullable(),
  name: z.string(),
  geometry: z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(z.array(z.number())))) }),
  /** [min_lng, min_lat, max_lng, max_lat] */
  bbox: z.array(z.number()).length(4),
  created_at: z.string(),
  updated_at: z.string(),
});

/** A decimal number in a query string; an empty or non-numeric value is refused (not read as 0). */
const QueryNumber = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number').transform(Number);

export const LookupQuery = z.strictObject({
  lat: QueryNumber.pipe(Lat),
  lng: QueryNumber.pipe(Lng),
});

export const LookupResult = z.object({
  /** Areas containing the point, most specific (smallest) first; empty outside all of them. */
  data: z.array(z.object({ id: z.string(), name: z.string(), external_id: z.string().nullable() })),
});

/** Which areas a vehicle or driver may serve; an empty list lifts the limit. */
export const AllowedAreasInput = z.strictObject({
  service_area_ids: z.array(z.string().min(1).max(64)).max(500),
});
export const AllowedAreas = z.object({
  id: z.string(),
  /** Empty: not limited, may serve every area. */
  service_area_ids: z.array(z.string()),
});

export type ServiceAreaInput = z.infer<typeof ServiceAreaInput>;
export type ServiceAreaPatch = z.infer<typeof ServiceAreaPatch>;
export type ServiceArea = z.infer<typeof ServiceArea>;
