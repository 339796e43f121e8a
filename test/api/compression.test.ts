import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

function decode(raw: Buffer, encoding: string | undefined): unknown {
  const bytes = encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw;
  return JSON.parse(bytes.toString('utf8'));
}

const stop = (i: number) => ({
  lat: 59.4 + i * 0.001,
  lng: 24.7,
  address: `Compression street ${i}, Tallinn`,
  customer_name: `Customer ${i}`,
  notes: 'Leave at the door if nobody answers',
});

// Both list paths: pages rendered by SQLite and cached (production), and responses checked against schemas.
describe.each([false, true])('compressed answers (validateResponses: %s)', (validateResponses) => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await makeApp({ validateResponses });
    token = orgWithToken(t.db, 'Squeeze').token;
    const created = await client(t.app, token)('POST', '/api/v1/stops/bulk', {
      stops: Array.from({ length: 30 }, (_, i) => stop(i)),
    });
    expect(created.statusCode).toBe(201);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  async function get(url: string, acceptEncoding?: string) {
    return t.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${token}`, ...(acceptEncoding !== undefined && { 'accept-encoding': acceptEncoding }) },
    });
  }

  it('sends the stop list compressed when the client accepts it, with the same JSON as uncompressed', async () => {
    const plain = await get('/api/v1/stops?limit=100');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const expected = JSON.parse(plain.body);
    expect(expected.data).toHaveLength(30);
    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0.5, gzip', 'gzip'],
    ] as const) {
      const res = await get('/api/v1/stops?limit=100', accept);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
      expect(decode(res.rawPayload, encoding)).toEqual(expected);
    }
    // Encodings the server does not offer fall back to plain JSON.
    const deflateOnly = await get('/api/v1/stops?limit=100', 'deflate');
    expect(deflateOnly.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(deflateOnly.body)).toEqual(expected);
  });

  it('never serves a stale compressed page after a write', async () => {
    const before = await get('/api/v1/stops?limit=100', 'gzip');
    const first = (decode(before.rawPayload, 'gzip') as { data: { id: string }[] }).data[0]!;
    const patched = await client(t.app, token)('PATCH', `/api/v1/stops/${first.id}`, { notes: 'Changed after caching' });
    expect(patched.statusCode).toBe(200);
    for (const accept of ['gzip', 'br']) {
      const after = decode((await get('/api/v1/stops?limit=100', accept)).rawPayload, accept) as {
        data: { id: string; notes: string }[];
      };
      expect(after.data.find((s) => s.id === first.id)!.notes).toBe('Changed after caching');
    }
  });

  it('compresses other large answers and leaves small ones alone', async () => {
    const me = await get('/api/v1/me', 'gzip');
    expect(me.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(me.body).organization.name).toBe('Squeeze');
    // Not a cached page: the compression plugin encodes it.
    const filtered = await get('/api/v1/stops?limit=100&status=pending', 'gzip');
    expect(filtered.statusCode).toBe(200);
    const body = decode(filtered.rawPayload, filtered.headers['content-encoding'] as string) as { data: unknown[] };
    expect(body.data).toHaveLength(30);
  });

  it('stores and replays idempotent writes whole when the answer is compressed', async () => {
    const headers = { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip', 'idempotency-key': `bulk-${validateResponses}` };
    const payload = { stops: Array.from({ length: 20 }, (_, i) => ({ ...stop(100 + i), external_id: `idem-${validateResponses}-${i}` })) };
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/stops/bulk', headers, payload });
    expect(first.statusCode).toBe(201);
    expect(first.headers['content-encoding']).toBe('gzip');
    const firstBody = decode(first.rawPayload, first.headers['content-encoding'] as string | undefined) as {
      data: { id: string }[];
    };
    expect(firstBody.data).toHaveLength(20);
    const replay = await t.app.inject({ method: 'POST', url: '/api/v1/stops/bulk', headers, payload });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['content-encoding']).toBe('gzip');
    expect(decode(replay.rawPayload, replay.headers['content-encoding'] as string | undefined)).toEqual(firstBody);
    // Replayed, not applied twice.
    const all = JSON.parse((await get('/api/v1/stops?limit=200')).body) as { data: unknown[] };
    expect(all.data).toHaveLength(50);
  });

  it('takes gzip-compressed request bodies, and answers a bad body encoding in the error envelope', async () => {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/stops',
      headers: { ...headers, 'content-encoding': 'gzip' },
      payload: gzipSync(JSON.stringify({ ...stop(500), external_id: `gz-${validateResponses}` })),
    });
    expect(created.statusCode).toBe(201);
    expect(JSON.parse(created.body).external_id).toBe(`gz-${validateResponses}`);

    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/stops',
      headers: { ...headers, 'content-encoding': 'zstd-x' },
      payload: 'abc',
    });
    expect(unknown.statusCode).toBe(415);
    expect(JSON.parse(unknown.body).error).toMatchObject({ code: 'bad_request', requestId: unknown.headers['x-request-id'] });
    const corrupt = await t.app.inject({
      method: 'POST',
      url: '/api/v1/stops',
      headers: { ...headers, 'content-encoding': 'gzip' },
      payload: 'not gzip',
    });
    expect(corrupt.statusCode).toBe(400);
    expect(JSON.parse(corrupt.body).error.message).toMatch(/decompress/);
  });
});
