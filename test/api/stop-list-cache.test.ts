import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXTERNAL_WRITE_CHECK_MS } from '../../src/store/change-counters.js';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

// The production path: pages rendered by SQLite and cached until a stop changes.
describe('stop list without response validation (rendered and cached pages)', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await makeApp({ validateResponses: false });
    api = client(t.app, orgWithToken(t.db, 'Cache').token);
    other = client(t.app, orgWithToken(t.db, 'Other').token);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it('serves fresh data after every kind of write', async () => {
    const a = (await api('POST', '/api/v1/stops', { lat: 59.1, lng: 24.1, notes: 'one' })).data;
    const first = await api('GET', '/api/v1/stops');
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect(first.data).toEqual({ data: [a], next_cursor: null });
    expect((await api('GET', '/api/v1/stops')).body).toBe(first.body);

    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"/);
    const notModified = await api('GET', '/api/v1/stops', undefined, { 'if-none-match': etag });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
    const patched = (await api('PATCH', `/api/v1/stops/${a.id}`, { notes: 'two' })).data;
    const changed = await api('GET', '/api/v1/stops', undefined, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect((await api('GET', '/api/v1/stops')).data.data).toEqual([patched]);

    // A write by another module, straight to SQL, is seen too (triggers count it).
    t.db.prepare("UPDATE stops SET notes = 'three' WHERE id = ?").run(a.id);
    expect((await api('GET', '/api/v1/stops')).data.data[0].notes).toBe('three');

    // A write by another connection (another process on the same file) is seen within EXTERNAL_WRITE_CHECK_MS.
    const elsewhere = new Database(t.file);
    try {
      elsewhere.prepare("UPDATE stops SET notes = 'four' WHERE id = ?").run(a.id);
    } finally {
      elsewhere.close();
    }
    const clock = vi.spyOn(Date, 'now').mockReturnValue(Date.now() + EXTERNAL_WRITE_CHECK_MS);
    try {
      expect((await api('GET', '/api/v1/stops')).data.data[0].notes).toBe('four');
    } finally {
      clock.mockRestore();
    }
    // Writes inside a transaction that rolls back leave the cached page valid and correct.
    expect(() =>
      t.db.transaction(() => {
        t.db.prepare("UPDATE stops SET notes = 'never' WHERE id = ?").run(a.id);
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect((await api('GET', '/api/v1/stops')).data.data[0].notes).toBe('four');

    const b = (await api('POST', '/api/v1/stops', { lat: 59.2, lng: 24.2 })).data;
    expect((await api('GET', '/api/v1/stops')).data.data.map((s: { id: string }) => s.id)).toEqual([a.id, b.id]);
    expect((await api('GET', '/api/v1/stops?limit=1')).data.next_cursor).toEqual(expect.any(String));
    await api('DELETE', `/api/v1/stops/${a.id}`);
    expect((await api('GET', '/api/v1/stops')).data.data.map((s: { id: string }) => s.id)).toEqual([b.id]);
    expect((await other('GET', '/api/v1/stops')).data).toEqual({ data: [], next_cursor: null });
  });
});
