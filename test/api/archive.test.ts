import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessSolver } from '../../src/planning/solver-port.js';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

const depot = { lat: 59.437, lng: 24.7536 };
const van = (name: string) => ({ name, capacity: [100], shift: { from: '08:00', to: '18:00' }, start: depot, end: depot });
const fast = { time_limit_s: 0.2 };
type Api = ReturnType<typeof client>;

const ids = (res: { data: { data: { id: string }[] } }): string[] => res.data.data.map((x) => x.id);
const eventsOf = (t: TestApp, id: string): string[] =>
  (t.db.prepare('SELECT type FROM events WHERE resource_id = ? ORDER BY seq').all(id) as { type: string }[]).map((e) => e.type);

/** A stop taken through a route to `completed` with proof of delivery. */
async function deliveredStop(api: Api, date: string): Promise<{ stopId: string; routeId: string }> {
  const stop = (await api('POST', '/api/v1/stops', { lat: 59.43, lng: 24.75, date })).data;
  const route = await api('POST', '/api/v1/routes', { date, stop_ids: [stop.id] });
  expect(route.statusCode).toBe(201);
  for (const status of ['en_route', 'arrived']) {
    expect((await api('POST', `/api/v1/stops/${stop.id}/status`, { status })).statusCode).toBe(200);
  }
  const done = await api('POST', `/api/v1/stops/${stop.id}/status`, { status: 'completed', proof: { signee: 'Mari' } });
  expect(done.data).toMatchObject({ status: 'completed', proof: { signee: 'Mari' } });
  return { stopId: stop.id, routeId: route.data.id };
}

describe('nothing a business needs is deleted (issue 12)', () => {
  let t: TestApp;
  let api: Api;
  let other: Api;

  beforeAll(async () => {
    t = await makeApp({}, { solver: inProcessSolver() });
    api = client(t.app, orgWithToken(t.db, 'Archive').token);
    other = client(t.app, orgWithToken(t.db, 'Elsewhere').token);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it('DELETE of a completed stop with proof answers 409 stop_closed and keeps its history', async () => {
    const { stopId } = await deliveredStop(api, '2026-06-01');
    const res = await api('DELETE', `/api/v1/stops/${stopId}`);
    expect(res.statusCode).toBe(409);
    expect(res.data.error.code).toBe('stop_closed');
    expect(res.data.error.details).toMatchObject({ stop_id: stopId, status: 'completed', has_proof: true, archive: `POST /api/v1/stops/${stopId}/archive` });
    expect((await api('GET', `/api/v1/stops/${stopId}`)).data.status).toBe('completed');
    const history = await api('GET', `/api/v1/stops/${stopId}/history`);
    expect(history.statusCode).toBe(200);
    expect(history.data.data.map((h: { to_status: string }) => h.to_status)).toEqual(['pending', 'assigned', 'en_route', 'arrived', 'completed']);
  });

  it('a pending stop with only its creation may be deleted; one that was routed and came back may not', async () => {
    const fresh = (await api('POST', '/api/v1/stops', { lat: 59.4, lng: 24.7 })).data;
    expect((await api('DELETE', `/api/v1/stops/${fresh.id}`)).data).toEqual({ id: fresh.id, deleted: true });
    expect((await api('GET', `/api/v1/stops/${fresh.id}`)).statusCode).toBe(404);

    const routed = (await api('POST', '/api/v1/stops', { lat: 59.41, lng: 24.71 })).data;
    const route = (await api('POST', '/api/v1/routes', { stop_ids: [routed.id] })).data;
    expect((await api('DELETE', `/api/v1/routes/${route.id}`)).statusCode).toBe(200);
    expect((await api('GET', `/api/v1/stops/${routed.id}`)).data.status).toBe('pending');
    const res = await api('DELETE', `/api/v1/stops/${routed.id}`);
    expect(res.statusCode).toBe(409);
    expect(res.data.error).toMatchObject({ code: 'stop_closed', details: { status: 'pending', has_proof: false } });
    expect((await other('DELETE', `/api/v1/stops/${routed.id}`)).statusCode).toBe(404);
  });

  it('archive hides a done stop from lists, keeps it readable, and unarchive brings it back', async () => {
    const { stopId, routeId } = await deliveredStop(api, '2026-06-02');
    const open = (await api('POST', '/api/v1/stops', { lat: 59.42, lng: 24.72, date: '2026-06-02' })).data;
    expect(ids(await api('GET', '/api/v1/stops?date=2026-06-02'))).toEqual([stopId, open.id]);

    const archived = await api('POST', `/api/v1/stops/${stopId}/archive`);
    expect(archived.statusCode).toBe(200);
    expect(archived.data).toMatchObject({ id: stopId, status: 'completed', archived_at: expect.stringMatching(/Z$/), proof: { signee: 'Mari' } });
    expect(ids(await api('GET', '/api/v1/stops?date=2026-06-02'))).toEqual([open.id]);
    expect(ids(await api('GET', '/api/v1/stops?date=2026-06-02&include=archived'))).toEqual([stopId, open.id]);
    expect((await api('GET', `/api/v1/stops/${stopId}`)).data.archived_at).toBe(archived.data.archived_at);
    expect((await api('GET', `/api/v1/stops/${stopId}/history`)).data.data).toHaveLength(5);
    // Still on its route as a record.
    expect((await api('GET', `/api/v1/routes/${routeId}`)).data.stops.map((s: { stop_id: string }) => s.stop_id)).toEqual([stopId]);
    // Archiving again changes nothing; a status change needs it unarchived first.
    expect((await api('POST', `/api/v1/stops/${stopId}/archive`)).data.archived_at).toBe(archived.data.archived_at);
    expect(eventsOf(t, stopId).filter((e) => e === 'stop.archived')).toHaveLength(1);
    expect((await other('POST', `/api/v1/stops/${stopId}/archive`)).statusCode).toBe(404);

    const back = await api('POST', `/api/v1/stops/${stopId}/unarchive`);
    expect(back.statusCode).toBe(200);
    expect(back.data.archived_at).toBeNull();
    expect(ids(await api('GET', '/api/v1/stops?date=2026-06-02'))).toEqual([stopId, open.id]);
    expect(eventsOf(t, stopId).slice(-2)).toEqual(['stop.archived', 'stop.unarchived']);
  });

  it('archiving a stop under way is refused; pending and failed stops may be archived', async () => {
    const stop = (await api('POST', '/api/v1/stops', { lat: 59.44, lng: 24.76 })).data;
    await api('POST', '/api/v1/routes', { stop_ids: [stop.id] });
    for (const status of [null, 'en_route']) {
      if (status) await api('POST', `/api/v1/stops/${stop.id}/status`, { status });
      const res = await api('POST', `/api/v1/stops/${stop.id}/archive`);
      expect(res.statusCode).toBe(409);
      expect(res.data.error.code).toBe('invalid_transition');
    }
    await api('POST', `/api/v1/stops/${stop.id}/status`, { status: 'failed', reason: 'not_home' });
    expect((await api('POST', `/api/v1/stops/${stop.id}/archive`)).statusCode).toBe(200);
    // An archived stop does not move: re-queueing it needs unarchive first.
    const requeue = await api('POST', `/api/v1/stops/${stop.id}/status`, { status: 'pending' });
    expect(requeue.statusCode).toBe(409);
    expect(requeue.data.error.code).toBe('invalid_transition');

    const pending = (await api('POST', '/api/v1/stops', { lat: 59.45, lng: 24.77 })).data;
    expect((await api('POST', `/api/v1/stops/${pending.id}/archive`)).statusCode).toBe(200);
    // An archived pending stop cannot be routed.
    expect((await api('POST', '/api/v1/routes', { stop_ids: [pending.id] })).statusCode).toBe(409);
  });

  it('unknown include values answer 400 on every list', async () => {
    for (const path of ['/api/v1/stops', '/api/v1/vehicles', '/api/v1/drivers']) {
      const res = await api('GET', `${path}?include=deleted`);
      expect(res.statusCode, path).toBe(400);
      expect(res.data.error.code).toBe('validation_error');
      expect(res.data.error.details[0].field).toBe('querystring.include');
    }
  });

  it('a vehicle and a driver with routes are archived on DELETE and stay readable', async () => {
    const vehicle = (await api('POST', '/api/v1/vehicles', van('Old van'))).data;
    const driver = (await api('POST', '/api/v1/drivers', { name: 'Kai', vehicle_id: vehicle.id })).data;
    const stop = (await api('POST', '/api/v1/stops', { lat: 59.43, lng: 24.74, date: '2026-06-03' })).data;
    const route = (await api('POST', '/api/v1/routes', { date: '2026-06-03', vehicle_id: vehicle.id, driver_id: driver.id, stop_ids: [stop.id] })).data;

    const gone = await api('DELETE', `/api/v1/vehicles/${vehicle.id}`);
    expect(gone.statusCode).toBe(200);
    expect(gone.data).toEqual({ id: vehicle.id, deleted: false, archived: true, archived_at: expect.any(String) });
    const readable = await api('GET', `/api/v1/vehicles/${vehicle.id}`);
    expect(readable.statusCode).toBe(200);
    expect(readable.data).toMatchObject({ name: 'Old van', archived_at: gone.data.archived_at });
    expect(ids(await api('GET', '/api/v1/vehicles'))).not.toContain(vehicle.id);
    expect(ids(await api('GET', '/api/v1/vehicles?include=archived'))).toContain(vehicle.id);
    expect(eventsOf(t, vehicle.id).at(-1)).toBe('vehicle.archived');

    const driverGone = await api('DELETE', `/api/v1/drivers/${driver.id}`);
    expect(driverGone.data).toEqual({ id: driver.id, deleted: false, archived: true, archived_at: expect.any(String) });
    const d = (await api('GET', `/api/v1/drivers/${driver.id}`)).data;
    expect(d).toMatchObject({ archived_at: driverGone.data.archived_at, status: 'inactive' });
    expect(ids(await api('GET', '/api/v1/drivers'))).not.toContain(driver.id);
    expect(ids(await api('GET', '/api/v1/drivers?include=archived'))).toContain(driver.id);
    // An archived driver cannot be switched back on without unarchiving.
    expect((await api('PATCH', `/api/v1/drivers/${driver.id}`, { status: 'active' })).statusCode).toBe(409);

    expect((await api('GET', `/api/v1/routes/${route.id}`)).data).toMatchObject({ vehicle_id: vehicle.id, driver_id: driver.id });
    // Deleting again answers the same; another organization still sees nothing.
    expect((await api('DELETE', `/api/v1/vehicles/${vehicle.id}`)).data.archived).toBe(true);
    expect((await other('DELETE', `/api/v1/vehicles/${vehicle.id}`)).statusCode).toBe(404);

    // Neither can be given to a route.
    const next = (await api('POST', '/api/v1/stops', { lat: 59.42, lng: 24.73, date: '2026-06-04' })).data;
    const withVehicle = await api('POST', '/api/v1/routes', { date: '2026-06-04', vehicle_id: vehicle.id, stop_ids: [next.id] });
    expect(withVehicle.statusCode).toBe(409);
    expect(withVehicle.data.error.message).toMatch(/archived/);
    expect((await api('POST', '/api/v1/routes', { date: '2026-06-04', driver_id: driver.id, stop_ids: [next.id] })).statusCode).toBe(409);
    const fresh = (await api('POST', '/api/v1/routes', { date: '2026-06-04', stop_ids: [next.id] })).data;
    expect((await api('PUT', `/api/v1/routes/${fresh.id}/vehicle`, { vehicle_id: vehicle.id })).statusCode).toBe(409);
    expect((await api('PUT', `/api/v1/routes/${fresh.id}/driver`, { driver_id: driver.id })).statusCode).toBe(409);
    expect((await api('POST', '/api/v1/drivers', { name: 'New', vehicle_id: vehicle.id })).statusCode).toBe(409);

    // Unarchived, they are listed and usable again (the driver stays inactive until switched on).
    expect((await api('POST', `/api/v1/vehicles/${vehicle.id}/unarchive`)).data.archived_at).toBeNull();
    expect((await api('POST', `/api/v1/drivers/${driver.id}/unarchive`)).data).toMatchObject({ archived_at: null, status: 'inactive' });
    expect(ids(await api('GET', '/api/v1/vehicles'))).toContain(vehicle.id);
    expect((await api('PUT', `/api/v1/routes/${fresh.id}/vehicle`, { vehicle_id: vehicle.id })).statusCode).toBe(200);
  });

  it('a vehicle and a driver without routes are deleted as before', async () => {
    const vehicle = (await api('POST', '/api/v1/vehicles', van('Spare'))).data;
    const driver = (await api('POST', '/api/v1/drivers', { name: 'Temp' })).data;
    expect((await api('DELETE', `/api/v1/vehicles/${vehicle.id}`)).data).toEqual({ id: vehicle.id, deleted: true });
    expect((await api('DELETE', `/api/v1/drivers/${driver.id}`)).data).toEqual({ id: driver.id, deleted: true });
    expect((await api('GET', `/api/v1/vehicles/${vehicle.id}`)).statusCode).toBe(404);
    expect((await api('GET', `/api/v1/drivers/${driver.id}`)).statusCode).toBe(404);
  });

  it('auto-optimize leaves archived vehicles and archived stops out', async () => {
    // An organization of its own: its fleet is just these two vans.
    const api = client(t.app, orgWithToken(t.db, 'Planner').token);
    const date = '2026-06-10';
    const kept = (await api('POST', '/api/v1/vehicles', van('Kept'))).data;
    const retired = (await api('POST', '/api/v1/vehicles', van('Retired'))).data;
    // The retired van drove once, so DELETE archives it.
    const old = (await api('POST', '/api/v1/stops', { lat: 59.43, lng: 24.74, date: '2026-06-09' })).data;
    await api('POST', '/api/v1/routes', { date: '2026-06-09', vehicle_id: retired.id, stop_ids: [old.id] });
    expect((await api('DELETE', `/api/v1/vehicles/${retired.id}`)).data.archived).toBe(true);

    const bulk = await api('POST', '/api/v1/stops/bulk', {
      stops: [{ lat: 59.42, lng: 24.7, date }, { lat: 59.43, lng: 24.72, date }, { lat: 59.44, lng: 24.74, date }],
    });
    const [a, b, hidden] = bulk.data.data.map((s: { id: string }) => s.id) as [string, string, string];
    await api('POST', `/api/v1/stops/${hidden}/archive`);

    const res = await api('POST', '/api/v1/routes/auto-optimize', { date, options: fast });
    expect(res.statusCode).toBe(201);
    const used = res.data.routes.map((r: { vehicle_id: string }) => r.vehicle_id);
    expect(used).not.toContain(retired.id);
    expect(used).toContain(kept.id);
    const routed = res.data.routes.flatMap((r: { stops: { stop_id: string }[] }) => r.stops.map((s) => s.stop_id));
    expect(routed.sort()).toEqual([a, b].sort());
    expect((await api('GET', `/api/v1/stops/${hidden}`)).data.status).toBe('pending');

    // Named explicitly, an archived vehicle is skipped with its reason.
    const more = (await api('POST', '/api/v1/stops', { lat: 59.42, lng: 24.71, date: '2026-06-11' })).data;
    const named = await api('POST', '/api/v1/routes/auto-optimize', { date: '2026-06-11', vehicle_ids: [retired.id, kept.id], options: fast });
    expect(named.statusCode).toBe(201);
    expect(named.data.skipped_vehicles).toEqual([{ vehicle_id: retired.id, reason: 'archived', message: expect.any(String) }]);
    expect(named.data.routes[0].stops.map((s: { stop_id: string }) => s.stop_id)).toEqual([more.id]);
  });
});

describe('archived stops and the cached stop list', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await makeApp({ validateResponses: false });
    api = client(t.app, orgWithToken(t.db, 'Cache').token);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it('an archive or unarchive is seen by the next page', async () => {
    const a = (await api('POST', '/api/v1/stops', { lat: 59.1, lng: 24.1 })).data;
    const b = (await api('POST', '/api/v1/stops', { lat: 59.2, lng: 24.2 })).data;
    expect(ids(await api('GET', '/api/v1/stops'))).toEqual([a.id, b.id]);
    expect(ids(await api('GET', '/api/v1/stops?include=archived'))).toEqual([a.id, b.id]);
    await api('POST', `/api/v1/stops/${a.id}/archive`);
    expect(ids(await api('GET', '/api/v1/stops'))).toEqual([b.id]);
    const all = await api('GET', '/api/v1/stops?include=archived');
    expect(ids(all)).toEqual([a.id, b.id]);
    expect(all.data.data[0].archived_at).toEqual(expect.any(String));
    expect(all.data.data[1].archived_at).toBeNull();
    await api('POST', `/api/v1/stops/${a.id}/unarchive`);
    expect(ids(await api('GET', '/api/v1/stops'))).toEqual([a.id, b.id]);
  });
});
