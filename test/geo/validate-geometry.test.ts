import { describe, expect, it } from 'vitest';
import { areaGeoJsonSchema, type AreaFeature, type AreaGeoJson } from '../../src/geo/geojson-schema.js';
import { validateAreaGeoJson } from '../../src/geo/validate-geometry.js';

const square = (x0: number, y0: number, x1: number, y1: number): number[][] => [
  [x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0],
];

function feature(coordinates: number[][][]): AreaFeature {
  return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates } };
}

function problemsOf(input: AreaGeoJson) {
  const result = validateAreaGeoJson(input);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('validateAreaGeoJson', () => {
  it('merges a FeatureCollection of Polygon and MultiPolygon into one MultiPolygon with its bbox', () => {
    const input: AreaGeoJson = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(0, 0, 10, 10), square(4, 4, 6, 6)] } },
        {
          type: 'Feature', properties: null,
          geometry: { type: 'MultiPolygon', coordinates: [[square(20, 0, 30, 10)], [[[40, 0, 12], [41, 0, 12], [41, 1, 12], [40, 0, 12]]]] },
        },
      ],
    };
    const result = validateAreaGeoJson(input);
    expect(result).toEqual({
      ok: true,
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [square(0, 0, 10, 10), square(4, 4, 6, 6)],
          [square(20, 0, 30, 10)],
          [[[40, 0], [41, 0], [41, 1], [40, 0]]],
        ],
      },
      bbox: [0, 0, 41, 10],
    });
  });

  it('names the feature and ring of an unclosed ring', () => {
    const input: AreaGeoJson = {
      type: 'FeatureCollection',
      features: [feature([square(0, 0, 1, 1)]), feature([square(0, 0, 1, 1), [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.5]]])],
    };
    expect(problemsOf(input)).toEqual([
      expect.objectContaining({ feature_index: 1, polygon_index: 0, ring_index: 1, position_index: 3, problem: 'unclosed_ring' }),
    ]);
  });

  it('refuses rings with fewer than 4 positions or fewer than 3 distinct corners', () => {
    expect(problemsOf(feature([[[0, 0], [1, 0], [0, 0]]]))).toEqual([
      expect.objectContaining({ feature_index: 0, problem: 'too_few_positions' }),
    ]);
    expect(problemsOf(feature([[[0, 0], [1, 0], [1, 0], [0, 0]]]))).toEqual([
      expect.objectContaining({ feature_index: 0, problem: 'too_few_positions' }),
    ]);
  });

  it('refuses coordinates out of range with the position index', () => {
    const problems = problemsOf(feature([[[0, 0], [10, 0], [10, 91], [0, 0]]]));
    expect(problems).toEqual([
      expect.objectContaining({ feature_index: 0, ring_index: 0, position_index: 2, problem: 'coordinate_out_of_range' }),
    ]);
    expect(problems[0]!.message).toContain('[10, 91]');
    expect(problemsOf(feature([[[-180.5, 0], [10, 0], [10, 1], [-180.5, 0]]]))[0]!.problem).toBe('coordinate_out_of_range');
  });

  it('refuses self-intersecting rings: a bow tie, a touching vertex, an edge folding back', () => {
    const bowTie = [[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]];
    expect(problemsOf(feature([bowTie]))).toEqual([
      expect.objectContaining({ feature_index: 0, problem: 'self_intersection' }),
    ]);
    // Figure eight meeting in one vertex (1, 1).
    const figureEight = [[0, 0], [1, 1], [2, 0], [2, 2], [1, 1], [0, 2], [0, 0]];
    expect(problemsOf(feature([figureEight]))[0]!.problem).toBe('self_intersection');
    const spike = [[0, 0], [2, 0], [3, 0], [1, 0], [1, 1], [0, 0]];
    expect(problemsOf(feature([spike]))[0]!.problem).toBe('self_intersection');
    // A hole that intersects itself is reported with its ring index.
    const holeBowTie = [[4, 4], [6, 6], [6, 4], [4, 6], [4, 4]];
    expect(problemsOf(feature([square(0, 0, 10, 10), holeBowTie]))).toEqual([
      expect.objectContaining({ ring_index: 1, problem: 'self_intersection' }),
    ]);
  });

  it('refuses a hole outside its shell and accepts one touching it', () => {
    expect(problemsOf(feature([square(0, 0, 10, 10), square(12, 2, 14, 4)]))).toEqual([
      expect.objectContaining({ feature_index: 0, polygon_index: 0, ring_index: 1, position_index: 0, problem: 'hole_outside_shell' }),
    ]);
    expect(problemsOf(feature([square(0, 0, 10, 10), square(8, 2, 12, 4)]))[0]).toMatchObject({ ring_index: 1, position_index: 1 });
    expect(validateAreaGeoJson(feature([square(0, 0, 10, 10), square(0, 2, 4, 4)])).ok).toBe(true);
  });

  it('accepts repeated consecutive positions and a concave ring', () => {
    const concave = [[0, 0], [4, 0], [4, 4], [2, 1], [2, 1], [0, 4], [0, 0]];
    expect(validateAreaGeoJson(feature([concave])).ok).toBe(true);
  });

  it('refuses an edge spanning more than 180° and accepts the same shape cut at the antimeridian', () => {
    const crossing = [[170, -10], [-170, -10], [-170, 10], [170, 10], [170, -10]];
    const problems = problemsOf(feature([crossing]));
    expect(problems).toEqual([expect.objectContaining({ problem: 'crosses_antimeridian' })]);
    expect(problems[0]!.message).toContain('MultiPolygon');
    const cut: AreaGeoJson = {
      type: 'Feature',
      geometry: { type: 'MultiPolygon', coordinates: [[square(170, -10, 180, 10)], [square(-180, -10, -170, 10)]] },
    };
    expect(validateAreaGeoJson(cut).ok).toBe(true);
  });

  it('lists problems of several features at once', () => {
    const input: AreaGeoJson = {
      type: 'FeatureCollection',
      features: [feature([[[0, 0], [1, 0], [1, 1]]]), feature([square(0, 0, 1, 1)]), feature([[[0, 0], [1, 0], [0, 0]]])],
    };
    expect(problemsOf(input).map((p) => [p.feature_index, p.problem])).toEqual([
      [0, 'too_few_positions'],
      [2, 'too_few_positions'],
    ]);
  });
});

describe('areaGeoJsonSchema', () => {
  it('accepts a Feature and a FeatureCollection and rejects other geometry types with the feature path', () => {
    expect(areaGeoJsonSchema.safeParse(feature([square(0, 0, 1, 1)])).success).toBe(true);
    const line = {
      type: 'FeatureCollection',
      features: [feature([square(0, 0, 1, 1)]), { type: 'Feature', geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } }],
    };
    const parsed = areaGeoJsonSchema.safeParse(line);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path.slice(0, 2)).toEqual(['features', 1]);
  });

  it('rejects positions that are not 2 or 3 numbers', () => {
    expect(areaGeoJsonSchema.safeParse(feature([[[0], [1, 0], [1, 1], [0]]])).success).toBe(false);
    expect(areaGeoJsonSchema.safeParse(feature([[[0, 0, 0, 0], [1, 0], [1, 1], [0, 0, 0, 0]]])).success).toBe(false);
  });
});
