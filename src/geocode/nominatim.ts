import { z } from 'zod';
import type { Geocoder } from './geocoder.js';

const NominatimAnswer = z.array(z.object({ lat: z.coerce.number(), lon: z.coerce.number() }));

/**
 * A geocoder for a Nominatim-compatible `/search` endpoint (a self-hosted Nominatim, or any service answering
 * `?q=...&format=json&limit=1` with `[{ lat, lon }]`). Only used when MILKRUN_GEOCODER_URL is set.
 */
export function nominatimGeocoder(baseUrl: string, fetchImpl: typeof fetch = fetch): Geocoder {
  return {
    async geocode(address) {
      const url = new URL(baseUrl);
      url.searchParams.set('q', address);
      url.searchParams.set('format', 'json');
      url.searchParams.set('limit', '1');
      const res = await fetchImpl(url, {
        headers: { 'user-agent': 'milkrun (self-hosted route optimization)' },
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) return null;
      const parsed = NominatimAnswer.safeParse(await res.json());
      const first = parsed.success ? parsed.data[0] : undefined;
      return first ? { lat: first.lat, lng: first.lon } : null;
    },
  };
}
