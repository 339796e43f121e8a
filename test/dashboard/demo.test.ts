/**
 * The demo path a new user takes: the seeded day gets planned (`npm start`), and the demo drivers (`npm run demo`)
 * drive it over /ws/driver so positions and stop statuses change on the real server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { inProcessSolver } from '../../src/planning/solver-port.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config.js';
import { startDemoDrivers } from '../../src/demo/demo-drivers.js';
import { prepareDemoDay } from '../../src/demo/optimize-day.js';
import { seedDemo, type DemoSeed } from '../../src/demo/seed.js';
import { openDb, type Db } from '../../src/store/db.js';
import { attachTracking, type CloseTracking } from '../../src/tracking/attach.js';

const DAY = '2026-05-08';
const POLL = { timeout: 15_000, interval: 100 };

describe('demo day', { timeout: 30_000 }, () => {
  let dir: string;
  let db: Db;
  let app: FastifyInstance;
  let tracking: CloseTracking | undefined;
  let seed: DemoSeed;

  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${seed.token}` } });
    return res.json() as any;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'milkrun-demo-'));
    const config: Config = { ...DEFAULT_CONFIG, dbFile: join(dir, 'demo.db'), logLevel: 'silent' };
    db = openDb(config.dbFile);
    app = await buildApp({ db, config, solver: inProcessSolver() });
    seed = seedDemo(db, { date: DAY });
  }, 60_000);

  afterAll(async () => {
    await tracking?.();
    await app?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('plans the seeded day and prints where to look and what to paste', async () => {
    const banner = (await prepareDemoDay(app, seed.token))('http://127.0.0.1:3000');
    const routes = (await get(`/routes?date=${DAY}`)).data as { id: string; stop_count: number }[];
    expect(routes.length).toBeGreaterThan(0);
    const routed = routes.reduce((sum, r) => sum + r.stop_count, 0);
    const pending = (await get(`/stops?date=${DAY}&status=pending&limit=200`)).data.length as number;
    // Every seeded stop is either on a route or reported as not served.
    expect(routed + pending).toBe(seed.stops);
    const lines = banner.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Demo day ${DAY}: ${routes.length} routes, \\d+\\.\\d km, `));
    expect(lines[0]).toContain(pending === 0 ? 'every stop served' : `${pending} stops not served`);
    expect(lines[1]).toBe(`Dashboard: http://127.0.0.1:3000/dashboard?date=${DAY}`);
    expect(lines[2]).toBe(`Token (paste it on the page): ${seed.token}`);
    // The city's service areas came with it, and every planned stop lies in one of them.
    const areas = (await get('/service-areas?limit=200')).data as unknown[];
    expect(areas.length).toBeGreaterThan(0);
    const first = await get(`/routes/${routes[0]!.id}`);
    for (const s of first.stops as { lat: number; lng: number }[]) {
      expect((await get(`/service-areas/lookup?lat=${s.lat}&lng=${s.lng}`)).data.length).toBeGreaterThan(0);
    }
  });

  it('demo drivers drive their routes: live positions appear and stops get completed', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    tracking = attachTracking(app.server, { db, tracking: app.tracking, config: { liveIntervalMs: 100 } });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const lines: string[] = [];
    const drivers = await startDemoDrivers({
      baseUrl: `http://127.0.0.1:${address.port}`,
      token: seed.token,
      date: DAY,
      legMs: 300,
      dwellMs: 100,
      pingEveryMs: 100,
      log: (line) => lines.push(line),
    });
    try {
      const routes = (await get(`/routes?date=${DAY}`)).data as { id: string; driver_id: string | null }[];
      expect(drivers.count).toBe(routes.filter((r) => r.driver_id).length);
      const first = await get(`/routes/${routes[0]!.id}`);
      const driverId = first.driver_id as string;
      await expect.poll(async () => (await get(`/drivers/${driverId}/live`)).lat, POLL).not.toBeNull();
      const firstStop = first.stops[0].stop_id as string;
      await expect.poll(async () => (await get(`/stops/${firstStop}`)).status, POLL).toBe('completed');
      expect(lines.filter((l) => l.includes('"error"'))).toEqual([]);
    } finally {
      await drivers.stop();
    }
  });
});

describe('demo day without a working solver', { timeout: 30_000 }, () => {
  it('still starts: the banner says the day could not be planned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'milkrun-demo-'));
    const config: Config = { ...DEFAULT_CONFIG, dbFile: join(dir, 'demo.db'), logLevel: 'silent' };
    const db = openDb(config.dbFile);
    const app = await buildApp({ db, config, solver: { solve: () => Promise.reject(new Error('no solver')) } });
    try {
      const seed = seedDemo(db, { date: DAY });
      const banner = (await prepareDemoDay(app, seed.token))('http://127.0.0.1:3000');
      expect(banner).toMatch(/^Could not plan the demo day \(.*500.*\); use Auto-optimize on the page\./);
      expect(banner).toContain('Dashboard: http://127.0.0.1:3000/dashboard\n');
    } finally {
      await app.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
