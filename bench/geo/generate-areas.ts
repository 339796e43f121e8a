import type { MultiPolygonCoordinates } from '../../src/geo/geojson-schema.js';

import { seededRandom } from '../../src/util/seeded-random.js';

export { seededRandom };

export interface GeneratedArea {
  id: string;
  coordinates: MultiPolygonCoordinates;
}

/** A closed star-shaped (hence simple) ring around (cx, cy); `reverse` for holes. */
function starRing(random: () => number, cx: number, cy: number, radius: number, corners: number, reverse: boolean): number[][] {
  const ring: number[][] = [];
  for (let k = 0; k < corners; k++) {
    const angle = (2 * Math.PI * k) / corners;
    const r = radius * (0.6 + 0.4 * random());
    ring.push([cx + Math.cos(angle) * r, cy + Math.sin(angle) * r]);
  }
  if (reverse) ring.reverse();
  ring.push([...ring[0]!]);
  return ring;
}

/**
 * `count` areas shaped like city delivery zones: star polygons of 16–64 corners, ~0.01–0.03° across, spread
 * over a square around Tallinn whose side grows with √count, so every size has the same density (a point
 * lies in about one area on average). A fifth have a hole, a fifth are MultiPolygons of two parts.
 */
export function generateAreas(count: number, seed: number): { areas: GeneratedArea[]; side: number; west: number; south: number } {
  const random = seededRandom(seed);
  const side = Math.sqrt(count) * 0.015;
  const west = 24.5, south = 59.3;
  const areas: GeneratedArea[] = [];
  for (let i = 0; i < count; i++) {
    const parts = random() < 0.2 ? 2 : 1;
    const coordinates: MultiPolygonCoordinates = [];
    for (let p = 0; p < parts; p++) {
      const cx = west + random() * side;
      const cy = south + random() * side;
      const radius = 0.005 + random() * 0.01;
      const corners = 16 + Math.floor(random() * 49);
      const rings = [starRing(random, cx, cy, radius, corners, false)];
      if (random() < 0.2) rings.push(starRing(random, cx, cy, radius * 0.25, 12, true));
      coordinates.push(rings);
    }
    areas.push({ id: `area_${String(i).padStart(20, '0')}`, coordinates });
  }
  return { areas, side, west, south };
}

/** `count` query points uniform over the generated square, packed [lng, lat, lng, lat, ...]. */
export function generatePoints(count: number, seed: number, bounds: { side: number; west: number; south: number }): Float64Array {
  const random = seededRandom(seed);
  const points = new Float64Array(count * 2);
  for (let i = 0; i < count; i++) {
    points[2 * i] = bounds.west + random() * bounds.side;
    points[2 * i + 1] = bounds.south + random() * bounds.side;
  }
  return points;
}
