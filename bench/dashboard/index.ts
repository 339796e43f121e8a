/**
 * Dashboard figures, in Debian's chromium (skipped when /usr/bin/chromium is absent):
 * 1. load: opening the page until every route line of the seeded demo day is drawn, against the same API reads
 *    done from Node (what the page must fetch, without rendering);
 * 2. live: a driver's ping until the browser's marker moves, against the ping until a Node /ws/live client gets
 *    the update (the hub's own latency; the difference is the page's cost).
 * Usage: npx tsx bench/dashboard/index.ts [--pings 40] [--loads 5]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { buildApp } from '../../src/api/app.js';
import { inProcessSolver } from '../../src/planning/solver-port.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { optimizeDemoDay } from '../../src/demo/optimize-day.js';
import { seedDemo } from '../../src/demo/seed.js';
import { openDb } from '../../src/store/db.js';
import { attachTracking } from '../../src/tracking/attach.js';

const CHROMIUM = '/usr/bin/chromium';
const LIVE_INTERVAL_MS = 50;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PINGS = arg('pings', 40);
const LOADS = arg('loads', 5);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1]! };
};

if (!existsSync(CHROMIUM)) {
  console.log(`dashboard bench skipped: ${CHROMIUM} not found`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'milkrun-bench-dashboard-'));
const db = openDb(join(dir, 'bench.db'));
const app = await buildApp({ db, config: { ...DEFAULT_CONFIG, dbFile: join(dir, 'bench.db'), logLevel: 'silent' }, solver: inProcessSolver() });
const seed = seedDemo(db, { date: '2026-05-08' });
const day = await optimizeDemoDay(app, seed.token);
await app.listen({ port: 0, host: '127.0.0.1' });
const closeTracking = attachTracking(app.server, { db, tracking: app.tracking, config: { liveIntervalMs: LIVE_INTERVAL_MS } });
const port = (app.server.address() as { port: number }).port;
const base = `http://127.0.0.1:${port}`;
const auth = { authorization: `Bearer ${seed.token}` };
const getJson = async (path: string) => (await fetch(`${base}/api/v1${path}`, { headers: auth })).json() as Promise<any>;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  const url = `${base}/dashboard?date=${day.date}`;
  await page.goto(url);
  await page.getByTestId('token-input').fill(seed.token);
  await page.getByTestId('token-submit').click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=route-line]').length === n, day.routes);

  // 1. Load: the token is in the session now, so a reload goes straight to the data.
  const pageMs: number[] = [];
  const apiMs: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const t0 = performance.now();
    await page.reload();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=route-line]').length === n, day.routes, { polling: 'raf' });
    pageMs.push(performance.now() - t0);

    const t1 = performance.now();
    const [routes] = await Promise.all([
      getJson(`/routes?date=${day.date}&limit=200`),
      getJson(`/stops?date=${day.date}&limit=200`),
      getJson('/vehicles?limit=200'),
      getJson('/drivers?limit=200'),
      getJson('/service-areas?limit=200'),
    ]);
    const details = await Promise.all(routes.data.map((r: { id: string }) => getJson(`/routes/${r.id}`)));
    await Promise.all(details.map((r: { driver_id: string | null }) => r.driver_id && getJson(`/drivers/${r.driver_id}/live`)));
    apiMs.push(performance.now() - t1);
  }

  // 2. Live: one driver pings; a Node dispatcher client and the page both watch it.
  const route = await getJson(`/routes/${(await getJson(`/routes?date=${day.date}`)).data[0].id}`);
  const driverId: string = route.driver_id;
  const issued = await (await fetch(`${base}/api/v1/drivers/${driverId}/tokens`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' })).json() as { token: string };
  const driver = new WebSocket(`ws://127.0.0.1:${port}/ws/driver?token=${issued.token}`);
  const live = new WebSocket(`ws://127.0.0.1:${port}/ws/live?token=${seed.token}`);
  await Promise.all([driver, live].map((s) => new Promise((r) => s.once('open', r))));
  live.send(JSON.stringify({ type: 'subscribe', all: true }));
  const nodeSeen = new Map<string, number>();
  live.on('message', (raw) => {
    const f = JSON.parse(raw.toString()) as { type: string; driver_id?: string; lat?: number };
    if (f.type === 'driver.update' && f.driver_id === driverId && f.lat != null && !nodeSeen.has(String(f.lat))) nodeSeen.set(String(f.lat), Date.now());
  });
  let seq = 0;
  const ping = (lat: number) => driver.send(JSON.stringify({ type: 'ping', seq: ++seq, lat, lng: 24.75, ts: new Date().toISOString(), heading: 0 }));
  ping(59.43);
  const marker = `[data-testid=driver-marker][data-driver-id="${driverId}"]`;
  await page.waitForSelector(marker);
  await page.evaluate((sel) => {
    const el = document.querySelector(sel)!;
    const w = window as unknown as { moves: [string, number][] };
    w.moves = [];
    new MutationObserver(() => w.moves.push([el.getAttribute('data-lat') ?? '', performance.timeOrigin + performance.now()]))
      .observe(el, { attributes: true, attributeFilter: ['data-lat'] });
  }, marker);
  const sent = new Map<string, number>();
  for (let i = 1; i <= PINGS; i++) {
    const lat = Number((59.43 + i * 0.0001).toFixed(4));
    sent.set(String(lat), Date.now());
    ping(lat);
    await new Promise((r) => setTimeout(r, 250));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const moves = new Map((await page.evaluate(() => (window as unknown as { moves: [string, number][] }).moves)).map(([lat, t]) => [lat, t] as const));
  const nodeLatency: number[] = [];
  const pageLatency: number[] = [];
  for (const [lat, t0] of sent) {
    const n = nodeSeen.get(lat);
    const b = moves.get(lat);
    if (n !== undefined) nodeLatency.push(n - t0);
    if (b !== undefined) pageLatency.push(b - t0);
  }
  driver.close();
  live.close();

  const load = { page: summary(pageMs), api: summary(apiMs) };
  const nodeL = summary(nodeLatency);
  const pageL = summary(pageLatency);
  console.log(`demo day: ${day.routes} routes, ${seed.stops} stops; liveIntervalMs ${LIVE_INTERVAL_MS}; ${LOADS} loads, ${PINGS} pings`);
  console.table([
    { case: 'open page → all route lines drawn (ms)', baseline: `API reads from Node p50 ${load.api.p50.toFixed(0)}`, dashboard: `p50 ${load.page.p50.toFixed(0)} / max ${load.page.max.toFixed(0)}`, ratio: (load.page.p50 / load.api.p50).toFixed(2) },
    { case: 'ping → update seen (ms)', baseline: `Node /ws/live p50 ${nodeL.p50} / p95 ${nodeL.p95}`, dashboard: `marker moved p50 ${pageL.p50.toFixed(0)} / p95 ${pageL.p95.toFixed(0)}`, ratio: (pageL.p50 / Math.max(1, nodeL.p50)).toFixed(2) },
    { case: 'updates received of pings sent', baseline: `${nodeLatency.length}/${PINGS}`, dashboard: `${pageLatency.length}/${PINGS}`, ratio: '' },
  ]);
} finally {
  await browser.close();
  await closeTracking();
  await app.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
