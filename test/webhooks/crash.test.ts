import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { openDb } from '../../src/store/db.js';
import { recordEvent } from '../../src/store/events.js';
import { ensureOrganization } from '../../src/store/organizations.js';
import { createToken } from '../../src/store/tokens.js';
import { createWebhookEndpoint } from '../../src/store/webhooks.js';
import { verifyWebhook } from '../../src/webhooks/verify.js';
import { startReceiver, type Receiver } from './receiver.js';
import { killHard, startChildServer } from '../support/child-server.js';

const dir = mkdtempSync(join(tmpdir(), 'milkrun-webhook-crash-'));
const dbFile = join(dir, 'milkrun.db');
let receiver: Receiver;
let server: ChildProcess | null = null;

/** Phase 1 answers: the first three events are delivered, the fourth fails twice, then its third try hangs. */
let phase: 'before-crash' | 'after-restart' = 'before-crash';

/** The server on a free port with fast webhook timings; resolves with its base URL. */
function startServer(): Promise<{ child: ChildProcess; base: string }> {
  return startChildServer({
    MILKRUN_DB: dbFile,
    MILKRUN_SEED_DEMO: '0',
    MILKRUN_WEBHOOKS_ALLOW_PRIVATE: '1',
    MILKRUN_WEBHOOKS_BACKOFF_BASE_MS: '20',
    MILKRUN_WEBHOOKS_BACKOFF_MAX_MS: '100',
    MILKRUN_WEBHOOKS_MAX_ATTEMPTS: '50',
    MILKRUN_WEBHOOKS_POLL_MS: '25',
    MILKRUN_WEBHOOKS_TIMEOUT_MS: '60000',
  });
}

async function api(base: string, token: string, method: string, path: string, body?: object): Promise<{ status: number; data: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body && { 'content-type': 'application/json' }) },
    ...(body && { body: JSON.stringify(body) }),
  });
  return { status: res.status, data: await res.json() };
}

let token: string;
let secret: string;
let endpointId: string;

beforeAll(async () => {
  receiver = await startReceiver((_q, index, res) => {
    if (phase === 'after-restart' || index < 3) return;
    if (index < 5) {
      res.writeHead(500);
      res.end();
      return 'handled';
    }
    return 'handled'; // hangs: the request is in flight when the server dies
  });
  const db = openDb(dbFile);
  const org = ensureOrganization(db, 'Crashers').organization.id;
  token = createToken(db, org, { name: 'full', scope: 'full_access' }).token;
  const endpoint = createWebhookEndpoint(db, { organizationId: org, url: receiver.url, topics: ['vehicle.created', 'vehicle.updated'], active: true }, 20);
  if (endpoint === 'limit_reached') throw new Error('limit');
  secret = endpoint.secret;
  endpointId = endpoint.id;
  db.close();
});

afterAll(async () => {
  if (server && server.exitCode === null) await killHard(server);
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('crash safety (SIGKILL while deliveries are pending)', () => {
  it('delivers every committed event after a restart, with stable ids, and nothing for rolled-back changes', async () => {
    const first = await startServer();
    server = first.child;
    const vehicleIds: string[] = [];
    for (let i = 1; i <= 8; i++) {
      const created = await api(first.base, token, 'POST', '/api/v1/vehicles', { name: `Van ${i}`, capacity: [10 * i] });
      expect(created.status).toBe(201);
      vehicleIds.push(created.data.id as string);
    }
    // A write that fails validation inside its transaction, and one that throws after writing its event.
    const rejected = await api(first.base, token, 'PATCH', `/api/v1/vehicles/${vehicleIds[0]}`, { name: 'Ghost PATCH', start_depot_id: 'dep_nothere' });
    expect(rejected.status).toBe(400);
    const side = new Database(dbFile);
    side.pragma('busy_timeout = 5000');
    const org = (side.prepare('SELECT organization_id FROM tokens LIMIT 1').get() as { organization_id: string }).organization_id;
    expect(() =>
      side.transaction(() => {
        recordEvent(side, { organizationId: org, type: 'vehicle.updated', resourceType: 'vehicle', resourceId: vehicleIds[1] ?? '', data: { name: 'Ghost TX' } });
        throw new Error('change failed after its event was written');
      })(),
    ).toThrow('change failed');

    await receiver.waitFor(6);
    const pendingBefore = side.prepare(`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending'`).get() as { n: number };
    expect(pendingBefore.n).toBeGreaterThan(0);
    await killHard(first.child);

    phase = 'after-restart';
    const second = await startServer();
    server = second.child;
    const update = await api(second.base, token, 'PATCH', `/api/v1/vehicles/${vehicleIds[2]}`, { name: 'Van 3b' });
    expect(update.status).toBe(200);

    const expected = side
      .prepare(`SELECT id, type, resource_id FROM events WHERE organization_id = ? AND type IN ('vehicle.created', 'vehicle.updated') ORDER BY seq`)
      .all(org) as { id: string; type: string; resource_id: string }[];
    expect(expected.map((e) => e.type)).toEqual([...vehicleIds.map(() => 'vehicle.created'), 'vehicle.updated']);

    // Wait until every committed event has reached the receiver at least once.
    const seen = (): Set<string> => new Set(receiver.requests.map((r) => String(r.headers['milkrun-event-id'])));
    while (expected.some((e) => !seen().has(e.id))) await receiver.waitFor(receiver.requests.length + 1);
    // ...and the server has recorded each as delivered (the last answer may still be on its way to the database).
    const undelivered = side.prepare(`SELECT COUNT(*) AS n FROM webhook_deliveries WHERE endpoint_id = ? AND status != 'succeeded'`);
    while ((undelivered.get(endpointId) as { n: number }).n > 0) await new Promise((r) => setTimeout(r, 20));
    await killHard(second.child);
    server = null;

    const bodiesById = new Map<string, Set<string>>();
    for (const req of receiver.requests) {
      const id = String(req.headers['milkrun-event-id']);
      expect(verifyWebhook(req.body, String(req.headers['milkrun-signature']), secret).ok).toBe(true);
      expect((JSON.parse(req.body) as { id: string }).id).toBe(id);
      bodiesById.set(id, (bodiesById.get(id) ?? new Set()).add(req.body));
    }
    // Exactly the committed events, each under one id with one body however often it was retried.
    expect([...bodiesById.keys()].sort()).toEqual(expected.map((e) => e.id).sort());
    for (const bodies of bodiesById.values()) expect(bodies.size).toBe(1);
    // First arrivals follow the order the events happened.
    const firstArrivals = [...new Set(receiver.requests.map((r) => String(r.headers['milkrun-event-id'])))];
    expect(firstArrivals).toEqual(expected.map((e) => e.id));
    // Nothing of the rolled-back changes exists or was sent.
    expect(receiver.requests.some((r) => r.body.includes('Ghost'))).toBe(false);
    expect((side.prepare(`SELECT COUNT(*) AS n FROM events WHERE data_json LIKE '%Ghost%'`).get() as { n: number }).n).toBe(0);
    const statuses = side.prepare('SELECT status, COUNT(*) AS n FROM webhook_deliveries WHERE endpoint_id = ? GROUP BY status').all(endpointId);
    expect(statuses).toEqual([{ status: 'succeeded', n: expected.length }]);
    side.close();
  }, 60_000);
});
