/**
 * A planner's real day (issue 12): schedules in the organization's zone, shifts as times of day, re-plans that
 * keep the day, a fleet that is ready. Each case here failed before the one route timing and the service day.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changeStopStatus } from '../../src/lifecycle/stop-status.js';
import { setDriverPosition } from '../../src/store/drivers.js';
import { reoptimizeRoute } from '../../src/planning/planner.js';
import { inProcessSolver } from '../../src/planning/solver-port.js';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from '../api/helpers.js';

const ZONE = 'Europe/Tallinn'; // UTC+2 in December
const DAY = '2026-12-05';
const DEPOT = { lat: 59.4225, lng: 24.806 };

/** A Tallinn instant of DAY, ISO with the zone's offset. */
const local = (clock: string, date = DAY): string => `${date}T${clock}:00+02:00`;

describe("a planner's day", () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let orgId: string;

  beforeEach(async () => {
    t = await makeApp({}, { solver: inProcessSolver() });
    const o = orgWithToken(t.db, 'Day');
    orgId = o.orgId;
    api = client(t.app, o.token);
    const org = await api('PATCH', '/api/v1/organization', { time_zone: ZONE });
    expect(org.statusCode).toBe(200);
  });
  afterEach(async () => {
    await t.close();
    removeDir(t.dir);
  });

  async function van(extra: Record<string, unknown> = {}): Promise<string> {
    const res = await api('POST', '/api/v1/vehicles', { name: 'Van', capacity: [100], start: DEPOT, end: DEPOT, shift: { from: '06:00', to: '20:00' }, ...extra });
    expect(res.statusCode).toBe(201);
    return res.data.id;
  }

  async function stop(lat: number, lng: number, from: string, to: string, date = DAY): Promise<string> {
    const res = await api('POST', '/api/v1/stops', { lat, lng, service_duration_s: 300, time_windows: [{ from: local(from, date), to: local(to, date) }] });
    expect(res.statusCode).toBe(201);
    return res.data.id;
  }

  it('keeps the organization settings: zone, default shift, driver rule; refuses an unknown zone naming the field', async () => {
    const got = await api('GET', '/api/v1/organization');
    expect(got.data).toMatchObject({ time_zone: ZONE, default_shift: null, require_driver: false });
    const bad = await api('PATCH', '/api/v1/organization', { time_zone: 'Mars/Olympus' });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.error.details[0].field).toBe('time_zone');
    const set = await api('PATCH', '/api/v1/organization', { default_shift: { from: '07:00', to: '15:30' }, require_driver: true });
    expect(set.data).toMatchObject({ time_zone: ZONE, default_shift: { from: '07:00', to: '15:30' }, require_driver: true });
  });

  it("puts a stop on its day in the organization's zone, not UTC's", async () => {
    // 00:30 in Tallinn on Dec 5 is still Dec 4 in UTC.
    const id = await stop(59.43, 24.75, '00:30', '01:30');
    expect((await api('GET', `/api/v1/stops/${id}`)).data.date).toBe(DAY);
  });

  it('applies a shift given on another date to the route’s own date, in the zone', async () => {
    // The shift was sent as instants of Dec 4; it means 06:00–20:00 local on every day.
    const vehicle = await van({ shift: { from: '2026-12-04T06:00:00+02:00', to: '2026-12-04T20:00:00+02:00' } });
    expect((await api('GET', `/api/v1/vehicles/${vehicle}`)).data.shift).toEqual({ from: '06:00', to: '20:00' });
    const s = await stop(59.44, 24.75, '09:00', '10:00');
    const route = await api('POST', '/api/v1/routes', { date: DAY, vehicle_id: vehicle, stop_ids: [s] });
    expect(route.statusCode).toBe(201);
    const planned = route.data.stops[0];
    expect(planned.planned_arrival.slice(0, 10)).toBe(DAY);
    expect(Date.parse(planned.service_start)).toBe(Date.parse(local('09:00')));
    // Leaves as late as the window allows: no waiting, a route of minutes, not a day.
    expect(planned.planned_arrival).toBe(planned.service_start);
    expect(route.data.duration_s).toBeLessThan(3600);
  });

  it('re-optimizing an unchanged order leaves as late as the first window allows: the duration does not grow', async () => {
    const vehicle = await van();
    const a = await stop(59.44, 24.75, '09:00', '10:00');
    const b = await stop(59.45, 24.72, '09:30', '11:00');
    const created = await api('POST', '/api/v1/routes', { date: DAY, vehicle_id: vehicle, stop_ids: [a, b] });
    const before = created.data.duration_s;
    const re = await api('POST', `/api/v1/routes/${created.data.id}/reoptimize`, { options: { time_limit_s: 0.1 } });
    expect(re.statusCode).toBe(200);
    expect(re.data.route.stops.map((s: { stop_id: string }) => s.stop_id)).toEqual([a, b]);
    expect(re.data.route.duration_s).toBe(before);
    expect(re.data.route.stops[0].planned_arrival).toBe(re.data.route.stops[0].service_start);
    expect(re.data.violations).toEqual([]);
  });

  it('re-plans a route under way from the driver’s position and now, on its own day, with a violation for a stop that cannot be made', async () => {
    const vehicle = await van();
    const driver = (await api('POST', '/api/v1/drivers', { name: 'Dee', vehicle_id: vehicle })).data.id;
    const first = await stop(59.44, 24.75, '08:00', '09:00');
    const early = await stop(59.45, 24.72, '09:00', '09:30');
    const late = await stop(59.43, 24.70, '14:00', '18:00');
    const later = await stop(59.42, 24.68, '15:00', '19:00');
    const created = await api('POST', '/api/v1/routes', { date: DAY, vehicle_id: vehicle, driver_id: driver, stop_ids: [first, early, late, later] });
    const routeId = created.data.id;
    changeStopStatus(t.db, orgId, first, 'en_route', {}, 'system');
    changeStopStatus(t.db, orgId, first, 'arrived', {}, 'system');
    changeStopStatus(t.db, orgId, first, 'completed', {}, 'system');
    const nowMs = Date.parse(local('12:00'));
    setDriverPosition(t.db, orgId, driver, { lat: 59.44, lng: 24.75, at: new Date(nowMs).toISOString() });
    const result = await reoptimizeRoute({ db: t.db, solver: t.app.solver }, orgId, routeId, { time_limit_s: 0.1, minimize: 'cost' }, {}, nowMs);
    const order = result.route.stops.map((s) => s.stop_id);
    expect(order[0]).toBe(first);
    expect(new Set(order.slice(1))).toEqual(new Set([early, late, later]));
    for (const s of result.route.stops.slice(1)) {
      // Nothing before now, nothing on another day.
      expect(Date.parse(s.planned_arrival!)).toBeGreaterThanOrEqual(nowMs);
      expect(s.planned_arrival!.slice(0, 10)).toBe(DAY);
    }
    // The 09:00–09:30 stop can no longer be made: reported, with why, not silently pushed to tomorrow.
    expect(result.violations).toEqual([
      expect.objectContaining({ type: 'time_window', stop_id: early, window_end: new Date(local('09:30')).toISOString(), reason: expect.any(String) }),
    ]);
    expect(result.violations[0]!.late_by_s).toBeGreaterThan(0);
  });

  it('auto-optimize uses only ready vehicles and lists the others with a reason', async () => {
    const ready = await van();
    const bike = (await api('POST', '/api/v1/vehicles', { name: 'Bike', capacity: [5] })).data.id; // no start, no shift
    const noShift = (await api('POST', '/api/v1/vehicles', { name: 'Spare', capacity: [50], start: DEPOT })).data.id;
    await stop(59.44, 24.75, '09:00', '12:00');
    await stop(59.45, 24.72, '03:00', '03:05'); // before any shift: must stay unassigned, not go to the bike
    const res = await api('POST', '/api/v1/routes/auto-optimize', { date: DAY, options: { time_limit_s: 0.1 } });
    expect(res.statusCode).toBe(201);
    expect(res.data.routes.map((r: { vehicle_id: string }) => r.vehicle_id)).toEqual([ready]);
    expect(res.data.skipped_vehicles).toEqual([
      expect.objectContaining({ vehicle_id: bike, reason: 'no_start' }),
      expect.objectContaining({ vehicle_id: noShift, reason: 'no_shift' }),
    ]);
    expect(res.data.unassigned).toEqual([expect.objectContaining({ reason: 'time_window' })]);
  });

  it("a vehicle without a shift works the organization's default shift; require_driver skips vehicles without one", async () => {
    await api('PATCH', '/api/v1/organization', { default_shift: { from: '08:00', to: '16:00' }, require_driver: true });
    const driven = (await api('POST', '/api/v1/vehicles', { name: 'A', capacity: [50], start: DEPOT })).data.id;
    const idle = (await api('POST', '/api/v1/vehicles', { name: 'B', capacity: [50], start: DEPOT })).data.id;
    await api('POST', '/api/v1/drivers', { name: 'Ann', vehicle_id: driven });
    await stop(59.44, 24.75, '07:00', '09:00');
    const res = await api('POST', '/api/v1/routes/auto-optimize', { date: DAY, options: { time_limit_s: 0.1 } });
    expect(res.statusCode).toBe(201);
    expect(res.data.skipped_vehicles).toEqual([expect.objectContaining({ vehicle_id: idle, reason: 'no_driver' })]);
    const route = res.data.routes[0];
    expect(route.vehicle_id).toBe(driven);
    // The default shift starts at 08:00 local: service cannot start before it.
    expect(Date.parse(route.stops[0].service_start)).toBeGreaterThanOrEqual(Date.parse(local('08:00')));
  });
});
