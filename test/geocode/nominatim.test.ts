import { describe, expect, it } from 'vitest';
import { nominatimGeocoder } from '../../src/geocode/nominatim.js';

/** A fetch that answers from a table and records the URLs asked (no network). */
function fakeFetch(answers: Record<string, { status: number; body: unknown }>, asked: string[]): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    asked.push(url.toString());
    const a = answers[url.searchParams.get('q') ?? ''] ?? { status: 200, body: [] };
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

describe('nominatimGeocoder', () => {
  it('asks /search for one JSON result and reads lat/lon', async () => {
    const asked: string[] = [];
    const g = nominatimGeocoder(
      'http://nominatim.invalid/search',
      fakeFetch({ 'Pikk 19, Tallinn': { status: 200, body: [{ lat: '59.4372', lon: '24.7453', display_name: 'Pikk 19' }] } }, asked),
    );
    expect(await g.geocode('Pikk 19, Tallinn')).toEqual({ lat: 59.4372, lng: 24.7453 });
    const url = new URL(asked[0]!);
    expect(url.pathname).toBe('/search');
    expect(Object.fromEntries(url.searchParams)).toEqual({ q: 'Pikk 19, Tallinn', format: 'json', limit: '1' });
  });

  it('answers null for no result, an error status, or a malformed body', async () => {
    const g = nominatimGeocoder(
      'http://nominatim.invalid/search',
      fakeFetch({ down: { status: 503, body: {} }, odd: { status: 200, body: [{ lat: 'north' }] } }, []),
    );
    expect(await g.geocode('nowhere')).toBeNull();
    expect(await g.geocode('down')).toBeNull();
    expect(await g.geocode('odd')).toBeNull();
  });
});
