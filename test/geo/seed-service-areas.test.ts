import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { ensureOrganization } from '../../src/store/organizations.js';
import { seedServiceAreas } from '../../src/store/seed-service-areas.js';
import { serviceAreasFor } from '../../src/store/service-areas.js';

describe('seedServiceAreas (Tallinn demo areas)', () => {
  let dir: string;
  let db: Db;
  let orgId: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'milkrun-areas-'));
    db = openDb(join(dir, 'seed.db'));
    orgId = ensureOrganization(db, 'Demo').organization.id;
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the four areas, the central one a MultiPolygon with a hole, and is idempotent', () => {
    const first = seedServiceAreas(db, orgId);
    expect(first.map((a) => a.external_id)).toEqual(['tallinn-central', 'tallinn-old-town', 'tallinn-east', 'tallinn-southwest']);
    const central = first[0]!;
    expect(central.geometry.coordinates).toHaveLength(2);
    expect(central.geometry.coordinates[0]).toHaveLength(2); // shell + Old Town hole
    const again = seedServiceAreas(db, orgId);
    expect(again.map((a) => a.id)).toEqual(first.map((a) => a.id));
    expect((db.prepare('SELECT COUNT(*) AS n FROM service_areas WHERE organization_id = ?').get(orgId) as { n: number }).n).toBe(4);
  });

  it('files real Tallinn places under the right area', () => {
    const areas = serviceAreasFor(db);
    const names = (lat: number, lng: number) => areas.lookup(orgId, lat, lng).map((a) => a.external_id);
    expect(names(59.4372, 24.7453)).toEqual(['tallinn-old-town']); // Pikk street, inside the hole of Central
    expect(names(59.4275, 24.7434)).toEqual(['tallinn-central']); // Kesklinn, south of the Old Town
    expect(names(59.47, 24.835)).toEqual(['tallinn-central']); // Pirita, the second polygon
    expect(names(59.43, 24.85)).toEqual(['tallinn-east']); // Lasnamäe
    expect(names(59.4, 24.68)).toEqual(['tallinn-southwest']); // Mustamäe
    // A corner of the Old Town lies on both outlines: the smaller area comes first.
    expect(names(59.433, 24.737)).toEqual(['tallinn-old-town', 'tallinn-central']);
    expect(names(59.33, 24.75)).toEqual([]); // south of the city
    expect(names(60.1699, 24.9384)).toEqual([]); // Helsinki
  });

  it('covers every stop and the depot of the demo day (data/demo/tallinn.json)', () => {
    const demo = JSON.parse(readFileSync(new URL('../../data/demo/tallinn.json', import.meta.url), 'utf8')) as {
      depot: { lat: number; lng: number };
      stops: { external_id: string; lat: number; lng: number }[];
    };
    const areas = serviceAreasFor(db);
    const outside = [...demo.stops, { external_id: 'depot', ...demo.depot }].filter((s) => areas.lookupIds(orgId, s.lat, s.lng).length === 0);
    expect(demo.stops.length).toBeGreaterThan(10);
    expect(outside.map((s) => s.external_id)).toEqual([]);
  });
});
