/** Mean Earth radius in metres (IUGG), the radius every distance in Milkrun uses. */
export const EARTH_RADIUS_M = 6_371_008.8;

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
