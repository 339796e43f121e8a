/** Tracking works on `{lat, lng}` points; the distance itself is the one straight-line model's. */
import { haversineM as haversineDegreesM } from '../solver/straight-line.js';

export interface LatLng {
  lat: number;
  lng: number;
}

/** Great-circle distance in metres between two WGS 84 points. */
export function haversineM(a: LatLng, b: LatLng): number {
  return haversineDegreesM(a.lat, a.lng, b.lat, b.lng);
}
