/**
 * Geometry for demo drivers: where a driver is a fraction of the way along a leg, and which way it faces.
 * Legs in a city are a few kilometres, so a straight interpolation in degrees is indistinguishable on the map
 * from the great circle; the heading uses the proper initial bearing.
 */

export interface LatLng {
  lat: number;
  lng: number;
}

const RAD = Math.PI / 180;

/** Initial great-circle bearing from `from` to `to`, degrees clockwise from north in [0, 360). */
export function bearingDeg(from: LatLng, to: LatLng): number {
  const phi1 = from.lat * RAD;
  const phi2 = to.lat * RAD;
  const dLambda = (to.lng - from.lng) * RAD;
  const y = Math.sin(dLambda) * Math.cos(phi2);
  const x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dLambda);
  const deg = Math.atan2(y, x) / RAD;
  return (deg + 360) % 360;
}

/** The point `fraction` (clamped to 0..1) of the way from `from` to `to`. */
export function pointAlong(from: LatLng, to: LatLng, fraction: number): LatLng {
  const f = Math.min(1, Math.max(0, fraction));
  return { lat: from.lat + (to.lat - from.lat) * f, lng: from.lng + (to.lng - from.lng) * f };
}

export interface WalkState {
  position: LatLng;
  headingDeg: number;
  /** Index of the leg being driven (leg i goes from point i to point i + 1); legs.length when done. */
  legIndex: number;
  done: boolean;
}

/**
 * Where a driver is `elapsedMs` after leaving point 0, when every leg takes `legMs` and each intermediate point
 * holds the driver `dwellMs` (the stop's service).
 */
export function walkAt(points: readonly LatLng[], elapsedMs: number, legMs: number, dwellMs: number): WalkState {
  const legs = points.length - 1;
  if (legs < 1) {
    const only = points[0] ?? { lat: 0, lng: 0 };
    return { position: only, headingDeg: 0, legIndex: 0, done: true };
  }
  const cycle = legMs + dwellMs;
  const t = Math.max(0, elapsedMs);
  const legIndex = Math.floor(t / cycle);
  if (legIndex >= legs) {
    const last = points[legs]!;
    return { position: last, headingDeg: bearingDeg(points[legs - 1]!, last), legIndex: legs, done: true };
  }
  const from = points[legIndex]!;
  const to = points[legIndex + 1]!;
  const inLeg = t - legIndex * cycle;
  // The dwell comes after driving the leg: the driver stands at the leg's end point.
  return { position: pointAlong(from, to, inLeg / legMs), headingDeg: bearingDeg(from, to), legIndex, done: false };
}
