import type { AreaFeature, AreaGeoJson, AreaMultiPolygon, BBox2D, MultiPolygonCoordinates, Position } from './geojson-schema.js';
import { flattenPolygon, pointInFlatPolygon } from './flat-polygon.js';
import { findSelfIntersection } from './ring-self-intersection.js';

/**
 * Checks service-area geometry beyond its JSON shape and merges every polygon of every feature into one
 * MultiPolygon. Problems name the feature (index in the collection; 0 for a lone Feature), the polygon and the
 * ring, so a client can point at the bad part of a drawing.
 *
 * Antimeridian: refused. A ring with an edge spanning more than 180° of longitude is ambiguous (RFC 7946 §3.1.9
 * asks writers to cut such shapes at ±180°); the problem says so, and a MultiPolygon already cut at ±180°
 * is accepted and looked up correctly on both sides.
 */

export type GeometryProblemCode =
  | 'unclosed_ring'
  | 'too_few_positions'
  | 'coordinate_out_of_range'
  | 'self_intersection'
  | 'hole_outside_shell'
  | 'crosses_antimeridian'
  | 'too_many_positions'
  | 'too_complex';

export interface GeometryProblem {
  feature_index: number;
  polygon_index: number;
  ring_index: number;
  /** The offending position within the ring, when one position is to blame. */
  position_index?: number;
  problem: GeometryProblemCode;
  message: string;
}

export type GeometryValidation =
  | { ok: true; geometry: AreaMultiPolygon; bbox: BBox2D }
  | { ok: false; problems: GeometryProblem[] };

/** Upper bound on positions in one area: keeps validation and the lookup hot path bounded. */
export const MAX_AREA_POSITIONS = 100_000;
/** Problems reported at most; past this, the drawing needs fixing in an editor anyway. */
const MAX_PROBLEMS = 20;

interface RingAt {
  featureIndex: number;
  polygonIndex: number;
  ringIndex: number;
}

/** Returns the problems of one ring (empty when valid). */
function ringProblems(ring: Position[], at: RingAt): GeometryProblem[] {
  const where = { feature_index: at.featureIndex, polygon_index: at.polygonIndex, ring_index: at.ringIndex };
  const label = `feature ${at.featureIndex}, polygon ${at.polygonIndex}, ring ${at.ringIndex}`;
  const problems: GeometryProblem[] = [];

  for (let i = 0; i < ring.length; i++) {
    const [lng, lat] = ring[i] as [number, number];
    if (!(lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90)) {
      problems.push({
        ...where, position_index: i, problem: 'coordinate_out_of_range',
        message: `${label}: position ${i} [${lng}, ${lat}] is outside longitude -180..180 / latitude -90..90`,
      });
      return problems;
    }
  }
  if (ring.length < 4) {
    problems.push({
      ...where, problem: 'too_few_positions',
      message: `${label}: a ring needs at least 4 positions (3 corners and the closing repeat), got ${ring.length}`,
    });
    return problems;
  }
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1]) {
    problems.push({
      ...where, position_index: ring.length - 1, problem: 'unclosed_ring',
      message: `${label}: the last position must repeat the first one`,
    });
    return problems;
  }

  // Distinct consecutive vertices without the closing repeat: repeated points are harmless, not intersections.
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < ring.length - 1; i++) {
    const x = ring[i]![0]!, y = ring[i]![1]!;
    const n = xs.length;
    if (n > 0 && xs[n - 1] === x && ys[n - 1] === y) continue;
    xs.push(x);
    ys.push(y);
  }
  if (xs.length < 3) {
    problems.push({
      ...where, problem: 'too_few_positions',
      message: `${label}: a ring needs at least 3 distinct corners, got ${xs.length}`,
    });
    return problems;
  }

  for (let i = 0; i < xs.length; i++) {
    const j = i + 1 === xs.length ? 0 : i + 1;
    if (Math.abs(xs[j]! - xs[i]!) > 180) {
      problems.push({
        ...where, problem: 'crosses_antimeridian',
        message: `${label}: an edge spans more than 180° of longitude; cut the shape at ±180° into a MultiPolygon`,
      });
      return problems;
    }
  }

  const crossing = findSelfIntersection(xs, ys);
  if (crossing?.kind === 'crossing') {
    problems.push({
      ...where, problem: 'self_intersection',
      message: `${label}: the ring crosses or touches itself (edges ${crossing.edges[0]} and ${crossing.edges[1]} of its distinct corners)`,
    });
  } else if (crossing?.kind === 'too_complex') {
    problems.push({
      ...where, problem: 'too_complex',
      message: `${label}: too many overlapping edges to check for self-intersection; simplify the ring`,
    });
  }
  return problems;
}

/**
 * Holes must lie within their shell (touching it is allowed): a hole outside would, by the crossing rule, add
 * its inside to the area instead of removing it. Checked on the hole's corners, so a hole that pokes out between
 * two corners of the shell is not caught; rings crossing each other are not checked.
 */
function holesOutsideShell(polygon: Position[][], featureIndex: number, polygonIndex: number): GeometryProblem[] {
  if (polygon.length < 2) return [];
  const shell = flattenPolygon([polygon[0]!]);
  const problems: GeometryProblem[] = [];
  for (let r = 1; r < polygon.length; r++) {
    const outside = polygon[r]!.findIndex((p) => !pointInFlatPolygon(shell, p[0]!, p[1]!));
    if (outside >= 0) {
      problems.push({
        feature_index: featureIndex, polygon_index: polygonIndex, ring_index: r, position_index: outside,
        problem: 'hole_outside_shell',
        message: `feature ${featureIndex}, polygon ${polygonIndex}, ring ${r}: position ${outside} of this hole lies outside the polygon's outer ring`,
      });
    }
  }
  return problems;
}

function featuresOf(input: AreaGeoJson): AreaFeature[] {
  return input.type === 'Feature' ? [input] : input.features;
}

/** Validates a Feature or FeatureCollection and returns it as one MultiPolygon of 2D positions with its bbox. */
export function validateAreaGeoJson(input: AreaGeoJson): GeometryValidation {
  const features = featuresOf(input);
  let positions = 0;
  for (const feature of features) {
    const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    for (const polygon of polygons) for (const ring of polygon) positions += ring.length;
  }
  // Counted first: the checks below cost more than linear time, so an oversized drawing is refused before them.
  if (positions > MAX_AREA_POSITIONS) {
    return {
      ok: false,
      problems: [{
        feature_index: 0, polygon_index: 0, ring_index: 0, problem: 'too_many_positions',
        message: `an area may have at most ${MAX_AREA_POSITIONS} positions, got ${positions}`,
      }],
    };
  }
  const problems: GeometryProblem[] = [];
  const coordinates: MultiPolygonCoordinates = [];

  features.forEach((feature, featureIndex) => {
    const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    polygons.forEach((polygon, polygonIndex) => {
      let ringsValid = true;
      polygon.forEach((ring, ringIndex) => {
        const found = ringProblems(ring, { featureIndex, polygonIndex, ringIndex });
        if (found.length > 0) ringsValid = false;
        problems.push(...found);
      });
      if (ringsValid) problems.push(...holesOutsideShell(polygon, featureIndex, polygonIndex));
      coordinates.push(polygon.map((ring) => ring.map((p) => [p[0]!, p[1]!])));
    });
  });

  if (problems.length > 0) return { ok: false, problems: problems.slice(0, MAX_PROBLEMS) };
  return { ok: true, geometry: { type: 'MultiPolygon', coordinates }, bbox: multiPolygonBBox(coordinates) };
}

/** Bounding box of the outer rings (holes lie inside them). */
export function multiPolygonBBox(coordinates: MultiPolygonCoordinates): BBox2D {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const polygon of coordinates) {
    for (const p of polygon[0] ?? []) {
      const x = p[0]!, y = p[1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}
