/**
 * The straight-line travel model: great-circle distance at an average speed. It is the zero-setup default for
 * every plan, schedule and live ETA in Milkrun, so it has exactly one home; it lives in the solver because the
 * solver imports nothing of ours and builds its own matrices from coordinates. `src/geo/haversine.ts` and the
 * tracking code re-export or call it.
 */

/** Mean Earth radius in metres (IUGG), the radius every distance in Milkrun uses. */
export const EARTH_RADIUS_M = 6_371_008.8;

/** Average road speed assumed on straight lines, km/h, when neither the problem nor the vehicle says otherwise. */
export const DEFAULT_SPEED_KMH = 40;

const DEG_TO_RAD = Math.PI / 180;

/** Great-circle distance in metres between two WGS 84 points given in degrees. */
export function haversineM(latA: number, lngA: number, latB: number, lngB: number): number {
  const dLat = (latB - latA) * DEG_TO_RAD;
  const dLng = (lngB - lngA) * DEG_TO_RAD;
  const sinLat = Math.sin(dLat / 2);
  const sinLng = Math.sin(dLng / 2);
  const h = sinLat * sinLat + Math.cos(latA * DEG_TO_RAD) * Math.cos(latB * DEG_TO_RAD) * sinLng * sinLng;
  // min() guards asin against h creeping past 1 by rounding for antipodal points.
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Metres per second at `speedKmh`. */
export function metresPerSecond(speedKmh: number = DEFAULT_SPEED_KMH): number {
  return (speedKmh * 1000) / 3600;
}
