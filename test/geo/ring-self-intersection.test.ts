import { describe, expect, it } from 'vitest';
import { findSelfIntersection } from '../../src/geo/ring-self-intersection.js';

const ring = (points: number[][]) => ({ xs: points.map((p) => p[0]!), ys: points.map((p) => p[1]!) });

describe('findSelfIntersection', () => {
  it('finds nothing in simple rings, convex or not', () => {
    const square = ring([[0, 0], [1, 0], [1, 1], [0, 1]]);
    expect(findSelfIntersection(square.xs, square.ys)).toBeNull();
    const comb = ring([[0, 0], [5, 0], [5, 3], [4, 3], [4, 1], [3, 1], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3]]);
    expect(findSelfIntersection(comb.xs, comb.ys)).toBeNull();
  });

  it('names the two edges of a crossing', () => {
    const bowTie = ring([[0, 0], [2, 2], [2, 0], [0, 2]]);
    expect(findSelfIntersection(bowTie.xs, bowTie.ys)).toEqual({ kind: 'crossing', edges: [0, 2] });
  });

  it('gives up with too_complex past its budget of pair checks instead of running unbounded', () => {
    const square = ring([[0, 0], [1, 0], [1, 1], [0, 1]]);
    expect(findSelfIntersection(square.xs, square.ys, 1)).toEqual({ kind: 'too_complex' });
  });

  it('checks a 10,000-corner zigzag comb (every edge spans the full width) and finds it simple', () => {
    const points: number[][] = [];
    for (let i = 0; i < 10_000; i++) points.push([i % 2 ? 1 : 0, i * 1e-4]);
    points.push([-0.1, 1], [-0.1, 0]);
    const comb = ring(points);
    expect(findSelfIntersection(comb.xs, comb.ys)).toBeNull();
  });
});
