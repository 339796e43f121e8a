import { z } from 'zod';

/**
 * The shape of service-area GeoJSON accepted at the API edge (RFC 7946 subset): a Feature or a FeatureCollection
 * whose geometries are Polygons or MultiPolygons. Only the structure is checked here; rings, ranges and
 * self-intersections are checked by `validateAreaGeoJson`, which can name the feature and ring at fault.
 */

/** [lng, lat] or [lng, lat, altitude]; the altitude is accepted and ignored. */
export const positionSchema = z.array(z.number()).min(2).max(3);
export const ringSchema = z.array(positionSchema);

export const polygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(ringSchema).min(1),
});

export const multiPolygonSchema = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(ringSchema).min(1)).min(1),
});

export const areaGeometrySchema = z.discriminatedUnion('type', [polygonSchema, multiPolygonSchema]);

export const areaFeatureSchema = z.object({
  type: z.literal('Feature'),
  geometry: areaGeometrySchema,
  properties: z.record(z.string(), z.unknown()).nullable().optional(),
});

export const areaFeatureCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(areaFeatureSchema).min(1),
});

export const areaGeoJsonSchema = z.discriminatedUnion('type', [areaFeatureSchema, areaFeatureCollectionSchema]);

export type Position = z.infer<typeof positionSchema>;
export type AreaFeature = z.infer<typeof areaFeatureSchema>;
export type AreaGeoJson = z.infer<typeof areaGeoJsonSchema>;

/** What a service area stores: one MultiPolygon, polygons of rings of [lng, lat] positions, each ring closed. */
export type MultiPolygonCoordinates = number[][][][];

export interface AreaMultiPolygon {
  type: 'MultiPolygon';
  coordinates: MultiPolygonCoordinates;
}

/** [minLng, minLat, maxLng, maxLat] as in GeoJSON's `bbox` member. */
export type BBox2D = [number, number, number, number];
