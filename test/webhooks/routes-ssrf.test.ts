import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { openDb, type Db } from '../../src/store/db.js';
import { ensureOrganization } from '../../src/store/organizations.js';
import { createToken } from '../../src/store/tokens.js';

// Default settings: MILKRUN_WEBHOOKS_ALLOW_PRIVATE unset, so private destinations are refused.
let app: FastifyInstance;
let db: Db;
let dir: string;
let token: string;

beforeAll(async () => {
  delete process.env.MILKRUN_WEBHOOKS_ALLOW_PRIVATE;
  dir = mkdtempSync(join(tmpdir(), 'milkrun-webhooks-ssrf-'));
  db = openDb(join(dir, 'test.db'));
  app = await buildApp({ db, config: { ...DEFAULT_CONFIG, dbFile: join(dir, 'test.db'), logLevel: 'silent', validateResponses: true } });
  await app.ready();
  token = createToken(db, ensureOrganization(db, 'Acme').organization.id, { name: 'full', scope: 'full_access' }).token;
});

afterAll(async () => {
  await app.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function create(url: string) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${token}` }, payload: { url, topics: ['test'] } });
  return { status: res.statusCode, data: JSON.parse(res.body) as { error?: { code: string; details: { message: string }[] } } };
}

describe('webhook URLs under the default SSRF guard', () => {
  it.each([
    ['http://127.0.0.1:8080/hook', 'private_address'],
    ['http://[::1]/hook', 'private_address'],
    ['http://169.254.169.254/latest/meta-data/', 'private_address'],
    ['http://10.0.0.8/hook', 'private_address'],
    ['http://localhost:3000/hook', 'private_address'],
    ['http://2130706433/hook', 'private_address'],
  ])('refuses %s with 422', async (url, reason) => {
    const res = await create(url);
    expect(res.status).toBe(422);
    expect(res.data.error?.code).toBe('webhook_url_refused');
    expect(res.data.error?.details[0]?.message).toBe(reason);
  });

  it('creates nothing when refused', () => {
    expect((db.prepare('SELECT COUNT(*) AS n FROM webhook_endpoints').get() as { n: number }).n).toBe(0);
  });
});
