import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

const pikk = {
  address: 'Pikk 19, 10123 Tallinn',
  lat: 59.4372,
  lng: 24.7453,
  customer_name: 'Mia Lindqvist',
  phone: '+3725123456',
  time_windows: [{ from: '2026-05-08T09:00:00+03:00', to: '2026-05-08T12:00:00+03:00' }],
  service_duration_s: 300,
  demand: [12],
  priority: 5,
  notes: 'Back entrance',
  external_id: 'order-2026-04812',
};

describe('stops', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await makeApp();
    api = client(t.app, orgWithToken(t.db, 'Acme').token);
    other = client(t.app, orgWithToken(t.db, 'Rival').token);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it('creates the contract example, stores UTC windows and the local date', async () => {
    const res = await api('POST', '/api/v1/stops', pikk);
    expect(res.statusCode).toBe(201);
    expect(res.data).toMatchObject({
      address: 'Pikk 19, 10123 Tallinn',
      lat: 59.4372,
      lng: 24.7453,
      status: 'pending',
      time_windows: [{ from: '2026-05-08T06:00:00.000Z', to: '2026-05-08T09:00:00.000Z' }],
      date: '2026-05-08',
      demand: [12],
      external_id: 'order-2026-04812',
      type: 'delivery',
    });
    expect(res.data.id).toMatch(/^stp_[a-z2-7]{20}$/);
    expect(res.data.created_at).toMatch(/Z$/);
  });

  it('upserts on external_id instead of duplicating', async () => {
    const res = await api('POST', '/api/v1/stops', { ...pikk, notes: 'Front door' });
    expect(res.statusCode).toBe(200);
    expect(res.data.notes).toBe('Front door');
    const list = await api('GET', '/api/v1/stops?external_id=order-2026-04812');
    expect(list.data.data).toHaveLength(1);
    expect(list.data.data[0].id).toBe(res.data.id);
  });

  it('validates phone (E.164), priority and coordinates', async () => {
    const res = await api('POST', '/api/v1/stops', { ...pikk, external_id: undefined, phone: '5123456', priority: 11 });
    expect(res.statusCode).toBe(400);
    const fields = res.data.error.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['phone', 'priority']);
    expect(res.data.error.details.find((d: { field: string }) => d.field === 'phone').value).toBe('5123456');
    const noCoords = await api('POST', '/api/v1/stops', { address: 'Somewhere 1' });
    expect(noCoords.statusCode).toBe(400);
    expect(noCoords.data.error.details.map((d: { field: string }) => d.field)).toEqual(['lat', 'lng']);
  });

  it('geocodes an address when a geocoder is configured', async () => {
    const g = await makeApp({}, { geocoder: { geocode: async (a) => (a === 'Known 1' ? { lat: 59.1, lng: 24.1 } : null) } });
    try {
      const c = client(g.app, orgWithToken(g.db, 'G').token);
      const ok = await c('POST', '/api/v1/stops', { address: 'Known 1' });
      expect(ok.statusCode).toBe(201);
      expect([ok.data.lat, ok.data.lng]).toEqual([59.1, 24.1]);
      const down = await makeApp({}, { geocoder: { geocode: async () => { throw new Error('ECONNREFUSED'); } } });
      try {
        const res = await client(down.app, orgWithToken(down.db, 'D').token)('POST', '/api/v1/stops', { address: 'Known 1' });
        expect(res.statusCode).toBe(503);
        expect(res.data.error.code).toBe('unavailable');
      } finally {
        await down.close();
        removeDir(down.dir);
      }
      const missing = await c('POST', '/api/v1/stops', { address: 'Unknown 2' });
      expect(missing.statusCode).toBe(422);
      expect(missing.data.error.code).toBe('geocoding_failed');
    } finally {
      await g.close();
      removeDir(g.dir);
    }
  });

  it('paginates with an opaque cursor and filters by status and date', async () => {
    const bulk = await api('POST', '/api/v1/stops/bulk', {
      stops: Array.from({ length: 7 }, (_, i) => ({ lat: 59.4 + i / 100, lng: 24.7, date: '2026-05-09' })),
    });
    expect(bulk.statusCode).toBe(201);
    expect(bulk.data.created).toBe(7);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { data: { id: string }[]; next_cursor: string | null } } = await api(
        'GET',
        `/api/v1/stops?date=2026-05-09&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.data.data.map((s) => s.id));
      cursor = page.data.next_cursor;
    } while (cursor);
    expect(seen).toEqual(bulk.data.data.map((s: { id: string }) => s.id));
    const pending = await api('GET', '/api/v1/stops?status=pending,assigned&limit=200');
    expect(pending.data.data.length).toBe(8);
    const badCursor = await api('GET', '/api/v1/stops?cursor=garbage');
    expect(badCursor.statusCode).toBe(400);
    const tooMany = await api('GET', '/api/v1/stops?limit=201');
    expect(tooMany.statusCode).toBe(400);
  });

  it('bulk is atomic: one bad stop rejects all, with index and field', async () => {
    const before = (await api('GET', '/api/v1/stops?limit=200')).data.data.length;
    const res = await api('POST', '/api/v1/stops/bulk', {
      stops: [
        { lat: 59.4, lng: 24.7, external_id: 'bulk-ok' },
        { lat: 99, lng: 24.7 },
        { lat: 59.4, lng: 24.7, phone: 'abc' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.data.error.details).toEqual([
      expect.objectContaining({ index: 1, field: 'stops[1].lat', value: 99 }),
      expect.objectContaining({ index: 2, field: 'stops[2].phone', value: 'abc' }),
    ]);
    const after = (await api('GET', '/api/v1/stops?limit=200')).data.data.length;
    expect(after).toBe(before);
    const tooBig = await api('POST', '/api/v1/stops/bulk', { stops: Array.from({ length: 501 }, () => ({ lat: 1, lng: 1 })) });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.data.error.code).toBe('payload_too_large');
  });

  it('walks the lifecycle, rejects invalid transitions with 409 and keeps history', async () => {
    const stop = (await api('POST', '/api/v1/stops', { lat: 59.43, lng: 24.75 })).data;
    const move = (status: string, extra: object = {}) => api('POST', `/api/v1/stops/${stop.id}/status`, { status, ...extra });
    const bad = await move('completed');
    expect(bad.statusCode).toBe(409);
    expect(bad.data.error).toMatchObject({ code: 'invalid_transition', details: { from: 'pending', to: 'completed' } });
    for (const s of ['assigned', 'en_route', 'arrived']) expect((await move(s)).statusCode).toBe(200);
    const noReason = await move('failed');
    expect(noReason.statusCode).toBe(400);
    const failed = await move('failed', { reason: 'not_home', note: 'Nobody answered', proof: { photo_urls: ['https://x.test/p.jpg'] } });
    expect(failed.statusCode).toBe(200);
    expect(failed.data).toMatchObject({ status: 'failed', failure_reason: 'not_home', failure_note: 'Nobody answered' });
    const history = await api('GET', `/api/v1/stops/${stop.id}/history`);
    expect(history.data.data.map((h: { to_status: string }) => h.to_status)).toEqual([
      'pending',
      'assigned',
      'en_route',
      'arrived',
      'failed',
    ]);
    expect(history.data.data[4].actor).toMatch(/^token:tok_/);
    const events = t.db.prepare("SELECT type FROM events WHERE resource_id = ? ORDER BY seq").all(stop.id) as { type: string }[];
    expect(events.map((e) => e.type)).toEqual([
      'stop.created',
      'stop.status_changed',
      'stop.assigned',
      'stop.status_changed',
      'stop.status_changed',
      'stop.status_changed',
      'stop.failed',
    ]);
  });

  it('PATCH updates, DELETE removes; other organizations see 404', async () => {
    const stop = (await api('POST', '/api/v1/stops', { lat: 59.43, lng: 24.75, notes: 'a' })).data;
    const patched = await api('PATCH', `/api/v1/stops/${stop.id}`, { notes: 'b', priority: 9 });
    expect(patched.data).toMatchObject({ notes: 'b', priority: 9, lat: 59.43 });
    expect((await other('GET', `/api/v1/stops/${stop.id}`)).statusCode).toBe(404);
    expect((await other('PATCH', `/api/v1/stops/${stop.id}`, { notes: 'x' })).statusCode).toBe(404);
    expect((await other('DELETE', `/api/v1/stops/${stop.id}`)).statusCode).toBe(404);
    expect((await other('GET', '/api/v1/stops')).data.data).toEqual([]);
    expect((await api('DELETE', `/api/v1/stops/${stop.id}`)).statusCode).toBe(200);
    expect((await api('GET', `/api/v1/stops/${stop.id}`)).statusCode).toBe(404);
  });

  it('Idempotency-Key replays the stored answer; a different body conflicts', async () => {
    const key = { 'idempotency-key': 'create-1' };
    const first = await api('POST', '/api/v1/stops', { lat: 59.5, lng: 24.5 }, key);
    const again = await api('POST', '/api/v1/stops', { lat: 59.5, lng: 24.5 }, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    const count = (await api('GET', '/api/v1/stops?limit=200')).data.data.filter((s: { lat: number }) => s.lat === 59.5);
    expect(count).toHaveLength(1);
    const conflict = await api('POST', '/api/v1/stops', { lat: 59.6, lng: 24.5 }, key);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.data.error.code).toBe('idempotency_conflict');
    // keys are per organization
    const theirs = await other('POST', '/api/v1/stops', { lat: 59.6, lng: 24.5 }, key);
    expect(theirs.statusCode).toBe(201);
  });
});
