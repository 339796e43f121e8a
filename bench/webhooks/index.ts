/**
 * Webhook benchmarks: (1) delivery throughput of the dispatcher (outbox → SQLite queues → signed HTTP POST) against
 * a baseline of the same POSTs sent directly, (2) API write latency with dead (hanging) endpoints subscribed
 * against none, (3) sign/verify cost. Loopback receivers only.
 * Run: npx tsx bench/webhooks/index.ts [--events 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
import { buildApp } from '../../src/api/app.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { openDb, type Db } from '../../src/store/db.js';
import { recordEvent } from '../../src/store/events.js';
import { ensureOrganization } from '../../src/store/organizations.js';
import { createToken } from '../../src/store/tokens.js';
import { createWebhookEndpoint } from '../../src/store/webhooks.js';
import { DEFAULT_WEBHOOK_CONFIG, type WebhookConfig } from '../../src/webhooks/config.js';
import { postWebhook } from '../../src/webhooks/deliver.js';
import { createWebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { signatureHeader } from '../../src/webhooks/sign.js';
import { verifyWebhook } from '../../src/webhooks/verify.js';

const eventsArg = process.argv.indexOf('--events');
const EVENTS = eventsArg > 0 ? Number(process.argv[eventsArg + 1]) : 2000;

const config: WebhookConfig = { ...DEFAULT_WEBHOOK_CONFIG, allowPrivate: true, pollMs: 20, timeoutMs: 10_000 };

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function freshDb(dir: string, name: string): Db {
  return openDb(join(dir, `${name}.db`));
}

const sampleData = { id: 'stp_abcdefghijklmnopqrst', name: 'Bakery on Main Street', lat: 59.437, lng: 24.7536, status: 'completed', notes: 'x'.repeat(300) };

/** Dispatcher throughput for `endpoints` endpoints each receiving every one of `events` events. */
async function dispatcherThroughput(dir: string, endpoints: number, events: number): Promise<{ ms: number; deliveries: number }> {
  let received = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const total = endpoints * events;
  const { server, url } = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      res.end('ok');
      if (++received === total) done();
    });
  });
  const db = freshDb(dir, `throughput-${endpoints}`);
  const org = ensureOrganization(db, 'Bench').organization.id;
  for (let i = 0; i < endpoints; i++) createWebhookEndpoint(db, { organizationId: org, url, topics: ['stop.completed'], active: true }, 1000);
  db.transaction(() => {
    for (let i = 0; i < events; i++) recordEvent(db, { organizationId: org, type: 'stop.completed', resourceType: 'stop', resourceId: `stp_${i}`, data: sampleData });
  })();
  const dispatcher = createWebhookDispatcher({ db, config });
  const started = performance.now();
  dispatcher.start();
  await finished;
  const ms = performance.now() - started;
  await dispatcher.stop();
  db.close();
  await close(server);
  return { ms, deliveries: total };
}

/** The same POSTs without outbox, queue or signing: `endpoints` sequential senders, `events` each. */
async function directThroughput(endpoints: number, events: number): Promise<{ ms: number; deliveries: number }> {
  const { server, url } = await listen((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const body = JSON.stringify({ id: 'evt_x', type: 'stop.completed', data: sampleData });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: endpoints }, async () => {
      for (let i = 0; i < events; i++) {
        await postWebhook({ url, body, headers: { 'Content-Type': 'application/json' }, timeoutMs: 10_000, allowPrivate: true });
      }
    }),
  );
  const ms = performance.now() - started;
  await close(server);
  return { ms, deliveries: endpoints * events };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** POST /api/v1/vehicles latency (inject) with `deadEndpoints` hanging endpoints subscribed and the dispatcher running. */
async function apiLatency(dir: string, deadEndpoints: number, requests: number): Promise<{ p50: number; p99: number }> {
  const { server, url } = await listen(() => undefined); // never answers
  const db = freshDb(dir, `latency-${deadEndpoints}`);
  const app = await buildApp({ db, config: { ...DEFAULT_CONFIG, dbFile: join(dir, 'x.db'), logLevel: 'silent', rateLimit: { max: 1e9, windowMs: 60_000 } } });
  await app.ready();
  const org = ensureOrganization(db, 'Bench').organization.id;
  const token = createToken(db, org, { name: 'b', scope: 'full_access' }).token;
  for (let i = 0; i < deadEndpoints; i++) createWebhookEndpoint(db, { organizationId: org, url, topics: ['vehicle.created'], active: true }, 1000);
  const dispatcher = createWebhookDispatcher({ db, config: { ...config, timeoutMs: 60_000 } });
  dispatcher.start();
  const times: number[] = [];
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    const res = await app.inject({ method: 'POST', url: '/api/v1/vehicles', headers: { authorization: `Bearer ${token}` }, payload: { name: `Van ${i}`, capacity: [10] } });
    times.push(performance.now() - t0);
    if (res.statusCode !== 201) throw new Error(`unexpected ${res.statusCode}`);
    // Let the dispatcher's timers run between requests, as they would between real clients' requests.
    if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await dispatcher.stop();
  await app.close();
  db.close();
  await close(server);
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'milkrun-bench-webhooks-'));
  try {
    const rows: Record<string, string | number>[] = [];
    for (const endpoints of [1, 10]) {
      const events = Math.round(EVENTS / endpoints);
      const direct = await directThroughput(endpoints, events);
      const dispatched = await dispatcherThroughput(dir, endpoints, events);
      rows.push({
        case: `${endpoints} endpoint(s) × ${events} events`,
        'direct POST /s': Math.round((direct.deliveries / direct.ms) * 1000),
        'dispatcher /s': Math.round((dispatched.deliveries / dispatched.ms) * 1000),
        'dispatcher / direct': Number((dispatched.deliveries / dispatched.ms / (direct.deliveries / direct.ms)).toFixed(2)),
      });
    }
    console.log('\nDelivery throughput (loopback receiver answering 200)');
    console.table(rows);

    const none = await apiLatency(dir, 0, 400);
    const dead = await apiLatency(dir, 20, 400);
    console.log('\nPOST /api/v1/vehicles latency (ms, inject) with the dispatcher running');
    console.table([
      { case: 'no endpoints', p50: none.p50.toFixed(3), p99: none.p99.toFixed(3) },
      { case: '20 hanging endpoints', p50: dead.p50.toFixed(3), p99: dead.p99.toFixed(3) },
      { case: 'ratio', p50: (dead.p50 / none.p50).toFixed(2), p99: (dead.p99 / none.p99).toFixed(2) },
    ]);

    const body = JSON.stringify({ id: 'evt_x', type: 'stop.completed', data: sampleData });
    const header = signatureHeader(body, ['whsec_bench'], Math.floor(Date.now() / 1000));
    const bench = new Bench({ name: 'sign/verify (~450 B body)', time: 300 });
    bench.add('signatureHeader', () => void signatureHeader(body, ['whsec_bench'], 1_800_000_000));
    bench.add('verifyWebhook', () => void verifyWebhook(body, header, 'whsec_bench'));
    await bench.run();
    console.log(`\n${bench.name}`);
    console.table(bench.table());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
