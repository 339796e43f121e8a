/** Turns an address into coordinates; null when the address is not found. */
export interface Geocoder {
  geocode(address: string): Promise<{ lat: number; lng: number } | null>;
}
