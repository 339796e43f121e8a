import { describe, expect, it } from 'vitest';
import { haversineM } from '../../src/geo/haversine.js';

describe('haversineM', () => {
  it('is zero for the same point and symmetric', () => {
    expect(haversineM(59.437, 24.7536, 59.437, 24.7536)).toBe(0);
    expect(haversineM(59.437, 24.7536, 59.3293, 18.0686)).toBeCloseTo(haversineM(59.3293, 18.0686, 59.437, 24.7536), 6);
  });

  it('gives one degree of latitude as about 111.2 km', () => {
    expect(haversineM(0, 0, 1, 0)).toBeCloseTo(111_195, -1);
  });

  it('measures Tallinn to Helsinki as about 80 km', () => {
    const d = haversineM(59.437, 24.7536, 60.1699, 24.9384);
    expect(d).toBeGreaterThan(80_000);
    expect(d).toBeLessThan(83_000);
  });

  it('goes the short way across the antimeridian', () => {
    expect(haversineM(0, 179.5, 0, -179.5)).toBeCloseTo(111_195, -1);
  });
});
