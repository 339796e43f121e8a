import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src/api/errors.js';
import { DomainError } from '../../src/errors.js';
import { nowIso } from '../../src/store/db.js';
import { newId } from '../../src/store/ids.js';
import {
  assertCrewMayServe,
  crewAreaSkills,
  jobAreaSkills,
} from '../../src/store/service-area-limits.js';
import { ServiceAreaStore, serviceAreasFor } from '../../src/store/service-areas.js';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from '../api/helpers.js';

const square = (x0: number, y0: number, x1: number, y1: number): number[][] => [
  [x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0],
];

/** 1°-ish squares far from everything, so tests do not depend on each other's areas. */
const donut = {
  type: 'Feature',
  properties: { drawn_by: 'test' },
  geometry: { type: 'MultiPolygon', coordinates: [[square(10, 10, 20, 20), square(14, 14, 16, 16)], [square(30, 10, 40, 20)]] },
};

type Api = ReturnType<typeof client>;

describe('service areas over HTTP', () => {
  let t: TestApp;
  let api: Api;
  let readOnly: Api;
  let rival: Api;
  let orgId: string;

  beforeAll(async () => {
    t = await makeApp();
    const acme = orgWithToken(t.db, 'Acme');
    orgId = acme.orgId;
    api = client(t.app, acme.token);
    readOnly = client(t.app, orgWithToken(t.db, 'Acme', 'read_only').token);
    rival = client(t.app, orgWithToken(t.db, 'Rival').token);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it('creates, reads, looks up, reshapes and deletes an area', async () => {
    const created = await api('POST', '/api/v1/service-areas', { name: 'Donut', external_id: 'donut', geojson: donut });
    expect(created.statusCode).toBe(201);
    const id = created.data.id as string;
    expect(id).toMatch(/^area_[a-z2-7]{20}$/);
    expect(created.data).toMatchObject({
      name: 'Donut',
      external_id: 'donut',
      geometry: { type: 'MultiPolygon', coordinates: donut.geometry.coordinates },
      bbox: [10, 10, 40, 20],
    });

    expect((await api('GET', `/api/v1/service-areas/${id}`)).data).toEqual(created.data);
    const look = async (lat: number, lng: number) =>
      ((await readOnly('GET', `/api/v1/service-areas/lookup?lat=${lat}&lng=${lng}`)).data.data as { id: string }[]).map((a) => a.id);
    expect(await look(12, 12)).toEqual([id]);
    expect(await look(15, 15)).toEqual([]); // in the hole
    expect(await look(15, 14)).toEqual([id]); // on the hole's outline
    expect(await look(20, 12)).toEqual([id]); // on the outer outline
    expect(await look(15, 35)).toEqual([id]); // second polygon
    expect(await look(15, 25)).toEqual([]);
    expect(await look(-60, -60)).toEqual([]);
    const named = await api('GET', '/api/v1/service-areas/lookup?lat=12&lng=12');
    expect(named.data).toEqual({ data: [{ id, name: 'Donut', external_id: 'donut' }] });

    const reshaped = await api('PATCH', `/api/v1/service-areas/${id}`, {
      name: 'Square',
      geojson: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(50, 50, 51, 51)] } },
    });
    expect(reshaped.statusCode).toBe(200);
    expect(reshaped.data).toMatchObject({ name: 'Square', external_id: 'donut', bbox: [50, 50, 51, 51] });
    expect(await look(12, 12)).toEqual([]);
    expect(await look(50.5, 50.5)).toEqual([id]);

    const deleted = await api('DELETE', `/api/v1/service-areas/${id}`);
    expect(deleted.data).toEqual({ id, deleted: true, stops_refiled: 0 });
    expect(await look(50.5, 50.5)).toEqual([]);
    expect((await api('GET', `/api/v1/service-areas/${id}`)).statusCode).toBe(404);
    expect((await api('DELETE', `/api/v1/service-areas/${id}`)).statusCode).toBe(404);
  });

  it('upserts by external_id and pages the list with a cursor', async () => {
    const a = await api('POST', '/api/v1/service-areas', { name: 'A', external_id: 'page-a', geojson: donut });
    const again = await api('POST', '/api/v1/service-areas', { name: 'A2', external_id: 'page-a', geojson: donut });
    expect(again.statusCode).toBe(200);
    expect(again.data.id).toBe(a.data.id);
    expect(again.data.name).toBe('A2');
    const b = await api('POST', '/api/v1/service-areas', { name: 'B', geojson: donut });
    const first = await api('GET', '/api/v1/service-areas?limit=1');
    expect(first.data.data.map((x: { id: string }) => x.id)).toEqual([a.data.id]);
    expect(first.data.next_cursor).toEqual(expect.any(String));
    const second = await api('GET', `/api/v1/service-areas?limit=1&cursor=${first.data.next_cursor}`);
    expect(second.data.data.map((x: { id: string }) => x.id)).toEqual([b.data.id]);
    expect(second.data.next_cursor).toBeNull();
    // Overlapping identical areas: both match.
    const hits = await api('GET', '/api/v1/service-areas/lookup?lat=12&lng=12');
    expect(hits.data.data.map((x: { id: string }) => x.id).sort()).toEqual([a.data.id, b.data.id].sort());
    await api('DELETE', `/api/v1/service-areas/${a.data.id}`);
    await api('DELETE', `/api/v1/service-areas/${b.data.id}`);
  });

  it('answers 400 naming the feature index and the problem', async () => {
    const res = await api('POST', '/api/v1/service-areas', {
      name: 'Bad',
      geojson: {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(0, 0, 1, 1)] } },
          { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]] } },
          { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] } },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.data.error.code).toBe('invalid_geometry');
    expect(res.data.error.details).toEqual([
      expect.objectContaining({ feature_index: 1, ring_index: 0, problem: 'self_intersection' }),
      expect.objectContaining({ feature_index: 2, ring_index: 0, problem: 'unclosed_ring' }),
    ]);

    const outOfRange = await api('POST', '/api/v1/service-areas', {
      name: 'Bad', geojson: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [200, 0], [1, 1], [0, 0]]] } },
    });
    expect(outOfRange.statusCode).toBe(400);
    expect(outOfRange.data.error.details[0]).toMatchObject({ feature_index: 0, position_index: 1, problem: 'coordinate_out_of_range' });

    const wrongType = await api('POST', '/api/v1/service-areas', {
      name: 'Bad',
      geojson: { type: 'FeatureCollection', features: [donut, { type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] } }] },
    });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.data.error.code).toBe('validation_error');
    expect(wrongType.data.error.details[0].field).toMatch(/^geojson\.features\[1\]/);

    const badPatch = await api('POST', '/api/v1/service-areas', { name: 'Ok', geojson: donut });
    const patched = await api('PATCH', `/api/v1/service-areas/${badPatch.data.id}`, {
      geojson: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 0]]] } },
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.data.error.details[0]).toMatchObject({ feature_index: 0, problem: 'too_few_positions' });
    expect((await api('GET', `/api/v1/service-areas/${badPatch.data.id}`)).data.bbox).toEqual([10, 10, 40, 20]);
    await api('DELETE', `/api/v1/service-areas/${badPatch.data.id}`);
  });

  it('documents the endpoints in the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(JSON.parse(res.body).paths as Record<string, unknown>);
    expect(paths).toEqual(expect.arrayContaining([
      '/api/v1/service-areas',
      '/api/v1/service-areas/lookup',
      '/api/v1/service-areas/{id}',
      '/api/v1/vehicles/{id}/service-areas',
      '/api/v1/drivers/{id}/service-areas',
    ]));
  });

  it('keeps organizations apart and read-only tokens out of writes', async () => {
    const mine = await api('POST', '/api/v1/service-areas', { name: 'Mine', geojson: donut });
    expect((await rival('GET', `/api/v1/service-areas/${mine.data.id}`)).statusCode).toBe(404);
    expect((await rival('GET', '/api/v1/service-areas/lookup?lat=12&lng=12')).data).toEqual({ data: [] });
    expect((await rival('DELETE', `/api/v1/service-areas/${mine.data.id}`)).statusCode).toBe(404);
    expect((await readOnly('POST', '/api/v1/service-areas', { name: 'No', geojson: donut })).statusCode).toBe(403);
    expect((await api('GET', '/api/v1/service-areas/lookup?lat=91&lng=0')).statusCode).toBe(400);
    expect((await api('GET', '/api/v1/service-areas/lookup?lat=&lng=')).statusCode).toBe(400);
    expect((await api('GET', '/api/v1/service-areas/lookup?lat=abc&lng=1')).statusCode).toBe(400);
    expect((await api('GET', '/api/v1/service-areas/lookup?lat=12')).statusCode).toBe(400);
    const other = await api('POST', '/api/v1/service-areas', { name: 'Other', external_id: 'other', geojson: donut });
    const clash = await api('PATCH', `/api/v1/service-areas/${mine.data.id}`, { external_id: 'other' });
    expect(clash.statusCode).toBe(409);
    expect(clash.data.error.code).toBe('conflict');
    await api('DELETE', `/api/v1/service-areas/${other.data.id}`);
    await api('DELETE', `/api/v1/service-areas/${mine.data.id}`);
  });

  it('refiles stops when their area is reshaped or deleted, never deleting them', async () => {
    const insertStop = (lat: number, lng: number, status = 'pending'): string => {
      const id = newId('stp');
      const now = nowIso();
      t.db.prepare(
        `INSERT INTO stops (id, organization_id, status, lat, lng, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, orgId, status, lat, lng, now, now);
      return id;
    };
    const areaOf = (stopId: string) =>
      (t.db.prepare('SELECT service_area_id FROM stops WHERE id = ?').get(stopId) as { service_area_id: string | null }).service_area_id;

    // Stops created before any area: filed when an area covering them appears.
    const west = insertStop(12, 12);
    const east = insertStop(15, 35);
    const done = insertStop(12, 13, 'completed');
    const big = await api('POST', '/api/v1/service-areas', { name: 'Big', geojson: donut });
    expect(areaOf(west)).toBe(big.data.id);
    expect(areaOf(east)).toBe(big.data.id);
    expect(areaOf(done)).toBeNull(); // closed stops are history

    // A smaller area over the west stop takes it (most specific wins); the east one stays.
    const small = await api('POST', '/api/v1/service-areas', {
      name: 'Small', geojson: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(11, 11, 13, 13)] } },
    });
    expect(areaOf(west)).toBe(small.data.id);
    expect(areaOf(east)).toBe(big.data.id);

    // Reshaping Big so it no longer reaches the east stop: the stop stays, in no area.
    await api('PATCH', `/api/v1/service-areas/${big.data.id}`, {
      geojson: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(10, 10, 20, 20)] } },
    });
    expect(areaOf(east)).toBeNull();
    expect(areaOf(west)).toBe(small.data.id);

    // Deleting Small: its stop falls back to Big.
    const deleted = await api('DELETE', `/api/v1/service-areas/${small.data.id}`);
    expect(deleted.data.stops_refiled).toBe(1);
    expect(areaOf(west)).toBe(big.data.id);
    await api('DELETE', `/api/v1/service-areas/${big.data.id}`);
    expect(areaOf(west)).toBeNull();
    const count = t.db.prepare('SELECT COUNT(*) AS n FROM stops WHERE id IN (?, ?, ?)').get(west, east, done) as { n: number };
    expect(count.n).toBe(3);
    t.db.prepare('DELETE FROM stops WHERE id IN (?, ?, ?)').run(west, east, done);
  });

  it('through the stops API: a stop outlives the reshaping and deletion of its area', async () => {
    const area = await api('POST', '/api/v1/service-areas', { name: 'Donut', geojson: donut });
    const inside = await api('POST', '/api/v1/stops', { lat: 12, lng: 12 });
    expect(inside.statusCode).toBe(201);
    expect(inside.data.service_area_id).toBe(area.data.id);
    const inHole = await api('POST', '/api/v1/stops', { lat: 15, lng: 15 });
    expect(inHole.statusCode).toBe(409);
    expect(inHole.data.error).toMatchObject({ code: 'outside_service_area', details: { lat: 15, lng: 15 } });

    // Reshaped away from the stop: the stop stays, in no area; a new stop there is refused.
    await api('PATCH', `/api/v1/service-areas/${area.data.id}`, {
      geojson: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(30, 10, 40, 20)] } },
    });
    expect((await api('GET', `/api/v1/stops/${inside.data.id}`)).data).toMatchObject({ lat: 12, lng: 12, service_area_id: null });
    expect((await api('POST', '/api/v1/stops', { lat: 12, lng: 12 })).statusCode).toBe(409);
    // Editing other fields of the stop keeps working; moving it into the area files it again.
    expect((await api('PATCH', `/api/v1/stops/${inside.data.id}`, { notes: 'gate code 1234' })).statusCode).toBe(200);
    const moved = await api('PATCH', `/api/v1/stops/${inside.data.id}`, { lat: 15, lng: 35 });
    expect(moved.data.service_area_id).toBe(area.data.id);

    // Deleted: the stop stays with no area, and with no areas left every point is accepted again.
    expect((await api('DELETE', `/api/v1/service-areas/${area.data.id}`)).data.stops_refiled).toBe(1);
    expect((await api('GET', `/api/v1/stops/${inside.data.id}`)).data.service_area_id).toBeNull();
    const anywhere = await api('POST', '/api/v1/stops', { lat: 15, lng: 15 });
    expect(anywhere.statusCode).toBe(201);
    expect(anywhere.data.service_area_id).toBeNull();
    for (const id of [inside.data.id, anywhere.data.id]) await api('DELETE', `/api/v1/stops/${id}`);
  });

  it('puts the index back when the writing transaction fails', async () => {
    const store = serviceAreasFor(t.db);
    const { area } = store.upsert(orgId, { name: 'Kept', geojson: donut as never });
    // The outbox insert is the last step of a change: the index has been changed by then and must be put back.
    t.db.exec("CREATE TRIGGER h4_fail BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    try {
      expect(() =>
        store.update(orgId, area.id, {
          geojson: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(60, 60, 61, 61)] } },
        }),
      ).toThrow(/disk on fire/);
    } finally {
      t.db.exec('DROP TRIGGER h4_fail');
    }
    expect(store.lookupIds(orgId, 12, 12)).toEqual([area.id]);
    expect(store.lookupIds(orgId, 60.5, 60.5)).toEqual([]);
    t.db.exec("CREATE TRIGGER h4_fail BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'outbox full'); END");
    try {
      expect(() => store.delete(orgId, area.id)).toThrow(/outbox full/);
    } finally {
      t.db.exec('DROP TRIGGER h4_fail');
    }
    expect(store.lookupIds(orgId, 12, 12)).toEqual([area.id]);
    expect(store.get(orgId, area.id)?.name).toBe('Kept');
    expect(store.delete(orgId, area.id).deleted).toBe(true);
    expect(store.lookupIds(orgId, 12, 12)).toEqual([]);
  });

  it('locate refuses points outside every area only when the org has areas', async () => {
    const areas = serviceAreasFor(t.db);
    expect(areas).toBe(t.app.serviceAreas);
    expect(t.app.serviceAreas.locate(orgId, -60, -60)).toEqual({ areaId: null });
    const a = await api('POST', '/api/v1/service-areas', { name: 'A', geojson: donut });
    expect(t.app.serviceAreas.locate(orgId, 12, 12)).toEqual({ areaId: a.data.id });
    let thrown: unknown;
    try {
      t.app.serviceAreas.locate(orgId, 15, 15);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('outside_service_area');
    expect(ERROR_STATUS[(thrown as DomainError).code]).toBe(409);
    // The index is rebuilt from the table on start: a fresh store answers the same.
    expect(new ServiceAreaStore(t.db).lookupIds(orgId, 12, 12)).toEqual([a.data.id]);
    await api('DELETE', `/api/v1/service-areas/${a.data.id}`);
  });

  it('limits vehicles and drivers to areas: wrong_zone and solver skills', async () => {
    const north = await api('POST', '/api/v1/service-areas', { name: 'North', geojson: donut });
    const south = await api('POST', '/api/v1/service-areas', {
      name: 'South', geojson: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(10, -20, 20, -10)] } },
    });
    const vehicle = await api('POST', '/api/v1/vehicles', { name: 'Van 1' });
    const driver = await api('POST', '/api/v1/drivers', { name: 'Kai' });
    expect(vehicle.statusCode).toBe(201);
    expect(driver.statusCode).toBe(201);
    const vUrl = `/api/v1/vehicles/${vehicle.data.id}/service-areas`;
    const dUrl = `/api/v1/drivers/${driver.data.id}/service-areas`;

    expect((await api('GET', vUrl)).data).toEqual({ id: vehicle.data.id, service_area_ids: [] });
    const unknown = await api('PUT', vUrl, { service_area_ids: [north.data.id, 'area_nope'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.data.error.details).toEqual([{ field: 'service_area_ids[1]', message: 'no such service area', value: 'area_nope' }]);
    expect((await api('PUT', vUrl, { service_area_ids: [north.data.id] })).data.service_area_ids).toEqual([north.data.id]);
    expect((await rival('PUT', vUrl, { service_area_ids: [] })).statusCode).toBe(404);

    const northStop = { id: 'stp_n', service_area_id: north.data.id as string };
    const southStop = { id: 'stp_s', service_area_id: south.data.id as string };
    const nowhere = { id: 'stp_x', service_area_id: null };
    const crew = { vehicleId: vehicle.data.id as string, driverId: driver.data.id as string };
    expect(() => assertCrewMayServe(t.db, orgId, crew, [northStop])).not.toThrow();
    let thrown: DomainError | undefined;
    try {
      assertCrewMayServe(t.db, orgId, crew, [northStop, southStop, nowhere]);
    } catch (error) {
      thrown = error as DomainError;
    }
    expect(thrown?.code).toBe('wrong_zone');
    expect(thrown && ERROR_STATUS[thrown.code]).toBe(409);
    expect(thrown?.details).toMatchObject({
      allowed_service_area_ids: [north.data.id],
      stops: [
        { index: 1, stop_id: 'stp_s', service_area_id: south.data.id },
        { index: 2, stop_id: 'stp_x', service_area_id: null },
      ],
    });

    // Driver limited to South too: the crew may serve nothing in common.
    await api('PUT', dUrl, { service_area_ids: [south.data.id] });
    expect(() => assertCrewMayServe(t.db, orgId, crew, [northStop])).toThrow(/outside the areas/);
    expect(crewAreaSkills(t.db, orgId, crew)).toEqual([]);
    expect(crewAreaSkills(t.db, orgId, { vehicleId: crew.vehicleId })).toEqual([`area:${north.data.id}`]);
    // Unlimited crews serve every area and stops in none.
    await api('PUT', vUrl, { service_area_ids: [] });
    await api('PUT', dUrl, { service_area_ids: [] });
    expect(crewAreaSkills(t.db, orgId, crew)).toEqual(
      [`area:${north.data.id}`, `area:${south.data.id}`].sort().concat('area:none'),
    );
    expect(jobAreaSkills(t.db, orgId, north.data.id)).toEqual([`area:${north.data.id}`]);
    expect(jobAreaSkills(t.db, orgId, null)).toEqual(['area:none']);

    // Deleting an area lifts it from the limits.
    await api('PUT', vUrl, { service_area_ids: [north.data.id, south.data.id] });
    await api('DELETE', `/api/v1/service-areas/${south.data.id}`);
    expect((await api('GET', vUrl)).data.service_area_ids).toEqual([north.data.id]);
    await api('DELETE', `/api/v1/service-areas/${north.data.id}`);
    expect(jobAreaSkills(t.db, orgId, null)).toEqual([]);
    expect(crewAreaSkills(t.db, orgId, crew)).toEqual([]);
  });
});
