import { booleanPointInPolygon } from '@turf/turf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattenPolygon, pointInFlatPolygon } from '../../src/geo/flat-polygon.js';
import { ServiceAreaIndex, approximateSizeM2 } from '../../src/geo/service-area-index.js';

const square = (x0: number, y0: number, x1: number, y1: number): number[][] => [
  [x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0],
];

const ORG = 'org_a';

/** Area A: a 10° square with a 2° hole, plus a second square 10° east of it. */
function indexWithDonut(): ServiceAreaIndex {
  const index = new ServiceAreaIndex();
  index.set(ORG, {
    id: 'area_donut',
    coordinates: [[square(0, 0, 10, 10), square(4, 4, 6, 6)], [square(20, 0, 30, 10)]],
  });
  return index;
}

describe('ServiceAreaIndex.lookup', () => {
  it('counts the outline, corners included, as inside', () => {
    const index = indexWithDonut();
    expect(index.lookup(ORG, 5, 0)).toEqual(['area_donut']); // west edge (lat 5, lng 0)
    expect(index.lookup(ORG, 0, 0)).toEqual(['area_donut']); // corner
    expect(index.lookup(ORG, 10, 7)).toEqual(['area_donut']); // north edge
    expect(index.lookup(ORG, 5, 10.000001)).toEqual([]); // just outside
  });

  it('excludes the inside of a hole but keeps the hole outline', () => {
    const index = indexWithDonut();
    expect(index.lookup(ORG, 5, 5)).toEqual([]);
    expect(index.lookup(ORG, 5.5, 4.5)).toEqual([]);
    expect(index.lookup(ORG, 5, 4)).toEqual(['area_donut']);
    expect(index.lookup(ORG, 3.9, 5)).toEqual(['area_donut']);
  });

  it('finds points in the second polygon of a MultiPolygon and nothing between the polygons', () => {
    const index = indexWithDonut();
    expect(index.lookup(ORG, 5, 25)).toEqual(['area_donut']);
    expect(index.lookup(ORG, 5, 15)).toEqual([]);
  });

  it('lists overlapping areas smallest first, each once', () => {
    const index = new ServiceAreaIndex();
    index.set(ORG, { id: 'area_city', coordinates: [[square(0, 0, 10, 10)], [square(5, 5, 12, 12)]] });
    index.set(ORG, { id: 'area_centre', coordinates: [[square(4, 4, 7, 7)]] });
    expect(index.lookup(ORG, 6, 6)).toEqual(['area_centre', 'area_city']);
    expect(index.lookup(ORG, 1, 1)).toEqual(['area_city']);
    expect(index.lookup(ORG, 11, 11)).toEqual(['area_city']);
  });

  it('handles an area cut at the antimeridian on both sides and on ±180°', () => {
    const index = new ServiceAreaIndex();
    index.set(ORG, { id: 'area_fiji', coordinates: [[square(177, -19, 180, -16)], [square(-180, -19, -178, -16)]] });
    expect(index.lookup(ORG, -17.5, 178.4)).toEqual(['area_fiji']);
    expect(index.lookup(ORG, -17.5, -179.2)).toEqual(['area_fiji']);
    expect(index.lookup(ORG, -17.5, 180)).toEqual(['area_fiji']);
    expect(index.lookup(ORG, -17.5, -180)).toEqual(['area_fiji']);
    expect(index.lookup(ORG, -17.5, 0)).toEqual([]);
    expect(index.lookup(ORG, -17.5, -177)).toEqual([]);
  });

  it('keeps organizations apart', () => {
    const index = indexWithDonut();
    expect(index.lookup('org_b', 1, 1)).toEqual([]);
    expect(index.count('org_b')).toBe(0);
    expect(index.count(ORG)).toBe(1);
  });
});

describe('ServiceAreaIndex updates', () => {
  it('moves an area on update and forgets it on remove, leaving the others', () => {
    const index = indexWithDonut();
    index.set(ORG, { id: 'area_other', coordinates: [[square(50, 50, 51, 51)]] });
    index.set(ORG, { id: 'area_donut', coordinates: [[square(100, 0, 101, 1)]] });
    expect(index.lookup(ORG, 1, 1)).toEqual([]);
    expect(index.lookup(ORG, 5, 25)).toEqual([]);
    expect(index.lookup(ORG, 0.5, 100.5)).toEqual(['area_donut']);
    expect(index.count(ORG)).toBe(2);

    expect(index.remove(ORG, 'area_donut')).toBe(true);
    expect(index.remove(ORG, 'area_donut')).toBe(false);
    expect(index.lookup(ORG, 0.5, 100.5)).toEqual([]);
    expect(index.lookup(ORG, 50.5, 50.5)).toEqual(['area_other']);
    expect(index.remove(ORG, 'area_other')).toBe(true);
    expect(index.count(ORG)).toBe(0);
  });

  it('bulk load replaces what an organization had', () => {
    const index = indexWithDonut();
    index.load(ORG, [
      { id: 'area_1', coordinates: [[square(0, 0, 1, 1)]] },
      { id: 'area_2', coordinates: [[square(0, 0, 2, 2)]] },
    ]);
    expect(index.count(ORG)).toBe(2);
    expect(index.lookup(ORG, 0.5, 0.5)).toEqual(['area_1', 'area_2']);
    expect(index.lookup(ORG, 5, 25)).toEqual([]);
    index.load(ORG, []);
    expect(index.count(ORG)).toBe(0);
  });
});

describe('approximateSizeM2', () => {
  it('is about 12,364 km² for one degree square at the equator, minus holes', () => {
    expect(approximateSizeM2([[square(0, 0, 1, 1)]]) / 1e6).toBeCloseTo(12_364, -1);
    const withHole = approximateSizeM2([[square(0, 0, 1, 1), square(0, 0, 0.5, 1)]]);
    expect(withHole / 1e6).toBeCloseTo(12_364 / 2, -1);
  });
});

/** A star-shaped (hence simple) polygon around (cx, cy) with a hole of half its radius. */
function starPolygon(cx: number, cy: number, radii: number[], withHole: boolean): number[][][] {
  const ring = (scale: number, reverse: boolean): number[][] => {
    const pts = radii.map((r, k) => {
      const a = (2 * Math.PI * k) / radii.length;
      return [cx + Math.cos(a) * r * scale, cy + Math.sin(a) * r * scale];
    });
    if (reverse) pts.reverse();
    pts.push([...pts[0]!]);
    return pts;
  };
  const minR = Math.min(...radii);
  const rings = [ring(1, false)];
  if (withHole) rings.push(ring((minR * 0.5) / Math.max(...radii), true));
  return rings;
}

describe('pointInFlatPolygon agrees with turf booleanPointInPolygon', () => {
  it('on random star polygons with holes and random points', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.2, max: 3, noNaN: true }), { minLength: 3, maxLength: 24 }),
        fc.boolean(),
        fc.array(fc.tuple(fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: -4, max: 4, noNaN: true })), {
          minLength: 1, maxLength: 30,
        }),
        (radii, withHole, points) => {
          const rings = starPolygon(0, 0, radii, withHole);
          const flat = flattenPolygon(rings);
          const turfPolygon = { type: 'Polygon' as const, coordinates: rings };
          for (const [x, y] of points) {
            expect(pointInFlatPolygon(flat, x, y)).toBe(booleanPointInPolygon([x, y], turfPolygon));
          }
          // Every vertex is on the boundary, hence inside for both.
          for (const ring of rings) {
            for (const [x, y] of ring) expect(pointInFlatPolygon(flat, x!, y!)).toBe(true);
          }
        },
      ),
      { numRuns: 150, seed: 42 },
    );
  });

  it('on grid points of an axis-aligned polygon with a hole, boundary included', () => {
    const rings = [[[0, 0], [6, 0], [6, 2], [3, 2], [3, 4], [6, 4], [6, 6], [0, 6], [0, 0]], square(1, 1, 2, 5)];
    const flat = flattenPolygon(rings);
    for (let x = -1; x <= 7; x += 0.5) {
      for (let y = -1; y <= 7; y += 0.5) {
        expect(pointInFlatPolygon(flat, x, y)).toBe(booleanPointInPolygon([x, y], { type: 'Polygon', coordinates: rings }));
      }
    }
  });
});

describe('ServiceAreaIndex agrees with a plain loop of turf tests', () => {
  it('on many overlapping random areas, after updates and removals', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            cx: fc.double({ min: -5, max: 5, noNaN: true }),
            cy: fc.double({ min: -5, max: 5, noNaN: true }),
            radii: fc.array(fc.double({ min: 0.3, max: 3, noNaN: true }), { minLength: 3, maxLength: 12 }),
            hole: fc.boolean(),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        fc.array(fc.tuple(fc.double({ min: -9, max: 9, noNaN: true }), fc.double({ min: -9, max: 9, noNaN: true })), {
          minLength: 1, maxLength: 40,
        }),
        (specs, points) => {
          const index = new ServiceAreaIndex();
          const shapes = specs.map((s, i) => ({ id: `area_${i}`, coordinates: [starPolygon(s.cx, s.cy, s.radii, s.hole)] }));
          index.load(ORG, shapes.slice(0, Math.ceil(shapes.length / 2)));
          for (const shape of shapes.slice(Math.ceil(shapes.length / 2))) index.set(ORG, shape);
          // Remove every third area again.
          const live = shapes.filter((_, i) => i % 3 !== 2);
          shapes.forEach((s, i) => i % 3 === 2 && index.remove(ORG, s.id));
          for (const [x, y] of points) {
            const expected = live
              .filter((s) => booleanPointInPolygon([x, y], { type: 'MultiPolygon', coordinates: s.coordinates }))
              .map((s) => s.id)
              .sort();
            expect(index.lookup(ORG, y, x).sort()).toEqual(expected);
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });
});

describe('pointInFlatPolygon latitude bands', () => {
  it('agrees with turf on a 160-edge staircase, on band boundaries, stair treads and corners', () => {
    // Stairs up the east side from (0, 0) to (40, 40), straight back down the west side: horizontal edges sit
    // exactly on band boundaries (40 bands over 40 units of latitude).
    const ring: number[][] = [[0, 0]];
    for (let s = 0; s < 40; s++) ring.push([s + 1, s], [s + 1, s + 1]);
    ring.push([0, 40], [0, 0]);
    const rings = [ring, [[0.25, 20], [0.75, 20], [0.75, 30], [0.25, 30], [0.25, 20]]];
    const flat = flattenPolygon(rings);
    expect(flat.bandCount).toBeGreaterThan(10);
    const turfPolygon = { type: 'Polygon' as const, coordinates: rings };
    let inside = 0;
    for (let y = -0.5; y <= 40.5; y += 0.25) {
      for (let x = -0.5; x <= 41; x += 0.25) {
        const expected = booleanPointInPolygon([x, y], turfPolygon);
        expect(pointInFlatPolygon(flat, x, y)).toBe(expected);
        if (expected) inside++;
      }
    }
    expect(inside).toBeGreaterThan(1000);
  });
});
