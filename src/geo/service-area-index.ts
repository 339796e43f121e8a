import RBush from 'rbush';
import type { MultiPolygonCoordinates } from './geojson-schema.js';
import { flattenPolygon, pointInFlatPolygon, type FlatPolygon } from './flat-polygon.js';
import { EARTH_RADIUS_M } from './haversine.js';

/**
 * In-memory index of service areas, one R-tree per organization. The tree holds one bounding box per polygon
 * (not per area: the parts of a MultiPolygon can lie far apart), and a lookup runs the exact point-in-polygon
 * test only on the polygons whose box contains the point.
 *
 * Semantics: an area is a closed set, so a point on its outline (or on the outline of one of its holes) is
 * inside. Overlapping areas all match; `lookup` lists them smallest first (the most specific zone), ties by id,
 * and that first area is the one a stop is filed under.
 */

interface AreaEntry {
  id: string;
  /** Approximate surface in m², the ordering key of lookup results. */
  sizeM2: number;
  /** The R-tree items of this area, kept to remove them one by one on update or delete. */
  boxes: PolygonBox[];
}

/** R-tree item: the bounding box of one polygon of one area. */
interface PolygonBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  area: AreaEntry;
  polygon: FlatPolygon;
}

interface OrgAreas {
  tree: RBush<PolygonBox>;
  areas: Map<string, AreaEntry>;
}

export interface AreaShape {
  id: string;
  coordinates: MultiPolygonCoordinates;
}

const DEG_TO_RAD = Math.PI / 180;

/** Surface of a ring by the shoelace formula on an equirectangular projection around the ring's latitude. */
function ringSizeM2(ring: number[][]): number {
  if (ring.length < 4) return 0;
  let meanLat = 0;
  for (const p of ring) meanLat += p[1]!;
  meanLat /= ring.length;
  const kx = Math.cos(meanLat * DEG_TO_RAD) * EARTH_RADIUS_M * DEG_TO_RAD;
  const ky = EARTH_RADIUS_M * DEG_TO_RAD;
  let twice = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    twice += ring[i]![0]! * kx * (ring[i + 1]![1]! * ky) - ring[i + 1]![0]! * kx * (ring[i]![1]! * ky);
  }
  return Math.abs(twice) / 2;
}

/** Approximate surface of a MultiPolygon in m² (shells minus holes), accurate enough to rank zones by size. */
export function approximateSizeM2(coordinates: MultiPolygonCoordinates): number {
  let total = 0;
  for (const polygon of coordinates) {
    polygon.forEach((ring, r) => {
      total += r === 0 ? ringSizeM2(ring) : -ringSizeM2(ring);
    });
  }
  return Math.max(0, total);
}

function byMostSpecific(a: AreaEntry, b: AreaEntry): number {
  return a.sizeM2 - b.sizeM2 || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function makeEntry(shape: AreaShape): AreaEntry {
  const entry: AreaEntry = { id: shape.id, sizeM2: approximateSizeM2(shape.coordinates), boxes: [] };
  for (const rings of shape.coordinates) {
    const polygon = flattenPolygon(rings);
    entry.boxes.push({
      minX: polygon.minX, minY: polygon.minY, maxX: polygon.maxX, maxY: polygon.maxY, area: entry, polygon,
    });
  }
  return entry;
}

export class ServiceAreaIndex {
  private readonly orgs = new Map<string, OrgAreas>();

  private org(orgId: string): OrgAreas {
    let org = this.orgs.get(orgId);
    if (!org) {
      org = { tree: new RBush<PolygonBox>(), areas: new Map() };
      this.orgs.set(orgId, org);
    }
    return org;
  }

  /** Replaces everything known about an organization with `shapes`, bulk-loading its tree (used on start). */
  load(orgId: string, shapes: readonly AreaShape[]): void {
    const org: OrgAreas = { tree: new RBush<PolygonBox>(), areas: new Map() };
    const boxes: PolygonBox[] = [];
    for (const shape of shapes) {
      const entry = makeEntry(shape);
      org.areas.set(entry.id, entry);
      boxes.push(...entry.boxes);
    }
    org.tree.load(boxes);
    if (org.areas.size === 0) this.orgs.delete(orgId);
    else this.orgs.set(orgId, org);
  }

  /** Inserts an area or replaces its geometry; touches only this area's items in the tree. */
  set(orgId: string, shape: AreaShape): void {
    const org = this.org(orgId);
    this.removeEntry(org, shape.id);
    const entry = makeEntry(shape);
    org.areas.set(entry.id, entry);
    for (const box of entry.boxes) org.tree.insert(box);
  }

  /** Removes an area; returns whether it was indexed. */
  remove(orgId: string, areaId: string): boolean {
    const org = this.orgs.get(orgId);
    if (!org) return false;
    const removed = this.removeEntry(org, areaId);
    if (org.areas.size === 0) this.orgs.delete(orgId);
    return removed;
  }

  private removeEntry(org: OrgAreas, areaId: string): boolean {
    const entry = org.areas.get(areaId);
    if (!entry) return false;
    for (const box of entry.boxes) org.tree.remove(box);
    org.areas.delete(areaId);
    return true;
  }

  /** Number of areas an organization has. */
  count(orgId: string): number {
    return this.orgs.get(orgId)?.areas.size ?? 0;
  }

  /** Ids of the organization's areas containing the point, most specific (smallest) first; [] outside all. */
  lookup(orgId: string, lat: number, lng: number): string[] {
    const org = this.orgs.get(orgId);
    if (!org) return [];
    const found: AreaEntry[] = [];
    this.collect(org, lat, lng, found);
    // ±180° is one meridian: an area cut at the antimeridian may have its edge on either spelling.
    if (lng === 180) this.collect(org, lat, -180, found);
    else if (lng === -180) this.collect(org, lat, 180, found);
    if (found.length > 1) found.sort(byMostSpecific);
    return found.map((entry) => entry.id);
  }

  private collect(org: OrgAreas, lat: number, lng: number, found: AreaEntry[]): void {
    const candidates = org.tree.search({ minX: lng, minY: lat, maxX: lng, maxY: lat });
    for (let i = 0; i < candidates.length; i++) {
      const box = candidates[i]!;
      if (found.includes(box.area)) continue;
      if (pointInFlatPolygon(box.polygon, lng, lat)) found.push(box.area);
    }
  }
}
