import { describe, expect, it } from 'vitest';
import { bearingDeg, pointAlong, walkAt } from '../../src/demo/route-walk.js';

describe('bearingDeg', () => {
  it('points north, east, south and west', () => {
    const o = { lat: 59.4, lng: 24.7 };
    expect(bearingDeg(o, { lat: 59.5, lng: 24.7 })).toBeCloseTo(0, 6);
    expect(bearingDeg(o, { lat: 59.4, lng: 24.8 })).toBeCloseTo(90, 0);
    expect(bearingDeg(o, { lat: 59.3, lng: 24.7 })).toBeCloseTo(180, 6);
    expect(bearingDeg(o, { lat: 59.4, lng: 24.6 })).toBeCloseTo(270, 0);
  });
});

describe('walkAt', () => {
  const points = [
    { lat: 0, lng: 0 },
    { lat: 1, lng: 0 },
    { lat: 1, lng: 1 },
  ];

  it('moves along each leg, waits at the stop, then stops at the end', () => {
    expect(walkAt(points, 0, 1000, 500)).toEqual({ position: { lat: 0, lng: 0 }, headingDeg: 0, legIndex: 0, done: false });
    expect(walkAt(points, 500, 1000, 500).position).toEqual({ lat: 0.5, lng: 0 });
    // Dwelling at the first stop: still on leg 0, standing at its end.
    expect(walkAt(points, 1200, 1000, 500)).toMatchObject({ position: { lat: 1, lng: 0 }, legIndex: 0 });
    const second = walkAt(points, 2000, 1000, 500);
    expect(second.legIndex).toBe(1);
    expect(second.position.lat).toBe(1);
    expect(second.position.lng).toBeCloseTo(0.5, 9);
    expect(second.headingDeg).toBeCloseTo(89.99, 1);
    expect(walkAt(points, 10_000, 1000, 500)).toMatchObject({ position: { lat: 1, lng: 1 }, legIndex: 2, done: true });
  });

  it('clamps fractions and copes with a route of one point', () => {
    expect(pointAlong(points[0]!, points[1]!, 2)).toEqual({ lat: 1, lng: 0 });
    expect(walkAt([{ lat: 3, lng: 4 }], 100, 1000, 0)).toMatchObject({ position: { lat: 3, lng: 4 }, done: true });
  });
});
