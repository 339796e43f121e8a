import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run as tokenCommand } from '../../src/cli/commands/token.js';
import { seedDemo } from '../../src/demo/seed.js';
import { inProcessSolver } from '../../src/planning/solver-port.js';
import { client, makeApp, orgWithToken, removeDir } from './helpers.js';

describe('restart, demo seed, token CLI', () => {
  it('keeps every resource across close and reopen of the database', async () => {
    const first = await makeApp({}, { solver: inProcessSolver() });
    const { token } = orgWithToken(first.db, 'Keep');
    const api = client(first.app, token);
    const depot = (await api('POST', '/api/v1/depots', { name: 'D', lat: 59.42, lng: 24.8 })).data;
    const vehicle = (await api('POST', '/api/v1/vehicles', { name: 'V', capacity: [10], start_depot_id: depot.id, end_depot_id: depot.id, shift: { from: '08:00', to: '18:00' } })).data;
    const driver = (await api('POST', '/api/v1/drivers', { name: 'Dr', vehicle_id: vehicle.id })).data;
    const stop = (await api('POST', '/api/v1/stops', { lat: 59.43, lng: 24.75, date: '2026-05-08' })).data;
    await api('POST', '/api/v1/stops', { lat: 59.44, lng: 24.76 }, { 'idempotency-key': 'k1' });
    const plan = await api('POST', '/api/v1/routes/auto-optimize', { date: '2026-05-08', options: { time_limit_s: 0.1 } });
    expect(plan.statusCode).toBe(201);
    const routeId = plan.data.routes[0].id;
    await first.close();

    const second = await makeApp({}, {}, first.dir);
    try {
      const again = client(second.app, token);
      expect((await again('GET', `/api/v1/depots/${depot.id}`)).data).toEqual(depot);
      expect((await again('GET', `/api/v1/vehicles/${vehicle.id}`)).data).toMatchObject({ start: { lat: 59.42, lng: 24.8 } });
      expect((await again('GET', `/api/v1/drivers/${driver.id}`)).data).toEqual(driver);
      expect((await again('GET', `/api/v1/stops/${stop.id}`)).data).toMatchObject({ status: 'assigned', route_id: routeId });
      expect((await again('GET', `/api/v1/routes/${routeId}`)).data.stops[0].stop_id).toBe(stop.id);
      const replay = await again('POST', '/api/v1/stops', { lat: 59.44, lng: 24.76 }, { 'idempotency-key': 'k1' });
      expect(replay.headers['idempotent-replayed']).toBe('true');
    } finally {
      await second.close();
      removeDir(first.dir);
    }
  });

  it('seeds a Demo organization with a day of stops that auto-optimize can plan', async () => {
    const t = await makeApp({}, { solver: inProcessSolver() });
    try {
      const demo = seedDemo(t.db, { date: '2026-05-08' });
      expect(demo.organizationName).toBe('Demo');
      expect(demo.stops).toBeGreaterThanOrEqual(40);
      expect(demo.vehicles).toBeGreaterThanOrEqual(3);
      const api = client(t.app, demo.token);
      const stops = await api('GET', '/api/v1/stops?date=2026-05-08&limit=200');
      expect(stops.data.data).toHaveLength(demo.stops);
      for (const s of stops.data.data) {
        expect(s.lat).toBeGreaterThan(59.3);
        expect(s.lat).toBeLessThan(59.5);
        expect(s.time_windows).toHaveLength(1);
      }
      const res = await api('POST', '/api/v1/routes/auto-optimize', { date: '2026-05-08', options: { time_limit_s: 0.3 } });
      expect(res.statusCode).toBe(201);
      const routed = res.data.routes.reduce((n: number, r: { stops: unknown[] }) => n + r.stops.length, 0);
      expect(routed + res.data.unassigned.length).toBe(demo.stops);
      expect(routed).toBeGreaterThanOrEqual(demo.stops - 2);
      expect(res.data.routes.every((r: { driver_id: string | null }) => r.driver_id !== null)).toBe(true);
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  });

  it('milkrun token create makes the organization and a working token', async () => {
    const t = await makeApp();
    try {
      const out: string[] = [];
      const err: string[] = [];
      const io = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) };
      const env = { MILKRUN_DB: t.file };
      expect(await tokenCommand(['create', '--org', 'Cli Co', '--scope', 'read_only'], io, env)).toBe(0);
      const token = /mk_live_[a-z2-7]{32}/.exec(out.join(''))?.[0];
      expect(token).toBeDefined();
      const me = await client(t.app, token!)('GET', '/api/v1/me');
      expect(me.data).toMatchObject({ organization: { name: 'Cli Co' }, token: { scope: 'read_only' } });
      expect(await tokenCommand(['create', '--scope', 'full_access'], io, env)).toBe(2);
      expect(await tokenCommand(['create', '--org', 'X', '--scope', 'admin'], io, env)).toBe(2);
      expect(err.join('')).toContain('--org is required');
      expect(existsSync(t.file)).toBe(true);
    } finally {
      await t.close();
      removeDir(t.dir);
    }
  });
});
