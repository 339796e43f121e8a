import type { MultiPolygonCoordinates } from './geojson-schema.js';

/**
 * A polygon packed for the lookup hot path: every ring's positions in one Float64Array, no objects per vertex,
 * plus a band index over latitude so a point test reads only the edges that span the point's latitude.
 * Rings keep their closing repeat so each edge is (i, i + 1) within a ring.
 */
export interface FlatPolygon {
  /** coords[2k], coords[2k + 1]: longitude and latitude of the k-th position over all rings, shell first. */
  coords: Float64Array;
  /** ringEnds[r]: one past the last position index of ring r; ring r starts at ringEnds[r - 1] (0 for r = 0). */
  ringEnds: Uint32Array;
  /** Bounding box of all rings, degrees. */
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** Latitude bands: band of y is min(bandCount - 1, floor((y - minY) * bandScale)). */
  bandCount: number;
  bandScale: number;
  /** bandEdges[bandStarts[b] .. bandStarts[b + 1]): start positions k of the edges (k, k + 1) reaching band b. */
  bandStarts: Uint32Array;
  bandEdges: Uint32Array;
}

/** Edges per band aimed at: a test then reads a handful of edges whatever the polygon's size. */
const EDGES_PER_BAND = 4;
const MAX_BANDS = 1024;

function bandOf(y: number, minY: number, scale: number, count: number): number {
  const b = Math.floor((y - minY) * scale);
  return b < 0 ? 0 : b >= count ? count - 1 : b;
}

/** Packs one GeoJSON polygon (shell, then holes), each ring closed. */
export function flattenPolygon(rings: number[][][]): FlatPolygon {
  let total = 0;
  for (const ring of rings) total += ring.length;
  const coords = new Float64Array(total * 2);
  const ringEnds = new Uint32Array(rings.length);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  let k = 0;
  rings.forEach((ring, r) => {
    for (const p of ring) {
      const x = p[0]!, y = p[1]!;
      coords[2 * k] = x;
      coords[2 * k + 1] = y;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      k++;
    }
    ringEnds[r] = k;
  });

  // Edge starts: every position but the last of each ring.
  const edgeStarts: number[] = [];
  let start = 0;
  for (let r = 0; r < ringEnds.length; r++) {
    for (let i = start; i + 1 < ringEnds[r]!; i++) edgeStarts.push(i);
    start = ringEnds[r]!;
  }
  const bandCount = Math.max(1, Math.min(MAX_BANDS, Math.ceil(edgeStarts.length / EDGES_PER_BAND)));
  const bandScale = maxY > minY ? bandCount / (maxY - minY) : 0;
  // Bands are computed with the same monotonic formula for edge ends and query points, so an edge whose
  // latitude range holds y is always listed in y's band (rounding cannot split them).
  const counts = new Uint32Array(bandCount + 1);
  const ranges = edgeStarts.map((e) => {
    const y1 = coords[2 * e + 1]!, y2 = coords[2 * e + 3]!;
    const lo = bandOf(Math.min(y1, y2), minY, bandScale, bandCount);
    const hi = bandOf(Math.max(y1, y2), minY, bandScale, bandCount);
    for (let b = lo; b <= hi; b++) counts[b + 1]!++;
    return [lo, hi] as const;
  });
  const bandStarts = new Uint32Array(bandCount + 1);
  for (let b = 0; b < bandCount; b++) bandStarts[b + 1] = bandStarts[b]! + counts[b + 1]!;
  const bandEdges = new Uint32Array(bandStarts[bandCount]!);
  const fill = bandStarts.slice(0, bandCount);
  edgeStarts.forEach((e, i) => {
    const [lo, hi] = ranges[i]!;
    for (let b = lo; b <= hi; b++) bandEdges[fill[b]!++] = e;
  });
  return { coords, ringEnds, minX, minY, maxX, maxY, bandCount, bandScale, bandStarts, bandEdges };
}

export function flattenMultiPolygon(coordinates: MultiPolygonCoordinates): FlatPolygon[] {
  return coordinates.map(flattenPolygon);
}

/**
 * Whether (x, y) lies in the polygon, its boundary included (also the boundary of a hole: the polygon is a
 * closed set). Crossing-number test over the edges of all rings at once, so a point inside a hole crosses the
 * shell and the hole and ends outside. Only edges whose latitude range holds y can cross the ray or carry the
 * point, so reading the edges of y's band gives the same answer as reading them all.
 *
 * Same decisions as turf's booleanPointInPolygon (point-in-polygon-hao), but on packed coordinates and with a
 * plain floating-point orientation: the two can differ only for points within rounding error (~1e-15°,
 * nanometres) of an edge.
 */
export function pointInFlatPolygon(polygon: FlatPolygon, x: number, y: number): boolean {
  if (y < polygon.minY || y > polygon.maxY || x < polygon.minX || x > polygon.maxX) return false;
  const c = polygon.coords;
  const edges = polygon.bandEdges;
  const band = bandOf(y, polygon.minY, polygon.bandScale, polygon.bandCount);
  const end = polygon.bandStarts[band + 1]!;
  let inside = false;
  for (let i = polygon.bandStarts[band]!; i < end; i++) {
    const k = 2 * edges[i]!;
    // (u, v): the edge's ends relative to the query point.
    const u1 = c[k]! - x;
    const v1 = c[k + 1]! - y;
    const u2 = c[k + 2]! - x;
    const v2 = c[k + 3]! - y;
    if (v1 === 0 && v2 === 0) {
      // Horizontal edge on the query's latitude: on the boundary when it spans the query's longitude.
      if ((u2 <= 0 && u1 >= 0) || (u1 <= 0 && u2 >= 0)) return true;
    } else if ((v2 >= 0 && v1 <= 0) || (v2 <= 0 && v1 >= 0)) {
      const turn = u2 * v1 - u1 * v2;
      if (turn === 0) return true;
      if ((turn > 0 && v2 > 0 && v1 <= 0) || (turn < 0 && v2 <= 0 && v1 > 0)) inside = !inside;
    }
  }
  return inside;
}
