/**
 * The dispatcher page in a real browser (Debian's chromium through playwright-core) against the real server on a
 * temporary database: token prompt, auto-optimize from the page, route lines and driver markers, a ping moving a
 * marker, a stop dragged to another route. Skipped when /usr/bin/chromium is absent, except under CI=true, where a
 * missing browser fails the suite (browser.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
const DEPOT = { lat: 59.437, lng: 24.7536 };
/** The page updates asynchronously (fetches, the live socket): wait for it, not a fixed time. */
const POLL = { timeout: 15_000, interval: 100 };
const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

interface Answer {
  status: number;
  data: any;
}

/** Stops spread over central Tallinn, open all day, so every one can be served. */
function demoStops(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    address: `Test street ${i + 1}, Tallinn`,
    lat: 59.415 + (i % 5) * 0.009,
    lng: 24.69 + Math.floor(i / 5) * 0.03,
    customer_name: `Customer ${String(i + 1).padStart(2, '0')}`,
    time_windows: [{ from: `${DAY}T09:00:00+03:00`, to: `${DAY}T17:00:00+03:00` }],
    service_duration_s: 300,
    demand: [1],
    external_id: `e2e-${i + 1}`,
  }));
}

function waitForAck(socket: WebSocket, seq: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const frame = JSON.parse(raw.toString()) as { type: string; seq?: number; message?: string };
      if (frame.type === 'ack' && frame.seq === seq) {
        socket.off('message', onMessage);
        resolve();
      } else if (frame.type === 'error') {
        socket.off('message', onMessage);
        reject(new Error(`driver frame ${seq} refused: ${frame.message}`));
      }
    };
    socket.on('message', onMessage);
  });
}

// Explicit timeouts: `npm test` runs vitest without test/vitest.config.ts (whose limits are higher).
describe.skipIf(skipBrowserSuite)('dispatcher dashboard in chromium', { timeout: 30_000 }, () => {
  let dir: string;
  let db: Db;
  let app: FastifyInstance;
  let tracking: CloseTracking;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;
  let token: string;
  let tokenId: string;
  const sockets: WebSocket[] = [];
  const pageErrors: string[] = [];

  const api = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<Answer> => {
    const res = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: res.statusCode, data: res.body ? JSON.parse(res.body) : null };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'milkrun-dashboard-'));
    const config: Config = { ...DEFAULT_CONFIG, dbFile: join(dir, 'e2e.db'), logLevel: 'silent' };
    db = openDb(config.dbFile);
    delete process.env.MILKRUN_TILE_URL; // this file checks the plain background (the tiles test sets one)
    // The solver runs on the test's thread: one solve at a time here, and the worker pool has its own tests.
    app = await buildApp({ db, config, solver: inProcessSolver() });
    await app.listen({ port: 0, host: '127.0.0.1' });
    tracking = attachTracking(app.server, { db, tracking: app.tracking, config: { liveIntervalMs: 100 } });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    baseUrl = `http://127.0.0.1:${address.port}`;

    const { organization } = ensureOrganization(db, 'E2E Dispatch');
    ({ token, record: { id: tokenId } } = createToken(db, organization.id, { name: 'e2e', scope: 'full_access' }));
    // Two service areas: the city (every stop is inside it) and a MultiPolygon with a hole, drawn as one shape.
    const square = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];
    const areas = [
      { name: 'Tallinn', geojson: { type: 'Feature', properties: {},
        geometry: { type: 'Polygon', coordinates: [square(24.6, 59.38, 24.85, 59.48)] } } },
      { name: 'Pirita', geojson: { type: 'Feature', properties: {},
        geometry: { type: 'MultiPolygon', coordinates: [
          [square(24.82, 59.45, 24.9, 59.5), square(24.84, 59.46, 24.86, 59.47)],
          [square(24.92, 59.45, 24.95, 59.48)],
        ] } } },
    ];
    for (const area of areas) {
      const created = await api('POST', '/service-areas', area);
      expect(created.status, JSON.stringify(created.data)).toBe(201);
    }
    for (let v = 1; v <= 3; v++) {
      const vehicle = await api('POST', '/vehicles', {
        name: `Van ${v}`,
        capacity: [8],
        shift: { from: `${DAY}T08:00:00+03:00`, to: `${DAY}T18:00:00+03:00` },
        start: DEPOT,
        end: DEPOT,
      });
      expect(vehicle.status, JSON.stringify(vehicle.data)).toBe(201);
      const driver = await api('POST', '/drivers', { name: `Driver ${v}`, vehicle_id: vehicle.data.id });
      expect(driver.status, JSON.stringify(driver.data)).toBe(201);
    }
    // One stop whose window closes before any shift starts: the solver must leave it unrouted (time_window).
    const earlyBird = {
      address: 'Early street 1, Tallinn',
      lat: 59.44,
      lng: 24.74,
      customer_name: 'Early Bird',
      time_windows: [{ from: `${DAY}T07:00:00+03:00`, to: `${DAY}T07:05:00+03:00` }],
      service_duration_s: 300,
      demand: [1],
      external_id: 'e2e-early',
    };
    const bulk = await api('POST', '/stops/bulk', { stops: [...demoStops(15), earlyBird] });
    expect(bulk.status, JSON.stringify(bulk.data).slice(0, 500)).toBeLessThan(300);

    requireChromium();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.setDefaultTimeout(15_000);
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await browser?.close();
    await tracking?.();
    await app?.close();
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('asks for the token once and keeps it only in the session', async () => {
    await page.goto(`${baseUrl}/dashboard?date=${DAY}`);
    await page.getByTestId('token-input').fill('mk_live_not_a_real_token');
    await page.getByTestId('token-submit').click();
    await expect.poll(() => page.getByTestId('token-error').innerText(), POLL).toContain('not valid');
    await page.getByTestId('token-input').fill(token);
    await page.getByTestId('token-submit').click();
    await page.getByTestId('no-routes').waitFor();
    expect(await page.getByTestId('unrouted-card').locator('li.stop').count()).toBe(16);
    expect(await page.locator('[data-testid=service-area]').count()).toBe(2);
    // No tile URL configured: a plain background, and no tile is requested from anywhere.
    expect(await page.locator('#map').getAttribute('class')).toContain('no-tiles');
    expect(await page.locator('img.leaflet-tile').count()).toBe(0);
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0);
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([token]);
    // A reload does not ask again.
    await page.reload();
    await page.getByTestId('no-routes').waitFor();
    expect(await page.locator('#token-dialog').isHidden()).toBe(true);
  });

  it('auto-optimizes the day from the page and draws one line and one card per created route', async () => {
    await page.getByTestId('auto-optimize').click();
    await page.getByTestId('optimize-routes').waitFor();
    const routes = await api('GET', `/routes?date=${DAY}`);
    expect(routes.status).toBe(200);
    const created: number = routes.data.data.length;
    // 15 servable stops of demand 1 in vans of capacity 8: at least two routes, at most the three vans.
    expect(created).toBeGreaterThanOrEqual(2);
    expect(created).toBeLessThanOrEqual(3);
    expect(await page.getByTestId('optimize-routes').innerText()).toBe(String(created));
    await expect.poll(() => page.locator('[data-testid=route-line]').count(), POLL).toBe(created);
    expect(await page.getByTestId('route-card').count()).toBe(created);
    // Every stop is on a route: numbered on the map and listed in a card, none left unrouted.
    expect(await page.locator('[data-testid=stop-marker]').count()).toBe(15);
    expect(await page.getByTestId('route-card').locator('li.stop').count()).toBe(15);
    // The one stop no van can reach in time stays unrouted, and the page says why.
    expect(await page.getByTestId('unrouted-card').locator('li.stop').allInnerTexts()).toEqual([
      expect.stringContaining('Early Bird'),
    ]);
    expect(await page.getByTestId('message').innerText()).toMatch(/Early Bird \(time_window\)/);
  });

  it('reads live frames and judges lateness as the hub reports it (page modules, in the browser)', async () => {
    // Passed as source text: the test runner must not rewrite the browser's own dynamic import().
    const result = await page.evaluate(`(async () => {
      const feed = await import('/dashboard/assets/live-feed.js');
      const day = await import('/dashboard/assets/day-data.js');
      const update = { type: 'driver.update', driver_id: 'drv_x', lat: 59.4, lng: 24.7, heading: null, online: false,
        remaining: [{ stop_id: 'stp_a', eta: '2026-05-08T10:00:00Z', window_missed: true },
          { stop_id: 'stp_b', eta: '2026-05-08T10:30:00Z', window_missed: false }] };
      return {
        updates: feed.driverUpdatesOf(update).length,
        ignored: [{ type: 'subscribed', all: true }, { type: 'error', code: 'x' }, 'junk']
          .map((f) => feed.driverUpdatesOf(f).length),
        live: day.toDriverLive(update),
        noPosition: day.toDriverLive({ driver_id: 'drv_x', lat: null, lng: null }),
        after: day.isAfterWindow('2026-05-08T10:01:00Z', '2026-05-08T10:00:00Z'),
        onTime: day.isAfterWindow('2026-05-08T10:00:00Z', '2026-05-08T10:00:00Z'),
      };
    })()`) as {
      updates: number; ignored: number[]; live: unknown; noPosition: unknown; after: boolean; onTime: boolean;
    };
    expect(result.updates).toBe(1);
    expect(result.ignored).toEqual([0, 0, 0]);
    expect(result.live).toEqual({
      driverId: 'drv_x', lat: 59.4, lng: 24.7, heading: null, online: false, updatedAt: null, currentStopId: null,
      remaining: [{ stopId: 'stp_a', eta: '2026-05-08T10:00:00Z', late: true },
        { stopId: 'stp_b', eta: '2026-05-08T10:30:00Z', late: false }],
    });
    expect(result.noPosition).toBeNull();
    expect(result.after).toBe(true);
    expect(result.onTime).toBe(false);
  });

  /** Route cards on the page, fullest first. */
  async function cardsBySize(): Promise<{ routeId: string; stops: number }[]> {
    const cards = page.getByTestId('route-card');
    const out = [];
    for (let i = 0; i < (await cards.count()); i++) {
      out.push({ routeId: (await cards.nth(i).getAttribute('data-route-id'))!,
        stops: await cards.nth(i).locator('li.stop').count() });
    }
    return out.sort((a, b) => b.stops - a.stops);
  }

  it('moves a stop to another route by dragging it in the panel', async () => {
    const sizes = await cardsBySize();
    const fromRouteId = sizes[0]!.routeId;
    const toRouteId = sizes[sizes.length - 1]!.routeId;
    const card = (id: string) => page.locator(`[data-testid=route-card][data-route-id="${id}"]`);
    const dragged = card(fromRouteId).locator('li.stop').last();
    const stopId = await dragged.getAttribute('data-stop-id');
    await dragged.dragTo(card(toRouteId).locator('li.stop').first());
    await page.locator('.message', { hasText: 'Moved' }).waitFor();
    const target = await api('GET', `/routes/${toRouteId}`);
    expect(target.data.stops[0].stop_id).toBe(stopId);
    const source = await api('GET', `/routes/${fromRouteId}`);
    expect(source.data.stops.map((s: { stop_id: string }) => s.stop_id)).not.toContain(stopId);
    // The panel shows the server's new order.
    await expect.poll(() => page.locator(`[data-testid=route-card][data-route-id="${toRouteId}"] li.stop`).first()
      .getAttribute('data-stop-id'), POLL).toBe(stopId);
  });

  it('reorders a route by dragging a stop within it', async () => {
    const routeId = (await cardsBySize())[0]!.routeId;
    const before = (await api('GET', `/routes/${routeId}`)).data.stops.map((s: { stop_id: string }) => s.stop_id);
    const rows = page.locator(`[data-testid=route-card][data-route-id="${routeId}"] li.stop`);
    await rows.nth(0).dragTo(rows.nth(2));
    // Dragged down onto the third stop, the first takes its place; the two it passed move up.
    const expected = [before[1], before[2], before[0], ...before.slice(3)];
    await expect.poll(async () => (await api('GET', `/routes/${routeId}`)).data.stops
      .map((s: { stop_id: string }) => s.stop_id), POLL).toEqual(expected);
    await expect.poll(() => rows.nth(2).getAttribute('data-stop-id'), POLL).toBe(before[0]);
  });

  it('drags the unroutable stop onto a route and shows the broken time window in red', async () => {
    const sizes = await cardsBySize();
    const toRouteId = sizes[sizes.length - 1]!.routeId;
    const early = page.getByTestId('unrouted-card').locator('li.stop').first();
    const stopId = (await early.getAttribute('data-stop-id'))!;
    await early.dragTo(page.locator(`[data-testid=route-card][data-route-id="${toRouteId}"] ol.stops`));
    await page.getByTestId('violation-count').waitFor();
    expect(await page.getByTestId('message').innerText()).toContain('Early Bird: arrives');
    const route = await api('GET', `/routes/${toRouteId}`);
    expect(route.data.stops.map((s: { stop_id: string }) => s.stop_id)).toContain(stopId);
    const row = page.locator(`li.stop[data-stop-id="${stopId}"]`);
    await expect.poll(() => row.getAttribute('class'), POLL).toContain('late');
    expect(await page.locator(`[data-testid=stop-marker][data-stop-id="${stopId}"]`).getAttribute('class'))
      .toContain('late');
    expect(await page.locator(`[data-testid=route-card][data-route-id="${toRouteId}"] [data-testid=late-count]`)
      .innerText()).toBe('1 late');
  });

  it('reoptimizes one route from its card', async () => {
    const edited = page.locator('[data-testid=route-card]', { has: page.locator('li.stop', { hasText: 'Early Bird' }) });
    const routeId = (await edited.getAttribute('data-route-id'))!;
    expect((await api('GET', `/routes/${routeId}`)).data.optimized).toBe(false);
    await edited.getByTestId('reoptimize').click();
    await page.locator('.message', { hasText: 'reoptimized' }).waitFor();
    // The stop no schedule can serve in time is reported with its reason; the API keeps it at the end of the route.
    expect(await page.getByTestId('violation-count').innerText()).toBe('1');
    const message = await page.getByTestId('message').innerText();
    expect(message).toContain('Early Bird');
    expect(message).toContain('arrives after every time window of the stop has closed');
    const after = (await api('GET', `/routes/${routeId}`)).data;
    expect(after.optimized).toBe(true);
    expect(after.stops.at(-1).address).toBe('Early street 1, Tallinn');
    await expect.poll(() => page.locator(`[data-testid=route-card][data-route-id="${routeId}"] .badge`).count(), POLL)
      .toBe(0);
  });

  it('shows each driver once it pings, and a new ping moves its marker', async () => {
    const routes = await api('GET', `/routes?date=${DAY}`);
    const driverIds: string[] = [];
    for (const { id } of routes.data.data as { id: string }[]) {
      const route = await api('GET', `/routes/${id}`);
      const vehicleDriver = (await api('GET', '/drivers')).data.data.find(
        (d: { vehicle_id: string | null }) => d.vehicle_id === route.data.vehicle_id,
      );
      driverIds.push(route.data.driver_id ?? vehicleDriver.id);
    }
    expect(await page.locator('[data-testid=driver-marker]').count()).toBe(0);

    for (const [i, driverId] of driverIds.entries()) {
      const issued = await api('POST', `/drivers/${driverId}/tokens`, {});
      expect(issued.status).toBe(201);
      const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws/driver?token=${issued.data.token}`);
      sockets.push(socket);
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const acked = waitForAck(socket, 1);
      socket.send(JSON.stringify({ type: 'ping', seq: 1, lat: DEPOT.lat, lng: DEPOT.lng + i * 0.004,
        ts: `${DAY}T05:10:00.000Z`, heading: 90, speed_mps: 8 }));
      await acked;
    }
    await expect.poll(() => page.locator('[data-testid=driver-marker]').count(), POLL).toBe(driverIds.length);

    const moved = { lat: 59.4211, lng: 24.7012 };
    const acked = waitForAck(sockets[0]!, 2);
    sockets[0]!.send(JSON.stringify({ type: 'ping', seq: 2, ...moved, ts: `${DAY}T05:20:00.000Z`,
      heading: 180, speed_mps: 9 }));
    await acked;
    const marker = page.locator(`[data-testid=driver-marker][data-driver-id="${driverIds[0]}"]`);
    await expect.poll(() => marker.getAttribute('data-lat'), POLL).toBe(String(moved.lat));
    expect(await marker.getAttribute('data-lng')).toBe(String(moved.lng));
    expect(await marker.locator('.driver-arrow').getAttribute('style')).toContain('rotate(180deg)');
  });

  it('renders without page errors and saves a screenshot', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png') });
    expect(pageErrors).toEqual([]);
  });

  it('shows another day when one is picked, and the address remembers it', async () => {
    await page.getByTestId('date-input').fill('2026-05-09');
    await page.getByTestId('no-routes').waitFor();
    expect(await page.locator('[data-testid=route-line]').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('date')).toBe('2026-05-09');
    await page.getByTestId('date-input').fill(DAY);
    await expect.poll(() => page.locator('[data-testid=route-line]').count(), POLL).toBeGreaterThanOrEqual(2);
  });

  it('asks for a token again when the one in the session is revoked', async () => {
    const revoked = await api('DELETE', `/tokens/${tokenId}`);
    expect(revoked.status).toBe(200);
    await page.getByTestId('reload').click();
    await page.getByTestId('token-input').waitFor();
    expect(await page.evaluate(() => Object.keys(sessionStorage).length)).toBe(0);
  });
});
