import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessSolver } from '../../src/planning/solver-port.js';
import { haversineM } from '../../src/geo/haversine.js';
import { setDriverPosition } from '../../src/store/drivers.js';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

const depot = { lat: 59.437, lng: 24.7536 };
/** 12 stops around Tallinn with morning and afternoon windows (+03:00). */
const stops = Array.from({ length: 12 }, (_, i) => ({
  lat: 59.41 + (i % 4) * 0.012,
  lng: 24.68 + Math.floor(i / 4) * 0.03,
  time_windows: [
    i % 2 === 0
      ? { from: '2026-05-08T09:00:00+03:00', to: '2026-05-08T13:00:00+03:00' }
      : { from: '2026-05-08T12:00:00+03:00', to: '2026-05-08T17:00:00+03:00' },
  ],
  service_duration_s: 300,
  demand: [10],
  external_id: `o-${i}`,
}));
const vehicle = (name: string) => ({
  name,
  capacity: [100],
  shift: { from: '2026-05-08T08:00:00+03:00', to: '2026-05-08T18:00:00+03:00' },
  start: depot,
  end: depot,
});
const fast = { time_limit_s: 0.2 };
const orgIdOf = (t: TestApp): string =>
  (t.db.prepare("SELECT id FROM organizations WHERE name = 'Acme'").get() as { id: string }).id;

describe('routes and optimization (real solver, in process)', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;
  let stopIds: string[];
  let vehicleIds: string[];

  beforeAll(async () => {
    t = await makeApp({}, { solver: inProcessSolver() });
    api = client(t.app, orgWithToken(t.db, 'Acme').token);
    other = client(t.app, orgWithToken(t.db, 'Rival').token);
    const bulk = await api('POST', '/api/v1/stops/bulk', { stops });
    stopIds = bulk.data.data.map((s: { id: string }) => s.id);
    vehicleIds = [];
    for (const name of ['Van 1', 'Van 2']) vehicleIds.push((await api('POST', '/api/v1/vehicles', vehicle(name))).data.id);
    await api('POST', '/api/v1/drivers', { name: 'Kai', phone: '+37255501234', vehicle_id: vehicleIds[0] });
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it('plan answers the contract shape and writes nothing', async () => {
    const res = await api('POST', '/api/v1/routes/plan', {
      stops: [...stopIds.slice(0, 6), { lat: 59.44, lng: 24.74, id: 'inline-a' }, { lat: 59.45, lng: 24.75 }],
      vehicles: [vehicleIds[0], { ...vehicle('Rental'), capacity: [1000] }],
      options: fast,
    });
    expect(res.statusCode).toBe(200);
    const served = res.data.routes.flatMap((r: { stops: { stop_id: string }[] }) => r.stops.map((s) => s.stop_id));
    expect([...served, ...res.data.unassigned.map((u: { stop_id: string }) => u.stop_id)].sort()).toEqual(
      [...stopIds.slice(0, 6), 'inline-a', 'tmp_stp_7'].sort(),
    );
    expect(res.data.unassigned).toEqual([]);
    const route = res.data.routes[0];
    expect(route.stops[0]).toEqual({
      stop_id: expect.any(String),
      planned_arrival: expect.stringMatching(/^2026-05-08T\d\d:\d\d:\d\d\.\d{3}Z$/),
      service_start: expect.any(String),
      departure: expect.any(String),
      distance_m: expect.any(Number),
    });
    // every served stop starts service inside its window
    for (const r of res.data.routes) {
      for (const s of r.stops) {
        const input = stops[stopIds.indexOf(s.stop_id)];
        if (!input) continue;
        const w = input.time_windows[0]!;
        expect(Date.parse(s.service_start)).toBeGreaterThanOrEqual(Date.parse(w.from));
        expect(Date.parse(s.service_start)).toBeLessThanOrEqual(Date.parse(w.to));
      }
    }
    expect(res.data.summary.vehicles).toBe(res.data.routes.length);
    expect(res.data.summary.distance_m).toBeGreaterThan(0);
    expect((await api('GET', '/api/v1/routes')).data.data).toEqual([]);
    expect((await api('GET', `/api/v1/stops/${stopIds[0]}`)).data.status).toBe('pending');
  });

  it('422 unsolvable without vehicles; 400 for unknown ids', async () => {
    const none = await api('POST', '/api/v1/routes/plan', { stops: stopIds.slice(0, 2), vehicles: [], options: fast });
    expect(none.statusCode).toBe(422);
    expect(none.data.error.code).toBe('unsolvable');
    const unknown = await other('POST', '/api/v1/routes/plan', { stops: [stopIds[0]], vehicles: [vehicleIds[0]], options: fast });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.data.error.details.map((d: { field: string }) => d.field)).toEqual(['stops[0]', 'vehicles[0]']);
  });

  it('async plan answers 202 and the job holds the result', async () => {
    const res = await api('POST', '/api/v1/routes/plan?async=true', { stops: stopIds.slice(0, 4), vehicles: [vehicleIds[1]], options: fast });
    expect(res.statusCode).toBe(202);
    expect(res.data.job_id).toMatch(/^job_/);
    await t.app.jobs.idle();
    const job = await api('GET', `/api/v1/jobs/${res.data.job_id}`);
    expect(job.data).toMatchObject({ status: 'succeeded', progress: 1, kind: 'plan' });
    expect(job.data.result.routes[0].stops).toHaveLength(4);
    expect((await other('GET', `/api/v1/jobs/${res.data.job_id}`)).statusCode).toBe(404);
  });

  let routeId: string;

  it('auto-optimize creates routes for the day and assigns the stops', async () => {
    const res = await api('POST', '/api/v1/routes/auto-optimize', { date: '2026-05-08', options: fast });
    expect(res.statusCode).toBe(201);
    const onRoutes = res.data.routes.flatMap((r: { stops: { stop_id: string }[] }) => r.stops.map((s) => s.stop_id));
    expect(onRoutes.sort()).toEqual([...stopIds].sort());
    routeId = res.data.routes[0].id;
    const r0 = res.data.routes[0];
    expect(r0).toMatchObject({ date: '2026-05-08', optimized: true, status: 'planned' });
    // Kai drives Van 1: its route (whichever position it has) gets him; Van 2 has no driver.
    type PlannedRoute = { vehicle_id: string; driver_id: string | null };
    const byVehicle = (id: string) => res.data.routes.find((r: PlannedRoute) => r.vehicle_id === id) as PlannedRoute | undefined;
    const kai = (await api('GET', '/api/v1/drivers')).data.data.find((d: { name: string }) => d.name === 'Kai');
    expect(byVehicle(vehicleIds[0]!)?.driver_id).toBe(kai.id);
    if (byVehicle(vehicleIds[1]!)) expect(byVehicle(vehicleIds[1]!)!.driver_id).toBeNull();
    const pending = await api('GET', '/api/v1/stops?status=pending&date=2026-05-08');
    expect(pending.data.data).toEqual([]);
    const stop = await api('GET', `/api/v1/stops/${r0.stops[0].stop_id}`);
    expect(stop.data).toMatchObject({ status: 'assigned', route_id: routeId });
    const list = await api('GET', '/api/v1/routes?date=2026-05-08');
    expect(list.data.data.length).toBe(res.data.routes.length);
    // nothing left to plan that day
    const again = await api('POST', '/api/v1/routes/auto-optimize', { date: '2026-05-08', options: fast });
    expect(again.statusCode).toBe(422);
  });

  it('reorder recomputes times and flags window violations; reoptimize restores order', async () => {
    const route = (await api('GET', `/api/v1/routes/${routeId}`)).data;
    const reversed = route.stops.map((s: { stop_id: string }) => s.stop_id).reverse();
    const res = await api('PUT', `/api/v1/routes/${routeId}/order`, { stop_ids: reversed });
    expect(res.statusCode).toBe(200);
    expect(res.data.stops.map((s: { stop_id: string }) => s.stop_id)).toEqual(reversed);
    expect(res.data.optimized).toBe(false);
    expect(Array.isArray(res.data.violations)).toBe(true);
    const arrivals = res.data.stops.map((s: { planned_arrival: string }) => Date.parse(s.planned_arrival));
    expect([...arrivals].sort((a, b) => a - b)).toEqual(arrivals);
    const bad = await api('PUT', `/api/v1/routes/${routeId}/order`, { stop_ids: reversed.slice(1) });
    expect(bad.statusCode).toBe(400);

    const re = await api('POST', `/api/v1/routes/${routeId}/reoptimize`, { options: fast });
    expect(re.statusCode).toBe(200);
    expect(re.data.changed).toBe(true);
    expect(re.data.route.optimized).toBe(true);
    expect(re.data.route.stops.map((s: { stop_id: string }) => s.stop_id).sort()).toEqual([...reversed].sort());
    const noop = await api('POST', `/api/v1/routes/${routeId}/reoptimize`, {});
    expect(noop.data.changed).toBe(false);
  });

  it('reoptimize keeps completed stops in place', async () => {
    const route = (await api('GET', `/api/v1/routes/${routeId}`)).data;
    const first = route.stops[0].stop_id;
    for (const status of ['en_route', 'arrived', 'completed']) {
      expect((await api('POST', `/api/v1/stops/${first}/status`, { status })).statusCode).toBe(200);
    }
    expect((await api('GET', `/api/v1/routes/${routeId}`)).data.status).toBe('in_progress');
    const reversedRest = route.stops.slice(1).map((s: { stop_id: string }) => s.stop_id).reverse();
    await api('PUT', `/api/v1/routes/${routeId}/order`, { stop_ids: [first, ...reversedRest] });
    const re = await api('POST', `/api/v1/routes/${routeId}/reoptimize`, { options: fast });
    expect(re.data.route.stops[0]).toMatchObject({ stop_id: first, status: 'completed' });
    expect(re.data.route.stops).toHaveLength(route.stops.length);
  });

  it('reoptimize restarts from the driver\'s last known position', async () => {
    const driver = (await api('POST', '/api/v1/drivers', { name: 'Tracked' })).data;
    await api('PUT', `/api/v1/routes/${routeId}/driver`, { driver_id: driver.id });
    const where = { lat: 59.45, lng: 24.9 };
    setDriverPosition(t.db, orgIdOf(t), driver.id, { ...where, at: '2026-05-08T09:30:00.000Z' });
    const route = (await api('GET', `/api/v1/routes/${routeId}`)).data;
    const open = route.stops.filter((s: { status: string }) => s.status === 'assigned').map((s: { stop_id: string }) => s.stop_id);
    const done = route.stops.filter((s: { status: string }) => s.status !== 'assigned').map((s: { stop_id: string }) => s.stop_id);
    await api('PUT', `/api/v1/routes/${routeId}/order`, { stop_ids: [...done, ...[...open].reverse()] });
    const re = await api('POST', `/api/v1/routes/${routeId}/reoptimize`, { options: fast });
    expect(re.data.changed).toBe(true);
    const firstOpen = re.data.route.stops[done.length];
    expect(firstOpen.status).toBe('assigned');
    expect(firstOpen.distance_m).toBeCloseTo(haversineM(where.lat, where.lng, firstOpen.lat, firstOpen.lng), 0);
  });

  it('adds and removes stops, sets driver and vehicle, shows timeline and geometry', async () => {
    const extra = (await api('POST', '/api/v1/stops', { lat: 59.43, lng: 24.76 })).data;
    const added = await api('PUT', `/api/v1/routes/${routeId}/stops`, { stop_ids: [extra.id] });
    expect(added.statusCode).toBe(200);
    expect(added.data.stops.at(-1).stop_id).toBe(extra.id);
    expect(added.data.optimized).toBe(false);
    const conflict = await api('PUT', `/api/v1/routes/${routeId}/stops`, { stop_ids: [extra.id] });
    expect(conflict.statusCode).toBe(409);
    const removed = await api('DELETE', `/api/v1/routes/${routeId}/stops/${extra.id}`);
    expect(removed.data.stops.map((s: { stop_id: string }) => s.stop_id)).not.toContain(extra.id);
    expect((await api('GET', `/api/v1/stops/${extra.id}`)).data).toMatchObject({ status: 'pending', route_id: null });

    const driver = (await api('POST', '/api/v1/drivers', { name: 'Liis' })).data;
    const withDriver = await api('PUT', `/api/v1/routes/${routeId}/driver`, { driver_id: driver.id });
    expect(withDriver.data.driver_id).toBe(driver.id);
    const withVehicle = await api('PUT', `/api/v1/routes/${routeId}/vehicle`, { vehicle_id: vehicleIds[1] });
    expect(withVehicle.data.vehicle_id).toBe(vehicleIds[1]);

    const timeline = await api('GET', `/api/v1/routes/${routeId}/timeline`);
    const types = timeline.data.data.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('stop.created');
    expect(types).toContain('route.created');
    expect(types).toContain('route.reordered');
    expect(types).toContain('stop.completed');
    const geo = await api('GET', `/api/v1/routes/${routeId}/geometry`);
    expect(geo.data.geometry.type).toBe('LineString');
    expect(geo.data.geometry.coordinates[0]).toEqual([depot.lng, depot.lat]);
    expect(geo.data.geometry.coordinates).toHaveLength(withVehicle.data.stops.length + 2);
    expect((await other('GET', `/api/v1/routes/${routeId}`)).statusCode).toBe(404);
    for (const [method, url, body] of [
      ['PUT', `/api/v1/routes/${routeId}/order`, { stop_ids: [extra.id] }],
      ['PUT', `/api/v1/routes/${routeId}/stops`, { stop_ids: [extra.id] }],
      ['PUT', `/api/v1/routes/${routeId}/driver`, { driver_id: null }],
      ['POST', `/api/v1/routes/${routeId}/reoptimize`, {}],
      ['GET', `/api/v1/routes/${routeId}/timeline`, undefined],
      ['GET', `/api/v1/routes/${routeId}/geometry`, undefined],
      ['DELETE', `/api/v1/routes/${routeId}`, undefined],
    ] as const) {
      const res = await other(method, url, body);
      expect([url, res.statusCode, res.data.error.code]).toEqual([url, 404, 'not_found']);
    }
    expect((await api('GET', `/api/v1/routes/${routeId}`)).statusCode).toBe(200);
  });

  it('auto-optimize runs as a job with ?async=true', async () => {
    await api('POST', '/api/v1/stops/bulk', { stops: [{ lat: 59.42, lng: 24.7, date: '2026-05-10' }, { lat: 59.43, lng: 24.72, date: '2026-05-10' }] });
    const res = await api('POST', '/api/v1/routes/auto-optimize?async=true', { date: '2026-05-10', options: fast });
    expect(res.statusCode).toBe(202);
    expect(res.data.status_url).toBe(`/api/v1/jobs/${res.data.job_id}`);
    await t.app.jobs.idle();
    const job = (await api('GET', res.data.status_url)).data;
    expect(job.status).toBe('succeeded');
    expect(job.result.routes[0]).toMatchObject({ date: '2026-05-10', optimized: true });
    expect((await api('GET', '/api/v1/stops?date=2026-05-10&status=assigned')).data.data).toHaveLength(2);
  });

  it('reordering a stop past its window flags exactly that stop as late', async () => {
    // E must be served 09:00–09:15; L any time but takes an hour. E then L is on time, L then E makes E late.
    const e = (await api('POST', '/api/v1/stops', {
      lat: 59.44, lng: 24.76, service_duration_s: 300,
      time_windows: [{ from: '2026-05-08T09:00:00+03:00', to: '2026-05-08T09:15:00+03:00' }],
    })).data;
    const l = (await api('POST', '/api/v1/stops', {
      lat: 59.43, lng: 24.78, service_duration_s: 3600,
      time_windows: [{ from: '2026-05-08T09:00:00+03:00', to: '2026-05-08T17:00:00+03:00' }],
    })).data;
    const created = await api('POST', '/api/v1/routes', { name: 'Windows', vehicle_id: vehicleIds[0], stop_ids: [e.id, l.id] });
    expect(created.statusCode).toBe(201);
    const onTime = await api('PUT', `/api/v1/routes/${created.data.id}/order`, { stop_ids: [e.id, l.id] });
    expect(onTime.statusCode).toBe(200);
    expect(onTime.data.violations).toEqual([]);
    const late = await api('PUT', `/api/v1/routes/${created.data.id}/order`, { stop_ids: [l.id, e.id] });
    expect(late.statusCode).toBe(200);
    expect(late.data.violations).toEqual([
      {
        type: 'time_window',
        stop_id: e.id,
        window_end: '2026-05-08T06:15:00.000Z',
        planned_arrival: late.data.stops[1].planned_arrival,
        late_by_s: expect.any(Number),
        reason: expect.any(String),
      },
    ]);
    const v = late.data.violations[0];
    // L's hour of service alone puts E at least 45 minutes past its window.
    expect(v.late_by_s).toBeGreaterThanOrEqual(45 * 60);
    expect(v.late_by_s).toBe(Math.round((Date.parse(v.planned_arrival) - Date.parse(v.window_end)) / 1000));
    expect((await api('DELETE', `/api/v1/routes/${created.data.id}`)).statusCode).toBe(200);
  });

  it('creates a route by hand and deleting it returns open stops to pending', async () => {
    const a = (await api('POST', '/api/v1/stops', { lat: 59.42, lng: 24.7 })).data;
    const b = (await api('POST', '/api/v1/stops', { lat: 59.43, lng: 24.71 })).data;
    const created = await api('POST', '/api/v1/routes', { name: 'Manual', vehicle_id: vehicleIds[0], stop_ids: [a.id, b.id] });
    expect(created.statusCode).toBe(201);
    expect(created.data).toMatchObject({ name: 'Manual', optimized: false, stop_count: 2 });
    expect(created.data.stops.map((s: { stop_id: string }) => s.stop_id)).toEqual([a.id, b.id]);
    const upsert = await api('POST', '/api/v1/routes', { name: 'Renamed', external_id: 'manual-1', stop_ids: [] });
    expect(upsert.statusCode).toBe(201);
    const again = await api('POST', '/api/v1/routes', { name: 'Renamed twice', external_id: 'manual-1' });
    expect(again.statusCode).toBe(200);
    expect(again.data).toMatchObject({ id: upsert.data.id, name: 'Renamed twice' });
    const clash = await api('POST', '/api/v1/routes', { external_id: 'manual-1', stop_ids: [a.id] });
    expect(clash.statusCode).toBe(409);
    const del = await api('DELETE', `/api/v1/routes/${created.data.id}`);
    expect(del.statusCode).toBe(200);
    expect((await api('GET', `/api/v1/stops/${a.id}`)).data).toMatchObject({ status: 'pending', route_id: null });
    expect((await api('GET', `/api/v1/routes/${created.data.id}`)).statusCode).toBe(404);
  });
});
