import type { AreaGeoJson, AreaMultiPolygon } from '../../geo/geojson-schema.js';

/** A service area as stored: all its polygons as one MultiPolygon of [lng, lat] rings. */
export interface ServiceArea {
  id: string;
  external_id: string | null;
  name: string;
  geometry: AreaMultiPolygon;
  /** [min_lng, min_lat, max_lng, max_lat], degrees. */
  bbox: number[];
  created_at: string;
  updated_at: string;
}

/** A Feature or FeatureCollection of Polygons / MultiPolygons (validated by the store); `external_id` upserts. */
export interface ServiceAreaInput {
  name: string;
  external_id?: string | null | undefined;
  geojson: AreaGeoJson;
}

export type ServiceAreaPatch = Partial<ServiceAreaInput>;
