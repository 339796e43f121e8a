import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOKEN_CACHE_MS } from '../../src/api/plugins/auth.js';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

describe('auth, errors, request ids', () => {
  let t: TestApp;
  let full: string;
  let readOnly: string;

  beforeAll(async () => {
    t = await makeApp();
    full = orgWithToken(t.db, 'Acme').token;
    readOnly = orgWithToken(t.db, 'Acme', 'read_only').token;
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it('GET /me describes the token and organization', async () => {
    const res = await client(t.app, full)('GET', '/api/v1/me');
    expect(res.statusCode).toBe(200);
    expect(res.data.organization.name).toBe('Acme');
    expect(res.data.token.scope).toBe('full_access');
    expect(res.data.token.prefix).toMatch(/^mk_live_[a-z2-7]{4}$/);
    expect(res.headers['x-request-id']).toMatch(/^req_/);
  });

  it('401 without a token, with a bad token, and after revocation', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(none.statusCode).toBe(401);
    const body = JSON.parse(none.body);
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.requestId).toBe(none.headers['x-request-id']);
    const bad = await client(t.app, 'mk_live_nope')('GET', '/api/v1/me');
    expect(bad.statusCode).toBe(401);

    const created = await client(t.app, full)('POST', '/api/v1/tokens', { name: 'temp', scope: 'read_only' });
    expect(created.statusCode).toBe(201);
    expect(created.data.token).toMatch(/^mk_live_/);
    expect((await client(t.app, created.data.token)('GET', '/api/v1/me')).statusCode).toBe(200);
    const revoked = await client(t.app, full)('DELETE', `/api/v1/tokens/${created.data.id}`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.data.revoked_at).not.toBeNull();
    expect((await client(t.app, created.data.token)('GET', '/api/v1/me')).statusCode).toBe(401);
    const list = await client(t.app, full)('GET', '/api/v1/tokens');
    expect(list.data.data.map((x: { name: string }) => x.name)).toContain('temp');
    expect(JSON.stringify(list.data)).not.toContain(created.data.token);
  });

  it('a token revoked by another process sharing the database is refused once the cached lookup expires', async () => {
    const created = await client(t.app, full)('POST', '/api/v1/tokens', { name: 'elsewhere', scope: 'read_only' });
    const c = client(t.app, created.data.token);
    expect((await c('GET', '/api/v1/me')).statusCode).toBe(200);
    // Straight to SQL, as the CLI or a second server would: this process hears nothing of it.
    t.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ?').run(new Date().toISOString(), created.data.id);
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + TOKEN_CACHE_MS + 1);
    try {
      expect((await c('GET', '/api/v1/me')).statusCode).toBe(401);
    } finally {
      clock.mockRestore();
    }
  });

  it('403 for writes with a read-only token, reads allowed', async () => {
    const c = client(t.app, readOnly);
    expect((await c('GET', '/api/v1/depots')).statusCode).toBe(200);
    const res = await c('POST', '/api/v1/depots', { name: 'D', lat: 1, lng: 2 });
    expect(res.statusCode).toBe(403);
    expect(res.data.error.code).toBe('forbidden');
  });

  it('404 envelope for unknown routes and resources', async () => {
    const c = client(t.app, full);
    const route = await c('GET', '/api/v1/nothing-here');
    expect(route.statusCode).toBe(404);
    expect(route.data.error.code).toBe('not_found');
    const res = await c('GET', '/api/v1/depots/dep_aaaaaaaaaaaaaaaaaaaa');
    expect(res.statusCode).toBe(404);
    expect(res.data.error).toMatchObject({ code: 'not_found', details: null });
  });

  it('400 names the field and the bad value', async () => {
    const res = await client(t.app, full)('POST', '/api/v1/depots', { name: 'D', lat: 123, lng: 2 });
    expect(res.statusCode).toBe(400);
    expect(res.data.error.code).toBe('validation_error');
    expect(res.data.error.details).toEqual([expect.objectContaining({ field: 'lat', value: 123 })]);
  });

  it('413 envelope for bodies over the limit', async () => {
    const small = await makeApp({ bodyLimitBytes: 200 });
    try {
      const tok = orgWithToken(small.db, 'Small').token;
      const res = await client(small.app, tok)('POST', '/api/v1/depots', { name: 'x'.repeat(500), lat: 1, lng: 1 });
      expect(res.statusCode).toBe(413);
      expect(res.data.error.code).toBe('payload_too_large');
    } finally {
      await small.close();
      removeDir(small.dir);
    }
  });

  it('429 with Retry-After once a token exceeds its budget', async () => {
    const limited = await makeApp({ rateLimit: { max: 2, windowMs: 60_000 } });
    try {
      const c = client(limited.app, orgWithToken(limited.db, 'L').token);
      expect((await c('GET', '/api/v1/me')).statusCode).toBe(200);
      expect((await c('GET', '/api/v1/me')).statusCode).toBe(200);
      const res = await c('GET', '/api/v1/me');
      expect(res.statusCode).toBe(429);
      expect(res.data.error.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // another token has its own budget
      const other = client(limited.app, orgWithToken(limited.db, 'M').token);
      expect((await other('GET', '/api/v1/me')).statusCode).toBe(200);
    } finally {
      await limited.close();
      removeDir(limited.dir);
    }
  });

  it('409 when an external_id is taken by another resource; 415 for non-JSON bodies', async () => {
    const c = client(t.app, full);
    await c('POST', '/api/v1/depots', { name: 'A', lat: 1, lng: 1, external_id: 'dep-a' });
    const b = (await c('POST', '/api/v1/depots', { name: 'B', lat: 1, lng: 1, external_id: 'dep-b' })).data;
    const taken = await c('PATCH', `/api/v1/depots/${b.id}`, { external_id: 'dep-a' });
    expect(taken.statusCode).toBe(409);
    expect(taken.data.error.code).toBe('conflict');
    const text = await t.app.inject({
      method: 'POST',
      url: '/api/v1/depots',
      headers: { authorization: `Bearer ${full}`, 'content-type': 'application/xml' },
      payload: '<depot/>',
    });
    expect(text.statusCode).toBe(415);
    expect(JSON.parse(text.body).error.code).toBe('unsupported_media_type');
  });

  it('500 envelope hides the cause and keeps the request id', async () => {
    const broken = await makeApp({}, { solver: { solve: async () => { throw new Error('secret internals'); } } });
    try {
      const c = client(broken.app, orgWithToken(broken.db, 'B').token);
      const res = await c('POST', '/api/v1/routes/plan', { stops: [{ lat: 1, lng: 1 }], vehicles: [{ name: 'V' }] });
      expect(res.statusCode).toBe(500);
      expect(res.data.error).toEqual({ code: 'internal', message: 'Internal server error', details: null, requestId: res.headers['x-request-id'] });
      expect(res.body).not.toContain('secret');
    } finally {
      await broken.close();
      removeDir(broken.dir);
    }
  });

  it('a retry while the first request still runs answers 409 idempotency_in_progress', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let entered: () => void = () => {};
    const solving = new Promise<void>((r) => (entered = r));
    const slow = await makeApp({}, {
      solver: {
        solve: async (problem) => {
          entered();
          await gate;
          return {
            routes: [],
            unassigned: problem.jobs.map((j) => ({ job: j.id, reason: 'no_vehicle' as const })),
            summary: { cost: 0, distance: 0, duration: 0, vehicles: 0, unassigned: problem.jobs.length, priority: 0, iterations: 0 },
          };
        },
      },
    });
    try {
      const c = client(slow.app, orgWithToken(slow.db, 'Slow').token);
      const body = { stops: [{ lat: 1, lng: 1 }], vehicles: [{ name: 'V' }] };
      const key = { 'idempotency-key': 'plan-1' };
      const first = c('POST', '/api/v1/routes/plan', body, key);
      await solving;
      const second = await c('POST', '/api/v1/routes/plan', body, key);
      expect(second.statusCode).toBe(409);
      expect(second.data.error.code).toBe('idempotency_in_progress');
      release();
      const done = await first;
      expect(done.statusCode).toBe(422);
      const replay = await c('POST', '/api/v1/routes/plan', body, key);
      expect(replay.statusCode).toBe(422);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toBe(done.body);
    } finally {
      await slow.close();
      removeDir(slow.dir);
    }
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(doc.statusCode).toBe(200);
    const spec = JSON.parse(doc.body);
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toContain('/api/v1/depots');
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
  });
});
