/**
 * One server for the API load benchmark, in its own process so the load generator does not share its event loop.
 * `serve.ts api`: Milkrun on a temp database seeded with 1,000 stops (`api-nocache`: without the stop-page cache);
 * `serve.ts api-mixed N`: Milkrun with N organizations of 1,000 stops each (service days 2026-05-07..09), each with
 * a read-only and a full-access token, for the mixed case; `serve.ts bare`: fastify hello-world.
 * Prints one JSON line `{ port, token?, orgs? }` once listening (`orgs`: `[{ read, write }]` tokens per organization); then answers each `cpu` line on stdin with
 * `{ cpu_us }`, the process's CPU time so far (user + system), so the benchmark can charge the server per request.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Fastify from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { openDb, type Db } from '../../src/store/db.js';
import { ensureOrganization } from '../../src/store/organizations.js';
import { upsertStopsAtomically } from '../../src/store/stops.js';
import { createToken } from '../../src/store/tokens.js';
import { attachTracking } from '../../src/tracking/attach.js';
import { trackingConfigFromEnv } from '../../src/tracking/config.js';
import { startWebhookDispatcher } from '../../src/webhooks/start.js';

const STOPS = 1000;

/** One organization's 1,000 stops; `days` > 1 spreads their time windows (and so their service day) over days from 2026-05-07. */
function seedStops(db: Db, orgId: string, days: number): void {
  const day = (i: number) => (days === 1 ? '08' : String(7 + (i % days)).padStart(2, '0'));
  upsertStopsAtomically(
    db,
    orgId,
    Array.from({ length: STOPS }, (_, i) => ({
      address: `Benchmark street ${i + 1}, Tallinn`,
      lat: 59.38 + (i % 40) * 0.002,
      lng: 24.6 + Math.floor(i / 40) * 0.01,
      customer_name: `Customer ${i + 1}`,
      phone: `+3725${String(1000000 + i)}`,
      notes: i % 3 === 0 ? 'Call on arrival' : null,
      time_windows: [{ from: `2026-05-${day(i)}T09:00:00+03:00`, to: `2026-05-${day(i)}T12:00:00+03:00` }],
      service_duration_s: 300,
      demand: [10],
      priority: 5,
      skills: [],
      type: 'delivery' as const,
      external_id: `bench-${i}`,
      service_area_id: null,
    })),
  );
}

async function api(pageCacheEntries: number, organizations: number): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'milkrun-bench-')), 'bench.db');
  const db = openDb(file);
  const { organization } = ensureOrganization(db, 'Bench');
  seedStops(db, organization.id, organizations === 1 ? 1 : 3);
  const { token } = createToken(db, organization.id, { name: 'bench', scope: 'full_access' });
  const orgs: { read: string; write: string }[] = [];
  for (let k = 0; k < organizations; k++) {
    const orgId = k === 0 ? organization.id : ensureOrganization(db, `Bench ${k + 1}`).organization.id;
    if (k > 0) seedStops(db, orgId, 3);
    orgs.push({
      read: createToken(db, orgId, { name: 'reader', scope: 'read_only' }).token,
      write: createToken(db, orgId, { name: 'writer', scope: 'full_access' }).token,
    });
  }
  const app = await buildApp({
    db,
    config: { ...DEFAULT_CONFIG, dbFile: file, logLevel: 'silent', rateLimit: { max: 1e9, windowMs: 60_000 }, pageCacheEntries },
  });
  // As src/server.ts runs it: the tracking hub (which also moves WAL checkpoints to a worker) and the webhook
  // dispatcher attached.
  attachTracking(app.server, { db, tracking: app.tracking, config: trackingConfigFromEnv() });
  startWebhookDispatcher(db, app.log);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(JSON.stringify({ port: Number(new URL(address).port), token, ...(organizations > 1 ? { orgs } : {}) }));
}

async function bare(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  // A body as large as the API's page of 100 stops (64 KB), to separate transfer cost from API work.
  const page = Buffer.from(JSON.stringify({ data: Array.from({ length: 100 }, (_, i) => ({ id: `stp_${i}`, text: 'x'.repeat(610) })) }));
  app.get('/page', async (_req, reply) => reply.type('application/json').send(page));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(JSON.stringify({ port: Number(new URL(address).port) }));
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'cpu') return;
  const { user, system } = process.cpuUsage();
  console.log(JSON.stringify({ cpu_us: user + system }));
});

const mode = process.argv[2];
await (mode === 'bare'
  ? bare()
  : api(mode === 'api-nocache' ? 0 : DEFAULT_CONFIG.pageCacheEntries, mode === 'api-mixed' ? Number(process.argv[3] ?? 4) : 1));
