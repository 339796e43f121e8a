import type { MultiPolygonCoordinates } from './geojson-schema.js';

/**
 * A polygon packed for the lookup hot path: one Float64Array holding a header and, per latitude band, the
 * edges that reach that band written out in full. A point test reads the header, one band offset and one
 * contiguous run of a few edges: lookups over many areas are bound by cache misses, not arithmetic, so the
 * layout minimises the cache lines touched (an edge spanning several bands is stored once per band).
 *
 * `data` layout:
 * - [0..3] minX, minY, maxX, maxY of all rings (degrees); [4] bandCount; [5] bandScale.
 * - [6 .. 6 + bandCount]: bandStarts; band b's edges are data[bandStarts[b] .. bandStarts[b + 1]), four numbers
 *   per edge: x1, y1, x2, y2.
 * The band of latitude y is min(bandCount - 1, max(0, floor((y - minY) * bandScale))).
 */
export interface FlatPolygon {
  data: Float64Array;
  /** Bounding box of all rings, degrees (also in data[0..3]; kept here for the R-tree). */
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  bandCount: number;
}

const HEADER = 6;
/** Edges per band aimed at: a test then reads a handful of edges whatever the polygon's size. */
const EDGES_PER_BAND = 4;
const MAX_BANDS = 1024;

function bandOf(y: number, minY: number, scale: number, count: number): number {
  const b = Math.floor((y - minY) * scale);
  return b < 0 ? 0 : b >= count ? count - 1 : b;
}

/** Packs one GeoJSON polygon (shell, then holes), each ring closed. */
export function flattenPolygon(rings: number[][][]): FlatPolygon {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  // Every edge of every ring as x1, y1, x2, y2.
  const edges: number[] = [];
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i++) {
      const x = ring[i]![0]!, y = ring[i]![1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      if (i + 1 < ring.length) edges.push(x, y, ring[i + 1]![0]!, ring[i + 1]![1]!);
    }
  }
  const edgeCount = edges.length / 4;
  const bandCount = Math.max(1, Math.min(MAX_BANDS, Math.ceil(edgeCount / EDGES_PER_BAND)));
  const bandScale = maxY > minY ? bandCount / (maxY - minY) : 0;
  // Bands come from the same monotonic formula for edge ends and query points, so an edge whose latitude range
  // holds y is always listed in y's band (rounding cannot split them).
  const lo = new Uint32Array(edgeCount);
  const hi = new Uint32Array(edgeCount);
  const perBand = new Uint32Array(bandCount);
  for (let e = 0; e < edgeCount; e++) {
    const y1 = edges[4 * e + 1]!, y2 = edges[4 * e + 3]!;
    lo[e] = bandOf(Math.min(y1, y2), minY, bandScale, bandCount);
    hi[e] = bandOf(Math.max(y1, y2), minY, bandScale, bandCount);
    for (let b = lo[e]!; b <= hi[e]!; b++) perBand[b]!++;
  }
  let listed = 0;
  for (let b = 0; b < bandCount; b++) listed += perBand[b]!;

  const data = new Float64Array(HEADER + bandCount + 1 + 4 * listed);
  data.set([minX, minY, maxX, maxY, bandCount, bandScale]);
  const fill = new Uint32Array(bandCount);
  let at = HEADER + bandCount + 1;
  for (let b = 0; b < bandCount; b++) {
    data[HEADER + b] = at;
    fill[b] = at;
    at += 4 * perBand[b]!;
  }
  data[HEADER + bandCount] = at;
  for (let e = 0; e < edgeCount; e++) {
    for (let b = lo[e]!; b <= hi[e]!; b++) {
      const k = fill[b]!;
      data[k] = edges[4 * e]!;
      data[k + 1] = edges[4 * e + 1]!;
      data[k + 2] = edges[4 * e + 2]!;
      data[k + 3] = edges[4 * e + 3]!;
      fill[b] = k + 4;
    }
  }
  return { data, minX, minY, maxX, maxY, bandCount };
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
  const d = polygon.data;
  const minY = d[1]!;
  if (x < d[0]! || y < minY || x > d[2]! || y > d[3]!) return false;
  const bandCount = d[4]!;
  let band = Math.floor((y - minY) * d[5]!);
  if (band >= bandCount) band = bandCount - 1;
  const end = d[HEADER + band + 1]!;
  let inside = false;
  for (let k = d[HEADER + band]!; k < end; k += 4) {
    // (u, v): the edge's ends relative to the query point.
    const u1 = d[k]! - x;
    const v1 = d[k + 1]! - y;
    const u2 = d[k + 2]! - x;
    const v2 = d[k + 3]! - y;
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
