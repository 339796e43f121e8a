import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import {
  createWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookAttempts,
  listWebhookDeliveries,
  redeliverWebhook,
  rotateWebhookSecret,
  enqueueWebhookTest,
  updateWebhookEndpoint,
  type WebhookEndpointRow,
} from '../../src/store/webhooks.js';
import { createWebhookDispatcher, type WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { verifyWebhook } from '../../src/webhooks/verify.js';
import { ringWebhookDispatcher } from '../../src/webhooks/wake.js';
import type { WebhookConfig } from '../../src/webhooks/config.js';
import { emit, testConfig, testOrganization, webhookTestDb } from './fixtures.js';
import { startReceiver, type Receiver } from './receiver.js';

let db: Db;
let org: string;
let clock: number;
const receivers: Receiver[] = [];
const dispatchers: WebhookDispatcher[] = [];

beforeEach(() => {
  db = webhookTestDb();
  org = testOrganization(db);
  clock = Date.parse('2026-05-08T06:00:00.000Z');
});

afterEach(async () => {
  for (const d of dispatchers.splice(0)) await d.stop();
  for (const r of receivers.splice(0)) await r.close();
  db.close();
});

async function receiver(respond?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}

function dispatcher(config: WebhookConfig = testConfig()): WebhookDispatcher {
  // random() = 0.5 makes every jittered wait exactly its nominal value.
  const d = createWebhookDispatcher({ db, config, now: () => clock, random: () => 0.5 });
  dispatchers.push(d);
  return d;
}

function endpoint(url: string, topics: string[] = ['stop.created', 'stop.updated'], organizationId = org): WebhookEndpointRow {
  const row = createWebhookEndpoint(db, { organizationId, url, topics, active: true }, 20);
  if (row === 'limit_reached') throw new Error('limit');
  return row;
}

const ids = (r: Receiver): string[] => r.requests.map((q) => String(q.headers['milkrun-event-id']));
const bodyIds = (r: Receiver): string[] => r.requests.map((q) => (JSON.parse(q.body) as { id: string }).id);

describe('fan-out', () => {
  it('queues each event once for every active endpoint of its organization subscribed to its type', async () => {
    const r = await receiver();
    const stops = endpoint(r.url, ['stop.created']);
    const routes = endpoint(r.url, ['route.created']);
    const otherOrg = endpoint(r.url, ['stop.created'], testOrganization(db, 'Other'));
    const paused = createWebhookEndpoint(db, { organizationId: org, url: r.url, topics: ['stop.created'], active: false }, 20);
    emit(db, org, 'stop.created', 'stp_1');
    emit(db, org, 'driver.created', 'drv_1');
    const d = dispatcher();
    expect(await d.tick()).toEqual({ fannedOut: 1, attempted: 1 });
    expect(await d.tick()).toEqual({ fannedOut: 0, attempted: 0 });
    expect(listWebhookDeliveries(db, stops.id, 10, null)).toHaveLength(1);
    expect(listWebhookDeliveries(db, routes.id, 10, null)).toHaveLength(0);
    expect(listWebhookDeliveries(db, otherOrg.id, 10, null)).toHaveLength(0);
    if (paused !== 'limit_reached') expect(listWebhookDeliveries(db, paused.id, 10, null)).toHaveLength(0);
    expect(r.requests).toHaveLength(1);
  });

  it('sends a test event only to the endpoint it was requested for', async () => {
    const r1 = await receiver();
    const r2 = await receiver();
    const first = endpoint(r1.url, ['test']);
    endpoint(r2.url, ['test']);
    const eventId = enqueueWebhookTest(db, first);
    await dispatcher().tick();
    expect(ids(r1)).toEqual([eventId]);
    expect(r2.requests).toHaveLength(0);
  });
});

describe('delivery', () => {
  it('POSTs the event payload signed with the endpoint secret', async () => {
    const r = await receiver();
    const ep = endpoint(r.url);
    const eventId = emit(db, org, 'stop.created', 'stp_42', { id: 'stp_42', name: 'Bakery', lat: 52.5 });
    await dispatcher().tick();
    const req = r.requests[0];
    if (!req) throw new Error('no request');
    const payload = JSON.parse(req.body) as Record<string, unknown>;
    expect(payload).toEqual({
      id: eventId,
      type: 'stop.created',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      organization_id: org,
      resource_type: 'stop',
      resource_id: 'stp_42',
      data: { id: 'stp_42', name: 'Bakery', lat: 52.5 },
    });
    expect(req.headers['milkrun-event-id']).toBe(eventId);
    expect(req.headers['content-type']).toBe('application/json');
    const header = String(req.headers['milkrun-signature']);
    expect(header).toMatch(new RegExp(`^t=${Math.floor(clock / 1000)},v1=[0-9a-f]{64}$`));
    expect(verifyWebhook(req.body, header, ep.secret, 300, Math.floor(clock / 1000))).toEqual({ ok: true, timestampS: Math.floor(clock / 1000) });
    expect(verifyWebhook(req.body, header, 'whsec_other', 300, Math.floor(clock / 1000)).ok).toBe(false);
    const [delivery] = listWebhookDeliveries(db, ep.id, 10, null);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, last_status_code: 200, last_error: null, next_attempt_at: null });
  });

  it('signs with both secrets during the rotation grace period', async () => {
    const r = await receiver();
    const ep = endpoint(r.url);
    const rotated = rotateWebhookSecret(db, org, ep.id, 3_600_000);
    if (!rotated) throw new Error('rotate');
    emit(db, org, 'stop.created', 'stp_1');
    await dispatcher().tick();
    const req = r.requests[0];
    if (!req) throw new Error('no request');
    const header = String(req.headers['milkrun-signature']);
    expect(header.match(/v1=/g)).toHaveLength(2);
    const nowS = Math.floor(clock / 1000);
    expect(verifyWebhook(req.body, header, rotated.secret, 300, nowS).ok).toBe(true);
    expect(verifyWebhook(req.body, header, ep.secret, 300, nowS).ok).toBe(true);
    expect(rotated.secret).not.toBe(ep.secret);
  });

  it('retries after a 500 with backoff, keeping the event id', async () => {
    const r = await receiver((_q, index, res) => {
      if (index > 0) return;
      res.writeHead(500);
      res.end('boom');
      return 'handled';
    });
    const ep = endpoint(r.url);
    const eventId = emit(db, org, 'stop.created', 'stp_1');
    const d = dispatcher();
    await d.tick();
    const [delivery] = listWebhookDeliveries(db, ep.id, 10, null);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'HTTP 500' });
    expect(delivery?.next_attempt_at).toBe(new Date(clock + 1_000).toISOString());
    clock += 999;
    expect((await d.tick()).attempted).toBe(0);
    clock += 1;
    expect((await d.tick()).attempted).toBe(1);
    expect(ids(r)).toEqual([eventId, eventId]);
    expect(bodyIds(r)).toEqual([eventId, eventId]);
    expect(listWebhookDeliveries(db, ep.id, 10, null)[0]).toMatchObject({ status: 'succeeded', attempts: 2, last_status_code: 200 });
    const attempts = listWebhookAttempts(db, [delivery?.id ?? ''], 10).get(delivery?.id ?? '');
    expect(attempts?.map((a) => [a.attempt, a.status_code, a.error])).toEqual([
      [2, 200, null],
      [1, 500, 'HTTP 500'],
    ]);
  });

  it('retries after a timeout', async () => {
    const r = await receiver((_q, index) => (index === 0 ? 'handled' : undefined));
    const ep = endpoint(r.url);
    const eventId = emit(db, org, 'stop.created', 'stp_1');
    const d = dispatcher(testConfig({ timeoutMs: 150 }));
    await d.tick();
    expect(listWebhookDeliveries(db, ep.id, 10, null)[0]).toMatchObject({ status: 'pending', last_status_code: null, last_error: 'timeout after 150 ms' });
    clock += 1_000;
    await d.tick();
    expect(ids(r)).toEqual([eventId, eventId]);
    expect(listWebhookDeliveries(db, ep.id, 10, null)[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('waits as long as Retry-After asks', async () => {
    const r = await receiver((_q, index, res) => {
      if (index > 0) return;
      res.writeHead(429, { 'retry-after': '120' });
      res.end();
      return 'handled';
    });
    const ep = endpoint(r.url);
    emit(db, org, 'stop.created', 'stp_1');
    const d = dispatcher();
    await d.tick();
    expect(listWebhookDeliveries(db, ep.id, 10, null)[0]?.next_attempt_at).toBe(new Date(clock + 120_000).toISOString());
    clock += 119_999;
    expect((await d.tick()).attempted).toBe(0);
    clock += 1;
    expect((await d.tick()).attempted).toBe(1);
    expect(r.requests).toHaveLength(2);
  });
});

describe('ordering', () => {
  it("holds an endpoint's later events until the earlier one is delivered", async () => {
    const r = await receiver((_q, index, res) => {
      if (index > 1) return;
      res.writeHead(503);
      res.end();
      return 'handled';
    });
    endpoint(r.url);
    const events = [emit(db, org, 'stop.created', 'stp_1'), emit(db, org, 'stop.updated', 'stp_1'), emit(db, org, 'stop.created', 'stp_2')];
    const d = dispatcher();
    await d.tick();
    clock += 1_000;
    await d.tick();
    expect(ids(r)).toEqual([events[0], events[0]]);
    clock += 2_000;
    for (let i = 0; i < 3; i++) await d.tick();
    expect(ids(r)).toEqual([events[0], events[0], events[0], events[1], events[2]]);
  });

  it('moves on to the next event once one has finally failed', async () => {
    const r = await receiver((q, _index, res) => {
      if (!q.body.includes('stp_bad')) return;
      res.writeHead(500);
      res.end();
      return 'handled';
    });
    const ep = endpoint(r.url);
    const bad = emit(db, org, 'stop.created', 'stp_bad');
    const good = emit(db, org, 'stop.created', 'stp_good');
    const d = dispatcher();
    for (let i = 0; i < 6; i++) {
      await d.tick();
      clock += 10_000;
    }
    expect(ids(r)).toEqual([bad, bad, bad, bad, good]);
    const [goodDelivery, badDelivery] = listWebhookDeliveries(db, ep.id, 10, null);
    expect(badDelivery).toMatchObject({ status: 'failed', attempts: 4, next_attempt_at: null });
    expect(goodDelivery).toMatchObject({ status: 'succeeded' });
    expect(getWebhookEndpoint(db, org, ep.id)).toMatchObject({ active: 1, consecutive_failures: 0, failing_since: null });
  });

  it('lets other endpoints proceed while one endpoint hangs', async () => {
    const slow = await receiver(() => 'handled');
    const fast = await receiver();
    endpoint(slow.url);
    endpoint(fast.url);
    const events = [emit(db, org, 'stop.created', 'stp_1'), emit(db, org, 'stop.created', 'stp_2'), emit(db, org, 'stop.created', 'stp_3')];
    const d = dispatcher(testConfig({ timeoutMs: 20_000, pollMs: 20 }));
    d.start();
    await fast.waitFor(3);
    expect(ids(fast)).toEqual(events);
    expect(ids(slow)).toEqual([events[0]]);
  });
});

describe('failing endpoints', () => {
  it('marks a delivery failed after the last attempt and disables the endpoint after repeated final failures', async () => {
    const r = await receiver((_q, _i, res) => {
      res.writeHead(500);
      res.end();
      return 'handled';
    });
    const ep = endpoint(r.url);
    emit(db, org, 'stop.created', 'stp_1');
    emit(db, org, 'stop.created', 'stp_2');
    emit(db, org, 'stop.created', 'stp_3');
    const d = dispatcher();
    for (let i = 0; i < 12; i++) {
      await d.tick();
      clock += 10_000;
    }
    // 2 deliveries × 4 attempts, then the endpoint is off and the third event waits.
    expect(r.requests).toHaveLength(8);
    const endpointNow = getWebhookEndpoint(db, org, ep.id);
    expect(endpointNow).toMatchObject({ active: 0, consecutive_failures: 2, disabled_reason: '2 deliveries in a row failed after every retry' });
    expect(endpointNow?.disabled_at).not.toBeNull();
    expect(listWebhookDeliveries(db, ep.id, 10, null).map((x) => x.status)).toEqual(['pending', 'failed', 'failed']);
    emit(db, org, 'stop.created', 'stp_4');
    await d.tick();
    expect(listWebhookDeliveries(db, ep.id, 10, null)).toHaveLength(3);
  });

  it('disables an endpoint that has failed for longer than the limit', async () => {
    const r = await receiver((_q, _i, res) => {
      res.writeHead(502);
      res.end();
      return 'handled';
    });
    const ep = endpoint(r.url);
    emit(db, org, 'stop.created', 'stp_1');
    const d = dispatcher(testConfig({ disableAfterMs: 5_000, backoff: { maxAttempts: 100, baseMs: 1_000, maxDelayMs: 2_000 } }));
    for (let i = 0; i < 6; i++) {
      await d.tick();
      clock += 2_000;
    }
    expect(getWebhookEndpoint(db, org, ep.id)?.disabled_reason).toMatch(/^every attempt has failed since /);
    expect(r.requests.length).toBe(4);
  });

  it('redelivers a failed delivery by hand with the same event id', async () => {
    let fail = true;
    const r = await receiver((_q, _i, res) => {
      if (!fail) return;
      res.writeHead(500);
      res.end();
      return 'handled';
    });
    const ep = endpoint(r.url);
    const eventId = emit(db, org, 'stop.created', 'stp_1');
    const d = dispatcher(testConfig({ backoff: { maxAttempts: 1, baseMs: 1_000, maxDelayMs: 1_000 }, disableAfterFailures: 10 }));
    await d.tick();
    const [failed] = listWebhookDeliveries(db, ep.id, 10, null);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    fail = false;
    if (!failed) throw new Error('no delivery');
    expect(redeliverWebhook(db, ep.id, failed.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(redeliverWebhook(db, ep.id, failed.id)).toBe('pending');
    clock = Date.now();
    await d.tick();
    expect(ids(r)).toEqual([eventId, eventId]);
    expect(listWebhookDeliveries(db, ep.id, 10, null)[0]).toMatchObject({ id: failed.id, status: 'succeeded', attempts: 1 });
  });
});

describe('housekeeping and wake-up', () => {
  it('re-enabling a disabled endpoint clears its record and resumes its queue in order', async () => {
    let healthy = false;
    const r = await receiver((_q, _i, res) => {
      if (healthy) return;
      res.writeHead(500);
      res.end();
      return 'handled';
    });
    const ep = endpoint(r.url);
    const events = [emit(db, org, 'stop.created', 'stp_1'), emit(db, org, 'stop.created', 'stp_2'), emit(db, org, 'stop.created', 'stp_3')];
    const d = dispatcher(testConfig({ backoff: { maxAttempts: 1, baseMs: 1_000, maxDelayMs: 1_000 }, disableAfterFailures: 2 }));
    for (let i = 0; i < 3; i++) await d.tick();
    expect(getWebhookEndpoint(db, org, ep.id)).toMatchObject({ active: 0 });
    healthy = true;
    expect(updateWebhookEndpoint(db, org, ep.id, { active: true })).toMatchObject({ active: 1, disabled_reason: null, disabled_at: null, consecutive_failures: 0 });
    await d.tick();
    expect(ids(r)).toEqual([events[0], events[1], events[2]]);
  });

  it('prunes finished deliveries past the retention, never pending ones', async () => {
    const r = await receiver((q, _i, res) => {
      if (!q.body.includes('stp_stuck')) return;
      res.writeHead(500);
      res.end();
      return 'handled';
    });
    const ep = endpoint(r.url, ['stop.created', 'stop.updated'], org);
    const other = endpoint(r.url, ['stop.updated'], org);
    emit(db, org, 'stop.created', 'stp_done');
    emit(db, org, 'stop.updated', 'stp_stuck');
    const config = testConfig({ retentionMs: 86_400_000, backoff: { maxAttempts: 100, baseMs: 1_000, maxDelayMs: 1_000 } });
    await dispatcher(config).tick();
    expect(listWebhookDeliveries(db, ep.id, 10, null).map((x) => x.status)).toEqual(['pending', 'succeeded']);
    clock += 86_400_000 + 60_000;
    // A fresh dispatcher prunes on its first pass.
    await dispatcher(config).tick();
    expect(listWebhookDeliveries(db, ep.id, 10, null).map((x) => x.status)).toEqual(['pending']);
    expect(listWebhookDeliveries(db, other.id, 10, null).map((x) => x.status)).toEqual(['pending']);
  });

  it('wakes at once when the doorbell rings instead of waiting for the poll', async () => {
    const r = await receiver();
    endpoint(r.url);
    const d = dispatcher(testConfig({ pollMs: 3_600_000 }));
    d.start();
    await new Promise((resolve) => setImmediate(resolve));
    const eventId = emit(db, org, 'stop.created', 'stp_1');
    ringWebhookDispatcher();
    await r.waitFor(1);
    expect(ids(r)).toEqual([eventId]);
  });
});

describe('slot sharing', () => {
  it('keeps half the slots for healthy endpoints however many failing ones hang', async () => {
    const hangA = await receiver(() => 'handled');
    const hangB = await receiver(() => 'handled');
    const healthy = await receiver();
    const a = endpoint(hangA.url, ['stop.updated']);
    const b = endpoint(hangB.url, ['stop.updated']);
    endpoint(healthy.url, ['stop.created']);
    // Both hanging endpoints already failed before: they count as failing.
    db.prepare('UPDATE webhook_endpoints SET failing_since = ? WHERE id IN (?, ?)').run(new Date(clock - 60_000).toISOString(), a.id, b.id);
    emit(db, org, 'stop.updated', 'stp_0');
    const d = dispatcher(testConfig({ concurrency: 2, timeoutMs: 20_000, pollMs: 20 }));
    d.start();
    await Promise.race([hangA.waitFor(1), hangB.waitFor(1)]);
    // Without the cap the second hanging endpoint would take the last slot now and starve the healthy one.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const events = [emit(db, org, 'stop.created', 'stp_1'), emit(db, org, 'stop.created', 'stp_2'), emit(db, org, 'stop.created', 'stp_3')];
    ringWebhookDispatcher();
    await healthy.waitFor(3);
    expect(ids(healthy)).toEqual(events);
    expect(hangA.requests.length + hangB.requests.length).toBe(1);
  });
});
