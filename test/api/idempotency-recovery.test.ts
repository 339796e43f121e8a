/**
 * What a retry finds after a crash, made deterministic: claims left by a process that is gone (written as the
 * crash leaves them), by this process, and by another live one; and the commit mark that ties a write to its key.
 * The real SIGKILL is idempotency-crash.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, CLAIM_OWNER } from '../../src/api/plugins/idempotency.js';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

/** The pid of a process that has exited. */
const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
const body = (note: string) => ({ lat: 59.43, lng: 24.75, notes: note });

describe('idempotency claims after a crash', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let orgId: string;
  let releaseGeocoder: () => void = () => {};
  let geocoderCalled: () => void = () => {};

  beforeAll(async () => {
    t = await makeApp({}, {
      geocoder: {
        // Holds a request between its claim and its write, for the takeover case.
        geocode: () =>
          new Promise((resolve) => {
            releaseGeocoder = () => resolve({ lat: 59.44, lng: 24.76 });
            geocoderCalled();
          }),
      },
    });
    const org = orgWithToken(t.db, 'Acme');
    orgId = org.orgId;
    api = client(t.app, org.token);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  const stopsNoted = (note: string) => (t.db.prepare('SELECT COUNT(*) AS n FROM stops WHERE notes = ?').get(note) as { n: number }).n;
  const row = (key: string) =>
    t.db.prepare('SELECT status, owner, committed_at FROM idempotency WHERE organization_id = ? AND key = ?').get(orgId, key) as
      | { status: number | null; owner: string | null; committed_at: string | null }
      | undefined;
  /** A claim as a request left it: the first request's method, path and body, unanswered. */
  function leaveClaim(key: string, note: string, owner: string, committed: boolean, ageMs = 0): void {
    const created = new Date(Date.now() - ageMs).toISOString();
    const hash = createHash('sha256').update(canonicalJson(body(note))).digest('hex');
    t.db.prepare(
      `INSERT INTO idempotency (organization_id, key, method, path, body_hash, status, response, content_type, created_at, owner, committed_at)
       VALUES (?, ?, 'POST', '/api/v1/stops', ?, NULL, NULL, NULL, ?, ?, ?)`,
    ).run(orgId, key, hash, created, owner, committed ? created : null);
  }

  it('marks the claim in the transaction of the write, and not for a refused request', async () => {
    const ok = await api('POST', '/api/v1/stops', body('marked'), { 'idempotency-key': 'm1' });
    expect(ok.statusCode).toBe(201);
    expect(row('m1')).toEqual({ status: 201, owner: CLAIM_OWNER, committed_at: expect.any(String) });
    const refused = await api('POST', '/api/v1/stops', { ...body('refused'), lat: 91 }, { 'idempotency-key': 'm2' });
    expect(refused.statusCode).toBe(400);
    expect(row('m2')).toEqual({ status: 400, owner: CLAIM_OWNER, committed_at: null });
    // A write made of one statement outside any transaction (a token) is marked too.
    const tokenAnswer = await api('POST', '/api/v1/tokens', { name: 'ci', scope: 'read_only' }, { 'idempotency-key': 'm3' });
    expect(tokenAnswer.statusCode).toBe(201);
    expect(row('m3')?.committed_at).toEqual(expect.any(String));
  });

  it('runs the write of a dead process\'s claim that never committed, once', async () => {
    leaveClaim('d1', 'dead-uncommitted', `gone:${deadPid}`, false);
    const retry = await api('POST', '/api/v1/stops', body('dead-uncommitted'), { 'idempotency-key': 'd1' });
    expect(retry.statusCode).toBe(201);
    const again = await api('POST', '/api/v1/stops', body('dead-uncommitted'), { 'idempotency-key': 'd1' });
    expect([again.statusCode, again.body, again.headers['idempotent-replayed']]).toEqual([201, retry.body, 'true']);
    expect(stopsNoted('dead-uncommitted')).toBe(1);
  });

  it('does not run again a write that committed before the crash; every retry gets the same answer', async () => {
    leaveClaim('d2', 'dead-committed', `gone:${deadPid}`, true);
    const retry = await api('POST', '/api/v1/stops', body('dead-committed'), { 'idempotency-key': 'd2' });
    expect([retry.statusCode, retry.data.error.code, retry.data.error.details.key]).toEqual([409, 'idempotency_answer_lost', 'd2']);
    const again = await api('POST', '/api/v1/stops', body('dead-committed'), { 'idempotency-key': 'd2' });
    expect([again.statusCode, again.body, again.headers['idempotent-replayed']]).toEqual([409, retry.body, 'true']);
    expect(stopsNoted('dead-committed')).toBe(0);
    // Another request with that key is still a conflict.
    const other = await api('POST', '/api/v1/stops', body('something else'), { 'idempotency-key': 'd2' });
    expect(other.data.error.code).toBe('idempotency_conflict');
  });

  it('a claim of a dead process that wrote nothing frees the key, even for another request', async () => {
    leaveClaim('d3', 'dead-first', `gone:${deadPid}`, false);
    const other = await api('POST', '/api/v1/stops', body('took-the-key'), { 'idempotency-key': 'd3' });
    expect(other.statusCode).toBe(201);
    expect([stopsNoted('dead-first'), stopsNoted('took-the-key')]).toEqual([0, 1]);
  });

  it('waits for a claim of this process or of another live one, until it is stale', async () => {
    leaveClaim('l1', 'mine', CLAIM_OWNER, false);
    expect((await api('POST', '/api/v1/stops', body('mine'), { 'idempotency-key': 'l1' })).data.error.code).toBe('idempotency_in_progress');
    leaveClaim('l2', 'parent', `other:${process.ppid}`, false);
    expect((await api('POST', '/api/v1/stops', body('parent'), { 'idempotency-key': 'l2' })).data.error.code).toBe('idempotency_in_progress');
    leaveClaim('l3', 'stale', `other:${process.ppid}`, false, 10 * 60_000);
    expect((await api('POST', '/api/v1/stops', body('stale'), { 'idempotency-key': 'l3' })).statusCode).toBe(201);
    expect(stopsNoted('stale')).toBe(1);
  });

  it('rolls a write back when its claim was taken over meanwhile', async () => {
    const called = new Promise<void>((resolve) => (geocoderCalled = resolve));
    const pending = api('POST', '/api/v1/stops', { address: 'Somewhere 1', notes: 'overtaken' }, { 'idempotency-key': 't1' });
    await called;
    // Another process judged this one dead and took the key while its request was waiting.
    t.db.prepare("UPDATE idempotency SET owner = 'usurper:1' WHERE organization_id = ? AND key = 't1'").run(orgId);
    releaseGeocoder();
    const res = await pending;
    expect([res.statusCode, res.data.error.code]).toEqual([409, 'idempotency_in_progress']);
    expect(stopsNoted('overtaken')).toBe(0);
    expect(row('t1')).toEqual({ status: null, owner: 'usurper:1', committed_at: null });
  });
});

describe('idempotent writes in immediate transactions', () => {
  it('a bulk write and an auto-optimize with an Idempotency-Key succeed (the commit mark joins IMMEDIATE transactions)', async () => {
    const t = await makeApp();
    try {
      const api = client(t.app, orgWithToken(t.db, 'Imm').token);
      const stops = [{ lat: 59.43, lng: 24.75, date: '2026-05-08' }, { lat: 59.44, lng: 24.76, date: '2026-05-08' }];
      const first = await api('POST', '/api/v1/stops/bulk', { stops }, { 'idempotency-key': 'bulk-1' });
      expect(first.statusCode).toBe(201);
      const again = await api('POST', '/api/v1/stops/bulk', { stops }, { 'idempotency-key': 'bulk-1' });
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toBe(first.body);
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  });
});
