import type { MultiPolygonCoordinates } from './geojson-schema.js';

/**
 * A polygon packed for the lookup hot path: every ring's positions in one Float64Array, no objects per vertex.
 * Rings keep their closing repeat so each edge is (i, i + 1) within a ring.
 */
export interface FlatPolygon {
  /** coords[2k], coords[2k + 1]: longitude and latitude of the k-th position over all rings, shell first. */
  coords: Float64Array;
  /** ringEnds[r]: one past the last position index of ring r; ring r starts at ringEnds[r - 1] (0 for r = 0). */
  ringEnds: Uint32Array;
  /** Bounding box of the shell, degrees. */
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Packs one GeoJSON polygon (shell, then holes), each ring closed. */
export function flattenPolygon(rings: number[][][]): FlatPolygon {
  let total = 0;
  for (const ring of rings) total += ring.length;
  const coords = new Float64Array(total * 2);
  const ringEnds = new Uint32Array(rings.length);
  let k = 0;
  rings.forEach((ring, r) => {
    for (const p of ring) {
      coords[2 * k] = p[0]!;
      coords[2 * k + 1] = p[1]!;
      k++;
    }
    ringEnds[r] = k;
  });
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const shellEnd = ringEnds[0] ?? 0;
  for (let i = 0; i < shellEnd; i++) {
    const x = coords[2 * i]!, y = coords[2 * i + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { coords, ringEnds, minX, minY, maxX, maxY };
}

export function flattenMultiPolygon(coordinates: MultiPolygonCoordinates): FlatPolygon[] {
  return coordinates.map(flattenPolygon);
}

/**
 * Whether (x, y) lies in the polygon, its boundary included (also the boundary of a hole: the polygon is a
 * closed set). Crossing-number test over all rings at once, so a point inside a hole crosses the shell and the
 * hole and ends outside. Same decisions as turf's booleanPointInPolygon (point-in-polygon-hao), but on packed
 * coordinates and with a plain floating-point orientation: the two can differ only for points within rounding
 * error (~1e-15°, nanometres) of an edge.
 */
export function pointInFlatPolygon(polygon: FlatPolygon, x: number, y: number): boolean {
  const c = polygon.coords;
  const ends = polygon.ringEnds;
  let inside = false;
  let start = 0;
  for (let r = 0; r < ends.length; r++) {
    const end = ends[r]!;
    // (u, v): the current position relative to the query point.
    let u1 = c[2 * start]! - x;
    let v1 = c[2 * start + 1]! - y;
    for (let i = start + 1; i < end; i++) {
      const u2 = c[2 * i]! - x;
      const v2 = c[2 * i + 1]! - y;
      if (v1 === 0 && v2 === 0) {
        // Horizontal edge on the query's latitude: on the boundary when it spans the query's longitude.
        if ((u2 <= 0 && u1 >= 0) || (u1 <= 0 && u2 >= 0)) return true;
      } else if ((v2 >= 0 && v1 <= 0) || (v2 <= 0 && v1 >= 0)) {
        const turn = u2 * v1 - u1 * v2;
        if (turn === 0) return true;
        if ((turn > 0 && v2 > 0 && v1 <= 0) || (turn < 0 && v2 <= 0 && v1 > 0)) inside = !inside;
      }
      u1 = u2;
      v1 = v2;
    }
    start = end;
  }
  return inside;
}
