import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

describe('depots, vehicles, drivers', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await makeApp();
    api = client(t.app, orgWithToken(t.db, 'Fleet').token);
    other = client(t.app, orgWithToken(t.db, 'Elsewhere').token);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it('vehicle: the contract shape, depot start/end, upsert, patch, delete', async () => {
    const depot = (await api('POST', '/api/v1/depots', { name: 'Main', address: 'Suur-Sõjamäe 14', lat: 59.4225, lng: 24.806 })).data;
    expect(depot.id).toMatch(/^dep_/);
    const body = {
      name: 'Van 1',
      capacity: [500, 8],
      shift: { from: '2026-05-08T08:00:00+03:00', to: '2026-05-08T18:00:00+03:00' },
      start_depot_id: depot.id,
      end: { lat: 59.44, lng: 24.75 },
      skills: ['fridge'],
      costs: { fixed: 40, per_km: 0.3 },
      external_id: 'van-1',
    };
    const created = await api('POST', '/api/v1/vehicles', body);
    expect(created.statusCode).toBe(201);
    expect(created.data).toMatchObject({
      name: 'Van 1',
      capacity: [500, 8],
      // An ISO shift is kept as its time of day in the organization's zone (UTC here): shifts apply to every day.
      shift: { from: '05:00', to: '15:00' },
      start: { lat: 59.4225, lng: 24.806 },
      start_depot_id: depot.id,
      end: { lat: 59.44, lng: 24.75 },
      skills: ['fridge'],
      costs: { fixed: 40, per_km: 0.3 },
    });
    const upserted = await api('POST', '/api/v1/vehicles', { ...body, name: 'Van One' });
    expect(upserted.statusCode).toBe(200);
    expect(upserted.data.id).toBe(created.data.id);
    expect((await api('GET', '/api/v1/vehicles')).data.data).toHaveLength(1);
    const patched = await api('PATCH', `/api/v1/vehicles/${created.data.id}`, { capacity: [600], shift: null });
    expect(patched.data).toMatchObject({ capacity: [600], shift: null, name: 'Van One' });
    const badDepot = await api('POST', '/api/v1/vehicles', { name: 'X', start_depot_id: 'dep_aaaaaaaaaaaaaaaaaaaa' });
    expect(badDepot.statusCode).toBe(400);
    expect(badDepot.data.error.details[0].field).toBe('start_depot_id');
    expect((await other('GET', `/api/v1/vehicles/${created.data.id}`)).statusCode).toBe(404);
    expect((await api('DELETE', `/api/v1/vehicles/${created.data.id}`)).statusCode).toBe(200);
    expect((await api('GET', `/api/v1/vehicles/${created.data.id}`)).statusCode).toBe(404);
    const events = t.db.prepare('SELECT type FROM events WHERE resource_id = ? ORDER BY seq').all(created.data.id) as { type: string }[];
    expect(events.map((e) => e.type)).toEqual(['vehicle.created', 'vehicle.updated', 'vehicle.updated', 'vehicle.deleted']);
  });

  it('driver: E.164 phone, status, assigned vehicle of the same organization', async () => {
    const vehicle = (await api('POST', '/api/v1/vehicles', { name: 'Van 2' })).data;
    const theirVehicle = (await other('POST', '/api/v1/vehicles', { name: 'Theirs' })).data;
    const created = await api('POST', '/api/v1/drivers', { name: 'Kai Saar', phone: '+37255501234', vehicle_id: vehicle.id });
    expect(created.statusCode).toBe(201);
    expect(created.data).toMatchObject({ name: 'Kai Saar', phone: '+37255501234', status: 'active', vehicle_id: vehicle.id, last_position: null });
    const badPhone = await api('POST', '/api/v1/drivers', { name: 'X', phone: '055501234' });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.data.error.details[0]).toMatchObject({ field: 'phone', value: '055501234' });
    const foreign = await api('PATCH', `/api/v1/drivers/${created.data.id}`, { vehicle_id: theirVehicle.id });
    expect(foreign.statusCode).toBe(400);
    const inactive = await api('PATCH', `/api/v1/drivers/${created.data.id}`, { status: 'inactive', vehicle_id: null });
    expect(inactive.data).toMatchObject({ status: 'inactive', vehicle_id: null, phone: '+37255501234' });
    const page1 = await api('GET', '/api/v1/drivers?limit=1');
    expect(page1.data.next_cursor).toBeNull();
    expect((await other('GET', '/api/v1/drivers')).data.data).toEqual([]);
  });

  it('depot: list pages, patch, delete, 404 across organizations', async () => {
    for (let i = 0; i < 3; i++) await api('POST', '/api/v1/depots', { name: `D${i}`, lat: 59 + i / 10, lng: 24 });
    const p1 = await api('GET', '/api/v1/depots?limit=2');
    expect(p1.data.data).toHaveLength(2);
    expect(typeof p1.data.next_cursor).toBe('string');
    const p2 = await api('GET', `/api/v1/depots?limit=2&cursor=${p1.data.next_cursor}`);
    expect(p2.data.data).toHaveLength(2);
    expect(p2.data.next_cursor).toBeNull();
    const id = p2.data.data[1].id;
    expect((await api('PATCH', `/api/v1/depots/${id}`, { name: 'Renamed' })).data.name).toBe('Renamed');
    expect((await other('DELETE', `/api/v1/depots/${id}`)).statusCode).toBe(404);
    expect((await api('DELETE', `/api/v1/depots/${id}`)).statusCode).toBe(200);
  });
});
