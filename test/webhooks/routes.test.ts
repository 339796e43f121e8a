import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { openDb, type Db } from '../../src/store/db.js';
import { ensureOrganization } from '../../src/store/organizations.js';
import { createToken } from '../../src/store/tokens.js';
import { createWebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { loadWebhookConfig } from '../../src/webhooks/config.js';
import { verifyWebhook } from '../../src/webhooks/verify.js';
import { startReceiver, type Receiver } from './receiver.js';

let app: FastifyInstance;
let db: Db;
let dir: string;
let token: string;
let readOnly: string;
let otherToken: string;
let receiver: Receiver;
let failNext = 0;

const ENV = { MILKRUN_WEBHOOKS_ALLOW_PRIVATE: '1', MILKRUN_WEBHOOKS_MAX_PER_ORG: '3', MILKRUN_WEBHOOKS_MAX_ATTEMPTS: '1' };

beforeAll(async () => {
  Object.assign(process.env, ENV);
  dir = mkdtempSync(join(tmpdir(), 'milkrun-webhooks-'));
  db = openDb(join(dir, 'test.db'));
  app = await buildApp({ db, config: { ...DEFAULT_CONFIG, dbFile: join(dir, 'test.db'), logLevel: 'silent', validateResponses: true } });
  await app.ready();
  const org = ensureOrganization(db, 'Acme').organization.id;
  token = createToken(db, org, { name: 'full', scope: 'full_access' }).token;
  readOnly = createToken(db, org, { name: 'ro', scope: 'read_only' }).token;
  otherToken = createToken(db, ensureOrganization(db, 'Other').organization.id, { name: 'x', scope: 'full_access' }).token;
  receiver = await startReceiver((_q, _i, res) => {
    if (failNext <= 0) return;
    failNext--;
    res.writeHead(500);
    res.end();
    return 'handled';
  });
});

afterAll(async () => {
  for (const key of Object.keys(ENV)) delete process.env[key];
  await receiver.close();
  await app.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  db.exec('DELETE FROM webhook_endpoints');
});

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: object, as = token) {
  const res = await app.inject({ method, url, headers: { authorization: `Bearer ${as}` }, ...(body !== undefined && { payload: body }) });
  return { status: res.statusCode, data: res.body ? (JSON.parse(res.body) as Record<string, any>) : {} };
}

const dispatcher = () => createWebhookDispatcher({ db, config: loadWebhookConfig() });

describe('webhook endpoints API', () => {
  it('creates an endpoint and shows its secret only in the creation answer', async () => {
    const created = await call('POST', '/api/v1/webhooks', { url: receiver.url, topics: ['stop.created', 'route.optimized'] });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ url: receiver.url, topics: ['stop.created', 'route.optimized'], active: true, disabled_reason: null });
    expect(created.data.id).toMatch(/^whk_[a-z2-7]{20}$/);
    expect(created.data.secret).toMatch(/^whsec_/);
    const one = await call('GET', `/api/v1/webhooks/${created.data.id}`);
    expect(one.status).toBe(200);
    expect(one.data).not.toHaveProperty('secret');
    const list = await call('GET', '/api/v1/webhooks', undefined, readOnly);
    expect(list.data.data.map((w: { id: string }) => w.id)).toEqual([created.data.id]);
    expect(JSON.stringify(list.data)).not.toContain(created.data.secret);
    expect((await call('GET', `/api/v1/webhooks/${created.data.id}`, undefined, otherToken)).status).toBe(404);
  });

  it('validates topics against the list and URLs against the SSRF guard', async () => {
    const badTopic = await call('POST', '/api/v1/webhooks', { url: receiver.url, topics: ['stop.exploded'] });
    expect(badTopic.status).toBe(400);
    expect(badTopic.data.error.code).toBe('validation_error');
    expect((await call('POST', '/api/v1/webhooks', { url: receiver.url, topics: [] })).status).toBe(400);
    const ftp = await call('POST', '/api/v1/webhooks', { url: 'ftp://example.com/x', topics: ['test'] });
    expect(ftp.status).toBe(422);
    expect(ftp.data.error).toMatchObject({ code: 'webhook_url_refused', details: [{ field: 'url', message: 'unsupported_scheme' }] });
  });

  it('enforces the per-organization limit with 409', async () => {
    for (let i = 0; i < 3; i++) expect((await call('POST', '/api/v1/webhooks', { url: receiver.url, topics: ['test'] })).status).toBe(201);
    const over = await call('POST', '/api/v1/webhooks', { url: receiver.url, topics: ['test'] });
    expect(over.status).toBe(409);
    expect(over.data.error).toMatchObject({ code: 'webhook_limit_reached', details: { limit: 3 } });
    expect((await call('POST', '/api/v1/webhooks', { url: receiver.url, topics: ['test'] }, otherToken)).status).toBe(201);
  });

  it('patches, rotates and deletes', async () => {
    const { data: created } = await call('POST', '/api/v1/webhooks', { url: receiver.url, topics: ['test'] });
    const patched = await call('PATCH', `/api/v1/webhooks/${created.id}`, { topics: ['driver.online', 'driver.offline'], active: false });
    expect(patched.data).toMatchObject({ topics: ['driver.online', 'driver.offline'], active: false });
    expect((await call('POST', `/api/v1/webhooks/${created.id}/test`)).status).toBe(409);
    expect((await call('PATCH', `/api/v1/webhooks/${created.id}`, { active: true }, readOnly)).status).toBe(403);
    const rotated = await call('POST', `/api/v1/webhooks/${created.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.data.secret).toMatch(/^whsec_/);
    expect(rotated.data.secret).not.toBe(created.secret);
    expect(Date.parse(rotated.data.previous_secret_expires_at)).toBeGreaterThan(Date.now());
    expect((await call('DELETE', `/api/v1/webhooks/${created.id}`)).data).toEqual({ id: created.id, deleted: true });
    expect((await call('GET', `/api/v1/webhooks/${created.id}`)).status).toBe(404);
  });

  it('sends a signed test event, lists the attempts, and redelivers a failed one', async () => {
    const { data: created } = await call('POST', '/api/v1/webhooks', { url: receiver.url, topics: ['stop.created'] });
    const before = receiver.requests.length;
    failNext = 1;
    const test = await call('POST', `/api/v1/webhooks/${created.id}/test`);
    expect(test.status).toBe(202);
    const d = dispatcher();
    await d.tick();
    const failedList = await call('GET', `/api/v1/webhooks/${created.id}/deliveries`);
    expect(failedList.data.data).toHaveLength(1);
    const failed = failedList.data.data[0];
    expect(failed).toMatchObject({ event_id: test.data.event_id, event_type: 'test', status: 'failed', attempts: 1, last_status_code: 500, next_attempt_at: null });
    expect(failed.recent_attempts).toEqual([
      expect.objectContaining({ attempt: 1, status_code: 500, error: 'HTTP 500', next_attempt_at: null }),
    ]);

    const again = await call('POST', `/api/v1/webhooks/${created.id}/deliveries/${failed.id}/redeliver`);
    expect(again.status).toBe(202);
    expect(again.data).toMatchObject({ id: failed.id, status: 'pending', attempts: 0 });
    expect((await call('POST', `/api/v1/webhooks/${created.id}/deliveries/${failed.id}/redeliver`)).status).toBe(409);
    await d.tick();
    const okList = await call('GET', `/api/v1/webhooks/${created.id}/deliveries`);
    expect(okList.data.data[0]).toMatchObject({ id: failed.id, status: 'succeeded', last_status_code: 200 });
    expect(okList.data.data[0].recent_attempts.map((a: { status_code: number }) => a.status_code)).toEqual([200, 500]);

    const got = receiver.requests.slice(before);
    expect(got).toHaveLength(2);
    for (const req of got) {
      expect(req.headers['milkrun-event-id']).toBe(test.data.event_id);
      expect(verifyWebhook(req.body, String(req.headers['milkrun-signature']), created.secret).ok).toBe(true);
      expect(JSON.parse(req.body)).toMatchObject({ id: test.data.event_id, type: 'test', resource_type: 'webhook_endpoint', resource_id: created.id });
    }
    expect((await call('POST', `/api/v1/webhooks/${created.id}/deliveries/dlv_nope/redeliver`)).status).toBe(404);
  });

  it('delivers domain events written by the API, none for a rejected write', async () => {
    const { data: created } = await call('POST', '/api/v1/webhooks', { url: receiver.url, topics: ['vehicle.created', 'vehicle.updated'] });
    const before = receiver.requests.length;
    const vehicle = await call('POST', '/api/v1/vehicles', { name: 'Van 1', capacity: [100] });
    expect(vehicle.status).toBe(201);
    const rejected = await call('POST', '/api/v1/vehicles', { name: 'Van 2', start_depot_id: 'dep_doesnotexist' });
    // Refused as the client's mistake (an unknown depot), not a server failure that happened to roll back.
    expect([rejected.status, rejected.data.error.code, rejected.data.error.details]).toEqual([
      400,
      'validation_error',
      [expect.objectContaining({ field: 'start_depot_id' })],
    ]);
    await dispatcher().tick();
    const got = receiver.requests.slice(before).map((r) => JSON.parse(r.body) as { type: string; resource_id: string; data: { name: string } });
    expect(got.map((p) => [p.type, p.resource_id, p.data.name])).toEqual([['vehicle.created', vehicle.data.id, 'Van 1']]);
    expect(created.id).toBeTruthy();
  });
});
