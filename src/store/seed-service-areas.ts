import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { areaFeatureSchema } from '../geo/geojson-schema.js';
import type { Db } from './db.js';
import type { ServiceArea } from './records/service-areas.js';
import { serviceAreasFor } from './service-areas.js';

/** data/areas/ from src/store/ (tsx) or dist/store/ (build): two levels up, then data. */
export const DEFAULT_AREAS_DIR = fileURLToPath(new URL('../../data/areas/', import.meta.url));

/** Seed files: FeatureCollections where each feature is one area named by its properties. */
const seedFileSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    areaFeatureSchema.extend({
      properties: z.object({ name: z.string().min(1), external_id: z.string().min(1) }).passthrough(),
    }),
  ),
});

/**
 * Creates (or, by `external_id`, updates) the service areas in every `*.geojson` file of `dir` for an
 * organization, through the shared store so the live index sees them. Running it twice changes nothing.
 * The demo city is Tallinn: central (MultiPolygon with the Old Town as a hole, plus Pirita), Old Town, East,
 * South-West.
 */
export function seedServiceAreas(db: Db, orgId: string, dir: string = DEFAULT_AREAS_DIR): ServiceArea[] {
  const store = serviceAreasFor(db);
  const files = readdirSync(dir).filter((f) => f.endsWith('.geojson')).sort();
  const seeded: ServiceArea[] = [];
  for (const file of files) {
    const parsed = seedFileSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    for (const feature of parsed.features) {
      const { area } = store.upsert(orgId, {
        name: feature.properties.name,
        external_id: feature.properties.external_id,
        geojson: { type: 'Feature', geometry: feature.geometry, properties: {} },
      });
      seeded.push(area);
    }
  }
  return seeded;
}
