import type { Migration } from './types.js';

/**
 * Service areas: the zones an organization serves, and which vehicles and drivers are limited to which zones.
 * `stops.service_area_id` (from 001) names the area a stop was filed under; it has no foreign key (SQLite cannot
 * add one to an existing column), so the service-area store clears or re-files stops itself.
 */
export const migration: Migration = {
  version: 2,
  name: 'service_areas',
  sql: `
CREATE TABLE service_areas (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  external_id TEXT,
  name TEXT NOT NULL,
  -- GeoJSON MultiPolygon of [lng, lat] positions, validated (closed, simple rings, in range)
  geojson TEXT NOT NULL,
  -- [min_lng, min_lat, max_lng, max_lat]
  bbox_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (organization_id, external_id)
);
CREATE INDEX service_areas_org ON service_areas(organization_id);

-- A vehicle (or driver) with rows here may serve only stops in those areas; without rows it is unrestricted.
CREATE TABLE vehicle_service_areas (
  vehicle_id TEXT NOT NULL REFERENCES vehicles(id) ON DELETE CASCADE,
  service_area_id TEXT NOT NULL REFERENCES service_areas(id) ON DELETE CASCADE,
  PRIMARY KEY (vehicle_id, service_area_id)
);
CREATE INDEX vehicle_service_areas_area ON vehicle_service_areas(service_area_id);

CREATE TABLE driver_service_areas (
  driver_id TEXT NOT NULL REFERENCES drivers(id) ON DELETE CASCADE,
  service_area_id TEXT NOT NULL REFERENCES service_areas(id) ON DELETE CASCADE,
  PRIMARY KEY (driver_id, service_area_id)
);
CREATE INDEX driver_service_areas_area ON driver_service_areas(service_area_id);

CREATE INDEX stops_service_area ON stops(service_area_id);
`,
};
