/**
 * Names anyone with a token can set (service areas, routes, drivers, customers) reach the dispatcher page's map
 * tooltips and route cards as text, never as markup. Chromium (Debian's, through playwright-core) against the real
 * server; skipped when /usr/bin/chromium is absent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../../src/api/app.js';
import { inProcessSolver } from '../../src/planning/solver-port.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config.js';
import { openDb, type Db } from '../../src/store/db.js';
import { ensureOrganization } from '../../src/store/organizations.js';
import { createToken } from '../../src/store/tokens.js';
import { attachTracking, type CloseTracking } from '../../src/tracking/attach.js';
import { launchChromium, requireChromium, skipBrowserSuite } from './browser.js';

const DAY = '2026-05-08';
const POLL = { timeout: 15_000, interval: 100 };

/** Markup that, were it parsed, would record where it ran in window.__xss. */
const hostile = (where: string) => `<img src=x onerror="window.__xss=(window.__xss||[]).concat('${where}')"><b>${where}</b>`;
const NAMES = {
  area: hostile('area'),
  route: hostile('route'),
  driver: hostile('driver'),
  routed: hostile('routed-stop'),
  unrouted: hostile('unrouted-stop'),
};

describe.skipIf(skipBrowserSuite)('dashboard with hostile names', { timeout: 30_000 }, () => {
  let dir: string;
  let db: Db;
  let app: FastifyInstance;
  let tracking: CloseTracking;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let token: string;
  let driverSocket: WebSocket | null = null;
  const pageErrors: string[] = [];

  const api = async (method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; data: any }> => {
    const res = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: res.statusCode, data: res.body ? JSON.parse(res.body) : null };
  };
  const created = async (url: string, body: unknown): Promise<string> => {
    const res = await api('POST', url, body);
    expect(res.status, JSON.stringify(res.data)).toBe(201);
    return res.data.id as string;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'milkrun-hostile-'));
    const config: Config = { ...DEFAULT_CONFIG, dbFile: join(dir, 'e2e.db'), logLevel: 'silent' };
    db = openDb(config.dbFile);
    delete process.env.MILKRUN_TILE_URL;
    app = await buildApp({ db, config, solver: inProcessSolver() });
    await app.listen({ port: 0, host: '127.0.0.1' });
    tracking = attachTracking(app.server, { db, tracking: app.tracking, config: { liveIntervalMs: 100 } });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    baseUrl = `http://127.0.0.1:${address.port}`;
    const { organization } = ensureOrganization(db, 'Hostile names');
    ({ token } = createToken(db, organization.id, { name: 'e2e', scope: 'full_access' }));

    const square = [[24.6, 59.38], [24.85, 59.38], [24.85, 59.48], [24.6, 59.48], [24.6, 59.38]];
    await created('/service-areas', {
      name: NAMES.area,
      geojson: { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [square] } },
    });
    const vehicleId = await created('/vehicles', {
      name: 'Van',
      capacity: [8],
      shift: { from: `${DAY}T08:00:00+03:00`, to: `${DAY}T18:00:00+03:00` },
      start: { lat: 59.437, lng: 24.7536 },
    });
    const driverId = await created('/drivers', { name: NAMES.driver, vehicle_id: vehicleId });
    const stop = (name: string, lng: number) => ({
      lat: 59.43,
      lng,
      customer_name: name,
      time_windows: [{ from: `${DAY}T09:00:00+03:00`, to: `${DAY}T17:00:00+03:00` }],
      service_duration_s: 300,
    });
    const routedId = await created('/stops', stop(NAMES.routed, 24.7));
    await created('/stops', stop(NAMES.unrouted, 24.8));
    await created('/routes', { name: NAMES.route, date: DAY, vehicle_id: vehicleId, driver_id: driverId, stop_ids: [routedId] });

    const issued = await api('POST', `/drivers/${driverId}/tokens`, {});
    driverSocket = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws/driver?token=${issued.data.token}`);
    await new Promise((resolve, reject) => driverSocket!.once('open', resolve).once('error', reject));
    const acked = new Promise<void>((resolve) => driverSocket!.on('message', (m) => String(m).includes('"ack"') && resolve()));
    driverSocket.send(JSON.stringify({ type: 'ping', seq: 1, lat: 59.437, lng: 24.75, ts: new Date().toISOString() }));
    await acked;

    requireChromium();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.setDefaultTimeout(15_000);
  }, 60_000);

  afterAll(async () => {
    driverSocket?.close();
    await browser?.close();
    await tracking?.();
    await app?.close();
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('shows every name as text in the map tooltips and the route cards', async () => {
    await page.goto(`${baseUrl}/dashboard?date=${DAY}`);
    await page.getByTestId('token-input').fill(token);
    await page.getByTestId('token-submit').click();
    await page.getByTestId('route-card').waitFor();
    await expect.poll(() => page.locator('[data-testid=driver-marker]').count(), POLL).toBe(1);

    // Hovering opens each tooltip (Leaflet fills a tooltip only when it opens).
    for (const testId of ['service-area', 'route-line', 'stop-marker', 'unrouted-stop', 'driver-marker']) {
      const target = page.locator(`[data-testid=${testId}]`);
      expect(await target.count(), testId).toBe(1);
      await target.dispatchEvent('mouseover');
    }
    const tooltips = page.locator('.leaflet-tooltip');
    await expect.poll(() => tooltips.count(), POLL).toBe(5);
    // The names arrived, character for character, as text: that is the signal; then nothing of them is markup.
    expect((await tooltips.allTextContents()).sort()).toEqual(
      [NAMES.area, NAMES.route, `1. ${NAMES.routed}`, `Not routed: ${NAMES.unrouted}`, NAMES.driver].sort(),
    );
    const card = page.getByTestId('route-card');
    expect(await card.locator('header strong').textContent()).toBe(NAMES.route);
    expect(await card.locator('header .driver').textContent()).toBe(NAMES.driver);
    const unroutedCard = page.getByTestId('unrouted-card');
    expect(await unroutedCard.locator('.label').textContent()).toBe(NAMES.unrouted);
    expect(await page.locator('.leaflet-tooltip img, .leaflet-tooltip b, [data-testid=route-panel] img, [data-testid=route-panel] b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: string[] }).__xss ?? [])).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
