import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config.js';
import { openDb, type Db } from '../../src/store/db.js';
import { newId } from '../../src/store/ids.js';
import { ensureOrganization } from '../../src/store/organizations.js';
import { createToken } from '../../src/store/tokens.js';
import { attachTracking, type CloseTracking } from '../../src/tracking/attach.js';
import type { TrackingConfig } from '../../src/tracking/config.js';

export interface Server {
  app: FastifyInstance;
  db: Db;
  base: string;
  ws: string;
  tracking: CloseTracking;
  close(): Promise<void>;
}

/**
 * Short timeouts so offline detection and heartbeats happen within a test; device clocks may run a day ahead so
 * a test can replay a driver's next half hour at once.
 */
export const FAST: Partial<TrackingConfig> = {
  flushDelayMs: 5,
  offlineAfterMs: 60_000,
  liveIntervalMs: 20,
  maxClockAheadMs: 86_400_000,
};

/** A real server (API + tracking hub) on 127.0.0.1, port 0, over the SQLite file `file`. */
export async function startServer(
  file: string,
  tracking: Partial<TrackingConfig> = FAST,
  config: Partial<Config> = {},
): Promise<Server> {
  const db = openDb(file);
  const app = await buildApp({ db, config: { ...DEFAULT_CONFIG, dbFile: file, logLevel: 'silent', ...config } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const closeTracking = attachTracking(app.server, { db, tracking: app.tracking, config: tracking });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    db,
    base: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    tracking: closeTracking,
    async close() {
      await closeTracking();
      await app.close();
      db.close();
    },
  };
}

export function tempDir(): { dir: string; file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'milkrun-tracking-'));
  return { dir, file: join(dir, 'test.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Fixture {
  orgId: string;
  apiToken: string;
  driverId: string;
  routeId: string;
  stopIds: string[];
  /** Planned start of the route (epoch ms): stop k is planned at start + 10 min × (k + 1) + 5 min × k. */
  startMs: number;
}

const MIN = 60_000;

/**
 * An organization, a full-access token, a driver and a planned route of three stops due north of the depot,
 * each leg 10 planned minutes, 5 minutes of service. The last stop's window closes 5 minutes after its
 * planned arrival, so a slow driver will miss it.
 */
export function seedRoute(db: Db, startMs: number): Fixture {
  const { organization } = ensureOrganization(db, `Org ${newId('org')}`);
  const orgId = organization.id;
  const { token } = createToken(db, orgId, { name: 'test', scope: 'full_access' });
  const now = new Date().toISOString();
  const driverId = newId('drv');
  db.prepare(
    `INSERT INTO drivers (id, organization_id, name, status, created_at, updated_at) VALUES (?, ?, 'Dana', 'active', ?, ?)`,
  ).run(driverId, orgId, now, now);
  const depotId = newId('dep');
  db.prepare(
    `INSERT INTO depots (id, organization_id, name, lat, lng, created_at, updated_at) VALUES (?, ?, 'Depot', 52, 13, ?, ?)`,
  ).run(depotId, orgId, now, now);
  const vehicleId = newId('veh');
  db.prepare(
    `INSERT INTO vehicles (id, organization_id, name, start_depot_id, created_at, updated_at) VALUES (?, ?, 'Van', ?, ?, ?)`,
  ).run(vehicleId, orgId, depotId, now, now);
  const routeId = newId('rte');
  db.prepare(
    `INSERT INTO routes (id, organization_id, vehicle_id, driver_id, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'planned', ?, ?)`,
  ).run(routeId, orgId, vehicleId, driverId, now, now);
  const stopIds: string[] = [];
  for (let k = 0; k < 3; k++) {
    const id = newId('stp');
    stopIds.push(id);
    const arrival = startMs + (k + 1) * 10 * MIN + k * 5 * MIN;
    const windows =
      k === 2 ? [{ from: new Date(arrival - 30 * MIN).toISOString(), to: new Date(arrival + 5 * MIN).toISOString() }] : [];
    db.prepare(
      `INSERT INTO stops (id, organization_id, status, lat, lng, time_windows_json, service_duration_s, route_id,
         driver_id, created_at, updated_at) VALUES (?, ?, 'assigned', ?, 13, ?, 300, ?, ?, ?, ?)`,
    ).run(id, orgId, 52 + 0.05 * (k + 1), JSON.stringify(windows), routeId, driverId, now, now);
    db.prepare(
      `INSERT INTO route_stops (route_id, stop_id, position, planned_arrival, service_start, departure, distance_m)
       VALUES (?, ?, ?, ?, ?, ?, 5560)`,
    ).run(
      routeId,
      id,
      k,
      new Date(arrival).toISOString(),
      new Date(arrival).toISOString(),
      new Date(arrival + 5 * MIN).toISOString(),
    );
  }
  return { orgId, apiToken: token, driverId, routeId, stopIds, startMs };
}

export async function api(
  server: Server,
  token: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
): Promise<{ status: number; data: any }> {
  const res = await fetch(`${server.base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, data: await res.json() };
}

export async function driverToken(server: Server, f: Fixture): Promise<string> {
  const res = await api(server, f.apiToken, 'POST', `/api/v1/drivers/${f.driverId}/tokens`);
  if (res.status !== 201) throw new Error(`token: ${res.status} ${JSON.stringify(res.data)}`);
  return res.data.token as string;
}

/** A connected client that queues every JSON frame it receives. */
export class Client {
  readonly frames: any[] = [];
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.wake();
    });
    ws.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static connect(url: string, headers: Record<string, string> = {}, options: WebSocket.ClientOptions = {}): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ...options, headers });
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits until a received frame satisfies `pred` (or the socket closes) and returns it. */
  async waitFor(pred: (f: any) => boolean, timeoutMs = 5000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.frames.find(pred);
      if (hit !== undefined) return hit;
      if (this.closed) throw new Error(`closed ${this.closed.code} before the frame arrived`);
      if (Date.now() > deadline) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closed;
  }

  close(): void {
    this.ws.close();
  }
}

/** The HTTP status a refused upgrade answered with. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => {
      ws.close();
      reject(new Error('upgrade was accepted'));
    });
    ws.once('error', () => {});
  });
}

export const ping = (seq: number, lat: number, tsMs: number, extra: Record<string, unknown> = {}) => ({
  type: 'ping',
  seq,
  lat,
  lng: 13,
  ts: new Date(tsMs).toISOString(),
  ...extra,
});

/** Polls `fn` until it returns a truthy value. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function eventsOf(db: Db, type: string, resourceId: string): { data: any }[] {
  return (
    db.prepare('SELECT data_json FROM events WHERE type = ? AND resource_id = ? ORDER BY seq').all(type, resourceId) as {
      data_json: string;
    }[]
  ).map((r) => ({ data: JSON.parse(r.data_json) }));
}
