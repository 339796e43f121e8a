import { DomainError } from '../errors.js';
import type { ServiceArea, ServiceAreaInput, ServiceAreaPatch } from './records/service-areas.js';
import type { AreaMultiPolygon, BBox2D } from '../geo/geojson-schema.js';
import { ServiceAreaIndex } from '../geo/service-area-index.js';
import { validateAreaGeoJson } from '../geo/validate-geometry.js';
import { nowIso, stmt, type Db } from './db.js';
import { recordEvent } from './events.js';
import type { ServiceAreaLocator } from './service-area-locator.js';
export type { ServiceArea, ServiceAreaInput, ServiceAreaPatch };
import { newId } from './ids.js';
import { decodeCursor, toPage, type Page } from './pagination.js';

/**
 * Service areas: rows in `service_areas`, mirrored in an in-memory R-tree index so a stop write costs one lookup,
 * not a table scan. The index is built from the database when the store is created and then changed area by
 * area, inside the same transaction as the row (and put back if the transaction fails).
 *
 * Stops remember the most specific area containing them (`stops.service_area_id`). When an area is created,
 * reshaped or deleted, the open stops (pending … arrived) it could affect — those filed under it and those
 * inside its old or new bounding box — are filed again; a stop no area contains any more keeps its place and
 * gets `service_area_id = null`. Closed stops (completed, failed, cancelled) keep their area as history, except
 * that a deleted area's id is cleared. Deleting an area also lifts it from vehicles' and drivers' allowed lists.
 */

interface AreaRow {
  _rowid: number;
  id: string;
  organization_id: string;
  external_id: string | null;
  name: string;
  geojson: string;
  bbox_json: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'rowid AS _rowid, id, organization_id, external_id, name, geojson, bbox_json, created_at, updated_at';
const OPEN_STATUSES = "('pending', 'assigned', 'en_route', 'arrived')";

function toArea(row: AreaRow): ServiceArea {
  return {
    id: row.id,
    external_id: row.external_id,
    name: row.name,
    geometry: JSON.parse(row.geojson) as AreaMultiPolygon,
    bbox: JSON.parse(row.bbox_json) as BBox2D,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Validated geometry or a 400 `invalid_geometry` naming each feature and ring at fault. */
function validGeometry(geojson: ServiceAreaInput['geojson']): { geometry: AreaMultiPolygon; bbox: BBox2D } {
  const result = validateAreaGeoJson(geojson);
  if (!result.ok) {
    const first = result.problems[0]!;
    throw new DomainError('invalid_geometry', `Invalid geometry: ${first.message}`, result.problems);
  }
  return { geometry: result.geometry, bbox: result.bbox };
}

export interface AreaSummary {
  id: string;
  name: string;
  external_id: string | null;
}

export class ServiceAreaStore implements ServiceAreaLocator {
  private readonly index = new ServiceAreaIndex();

  constructor(private readonly db: Db) {
    this.rebuild();
  }

  /** Rebuilds the whole index from the table (on start). */
  rebuild(): void {
    const rows = stmt(this.db, 'SELECT id, organization_id, geojson FROM service_areas ORDER BY organization_id').all() as Pick<
      AreaRow,
      'id' | 'organization_id' | 'geojson'
    >[];
    const byOrg = new Map<string, { id: string; coordinates: AreaMultiPolygon['coordinates'] }[]>();
    for (const row of rows) {
      const list = byOrg.get(row.organization_id) ?? [];
      list.push({ id: row.id, coordinates: (JSON.parse(row.geojson) as AreaMultiPolygon).coordinates });
      byOrg.set(row.organization_id, list);
    }
    for (const [orgId, shapes] of byOrg) this.index.load(orgId, shapes);
  }

  /** Whether the organization has any service area (then stops must lie in one). */
  hasAreas(orgId: string): boolean {
    return this.index.count(orgId) > 0;
  }

  /** Ids of the areas containing the point, most specific first. */
  lookupIds(orgId: string, lat: number, lng: number): string[] {
    return this.index.lookup(orgId, lat, lng);
  }

  /** The area a stop at (lat, lng) is filed under; 409 `outside_service_area` when the org has areas and none fits. */
  locate(orgId: string, lat: number, lng: number): { areaId: string | null } {
    if (!this.hasAreas(orgId)) return { areaId: null };
    const ids = this.index.lookup(orgId, lat, lng);
    if (ids.length === 0) {
      throw new DomainError('outside_service_area', `The point (${lat}, ${lng}) is outside every service area`, { lat, lng });
    }
    return { areaId: ids[0]! };
  }

  /** The areas containing the point, with their names, most specific first. */
  lookup(orgId: string, lat: number, lng: number): AreaSummary[] {
    const ids = this.index.lookup(orgId, lat, lng);
    const get = stmt(this.db, 'SELECT id, name, external_id FROM service_areas WHERE organization_id = ? AND id = ?');
    return ids.map((id) => get.get(orgId, id) as AreaSummary);
  }

  get(orgId: string, id: string): ServiceArea | undefined {
    const row = stmt(this.db, `SELECT ${COLUMNS} FROM service_areas WHERE organization_id = ? AND id = ?`).get(orgId, id) as
      | AreaRow
      | undefined;
    return row && toArea(row);
  }

  list(orgId: string, q: { limit: number; cursor?: string }): Page<ServiceArea> {
    const rows = stmt(
      this.db,
      `SELECT ${COLUMNS} FROM service_areas WHERE organization_id = ? AND rowid > ? ORDER BY rowid LIMIT ?`,
    ).all(orgId, decodeCursor(q.cursor), q.limit + 1) as AreaRow[];
    return toPage(rows, q.limit, toArea);
  }

  /** Creates an area, or replaces the one with the same `external_id`. */
  upsert(orgId: string, input: ServiceAreaInput): { area: ServiceArea; created: boolean } {
    const existingId = input.external_id
      ? (stmt(this.db, 'SELECT id FROM service_areas WHERE organization_id = ? AND external_id = ?').get(orgId, input.external_id) as
          | { id: string }
          | undefined)?.id
      : undefined;
    if (existingId) return { area: this.update(orgId, existingId, input)!, created: false };

    const { geometry, bbox } = validGeometry(input.geojson);
    const id = newId('area');
    const now = nowIso();
    return this.changingIndex(orgId, id, () => {
      stmt(
        this.db,
        `INSERT INTO service_areas (id, organization_id, external_id, name, geojson, bbox_json, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, orgId, input.external_id ?? null, input.name, JSON.stringify(geometry), JSON.stringify(bbox), now, now);
      this.index.set(orgId, { id, coordinates: geometry.coordinates });
      const refiled = this.refileStops(orgId, id, [bbox]);
      const area = this.get(orgId, id)!;
      recordEvent(this.db, {
        organizationId: orgId, type: 'service_area.created', resourceType: 'service_area', resourceId: id,
        data: { ...summaryOf(area), stops_refiled: refiled },
      });
      return { area, created: true };
    });
  }

  update(orgId: string, id: string, patch: ServiceAreaPatch): ServiceArea | undefined {
    const current = this.get(orgId, id);
    if (!current) return undefined;
    if (patch.external_id) {
      const holder = stmt(this.db, 'SELECT id FROM service_areas WHERE organization_id = ? AND external_id = ?').get(orgId, patch.external_id) as
        | { id: string }
        | undefined;
      if (holder && holder.id !== id) {
        throw new DomainError('conflict', `external_id ${patch.external_id} already names service area ${holder.id}`, {
          field: 'external_id', value: patch.external_id, service_area_id: holder.id,
        });
      }
    }
    const reshaped = patch.geojson ? validGeometry(patch.geojson) : undefined;
    return this.changingIndex(orgId, id, () => {
      const name = patch.name ?? current.name;
      const externalId = patch.external_id !== undefined ? patch.external_id : current.external_id;
      const geometry = reshaped?.geometry ?? current.geometry;
      const bbox = reshaped?.bbox ?? current.bbox;
      stmt(
        this.db,
        `UPDATE service_areas SET name = ?, external_id = ?, geojson = ?, bbox_json = ?, updated_at = ?
         WHERE organization_id = ? AND id = ?`,
      ).run(name, externalId ?? null, JSON.stringify(geometry), JSON.stringify(bbox), nowIso(), orgId, id);
      let refiled = 0;
      if (reshaped) {
        this.index.set(orgId, { id, coordinates: reshaped.geometry.coordinates });
        refiled = this.refileStops(orgId, id, [current.bbox as BBox2D, reshaped.bbox]);
      }
      const area = this.get(orgId, id)!;
      recordEvent(this.db, {
        organizationId: orgId, type: 'service_area.updated', resourceType: 'service_area', resourceId: id,
        data: { ...summaryOf(area), stops_refiled: refiled },
      });
      return area;
    });
  }

  /** Deletes an area; its stops are filed again (another area or none), never deleted. */
  delete(orgId: string, id: string): { deleted: boolean; stopsRefiled: number } {
    const current = this.get(orgId, id);
    if (!current) return { deleted: false, stopsRefiled: 0 };
    return this.changingIndex(orgId, id, () => {
      stmt(this.db, 'DELETE FROM service_areas WHERE organization_id = ? AND id = ?').run(orgId, id);
      this.index.remove(orgId, id);
      const refiled = this.refileStops(orgId, id, [current.bbox as BBox2D]);
      const cleared = stmt(
        this.db,
        'UPDATE stops SET service_area_id = NULL WHERE organization_id = ? AND service_area_id = ?',
      ).run(orgId, id).changes;
      recordEvent(this.db, {
        organizationId: orgId, type: 'service_area.deleted', resourceType: 'service_area', resourceId: id,
        data: { id, stops_refiled: refiled + cleared },
      });
      return { deleted: true, stopsRefiled: refiled + cleared };
    });
  }

  /**
   * Runs `change` in a transaction; if it throws, the index entry of `areaId` is put back as the database has it,
   * so memory never disagrees with the table.
   */
  private changingIndex<T>(orgId: string, areaId: string, change: () => T): T {
    try {
      return this.db.transaction(change).immediate();
    } catch (error) {
      const row = stmt(this.db, 'SELECT geojson FROM service_areas WHERE organization_id = ? AND id = ?').get(orgId, areaId) as
        | { geojson: string }
        | undefined;
      if (row) this.index.set(orgId, { id: areaId, coordinates: (JSON.parse(row.geojson) as AreaMultiPolygon).coordinates });
      else this.index.remove(orgId, areaId);
      throw error;
    }
  }

  /**
   * Files again the open stops that `areaId` may have gained or lost: those filed under it and those inside any
   * of `boxes` (its old and new bounding boxes). Returns how many stops changed area.
   */
  private refileStops(orgId: string, areaId: string, boxes: BBox2D[]): number {
    const candidates = new Map<string, { id: string; lat: number; lng: number; service_area_id: string | null }>();
    const filed = stmt(
      this.db,
      `SELECT id, lat, lng, service_area_id FROM stops WHERE organization_id = ? AND service_area_id = ? AND status IN ${OPEN_STATUSES}`,
    ).all(orgId, areaId) as { id: string; lat: number; lng: number; service_area_id: string | null }[];
    for (const s of filed) candidates.set(s.id, s);
    const inBox = stmt(
      this.db,
      `SELECT id, lat, lng, service_area_id FROM stops WHERE organization_id = ? AND status IN ${OPEN_STATUSES}
       AND lat BETWEEN ? AND ? AND lng BETWEEN ? AND ?`,
    );
    for (const [minLng, minLat, maxLng, maxLat] of boxes) {
      for (const s of inBox.all(orgId, minLat, maxLat, minLng, maxLng) as typeof filed) candidates.set(s.id, s);
    }
    const setArea = stmt(this.db, 'UPDATE stops SET service_area_id = ?, updated_at = ? WHERE organization_id = ? AND id = ?');
    const now = nowIso();
    let changed = 0;
    for (const s of candidates.values()) {
      const next = this.index.lookup(orgId, s.lat, s.lng)[0] ?? null;
      if (next !== s.service_area_id) {
        setArea.run(next, now, orgId, s.id);
        changed++;
      }
    }
    return changed;
  }
}

function summaryOf(area: ServiceArea): AreaSummary & { bbox: number[] } {
  return { id: area.id, name: area.name, external_id: area.external_id, bbox: area.bbox };
}

const stores = new WeakMap<Db, ServiceAreaStore>();

/**
 * The one store (and index) per database connection, shared by `app.serviceAreas`, the service-area routes and
 * the demo seed, so a change through any of them is seen by all.
 */
export function serviceAreasFor(db: Db): ServiceAreaStore {
  let store = stores.get(db);
  if (!store) {
    store = new ServiceAreaStore(db);
    stores.set(db, store);
  }
  return store;
}
