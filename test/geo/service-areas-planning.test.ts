import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SolverPort } from '../../src/planning/solver-port.js';
import { solve } from '../../src/solver/solve.js';
import { seedServiceAreas } from '../../src/store/seed-service-areas.js';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from '../api/helpers.js';

/** Solves in-process with a fixed iteration budget: deterministic and quick. */
const inProcessSolver: SolverPort = {
  solve: async (problem, options) => solve(problem, { maxIterations: 60, seed: options.seed ?? 1, minimize: options.minimize }),
};

type Api = ReturnType<typeof client>;

/** Real Tallinn places in the seeded demo areas. */
const PLACES = {
  oldTown: { lat: 59.4372, lng: 24.7453 },
  kesklinn: { lat: 59.4275, lng: 24.7434 },
  pirita: { lat: 59.47, lng: 24.835 },
  lasnamae1: { lat: 59.43, lng: 24.85 },
  lasnamae2: { lat: 59.425, lng: 24.87 },
  mustamae: { lat: 59.4, lng: 24.68 },
  helsinki: { lat: 60.1699, lng: 24.9384 },
};

describe('service areas in stop writes, assignment and planning', () => {
  let t: TestApp;
  let api: Api;
  const area: Record<string, string> = {};
  const stop: Record<string, string> = {};

  beforeAll(async () => {
    t = await makeApp({}, { solver: inProcessSolver });
    const acme = orgWithToken(t.db, 'Acme');
    api = client(t.app, acme.token);
    for (const a of seedServiceAreas(t.db, acme.orgId)) area[a.external_id!] = a.id;
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it('files a new stop under its most specific area and refuses one outside every area', async () => {
    for (const [name, place] of Object.entries(PLACES)) {
      if (name === 'helsinki') continue;
      const res = await api('POST', '/api/v1/stops', { ...place, external_id: `stop-${name}` });
      expect(res.statusCode).toBe(201);
      stop[name] = res.data.id;
    }
    expect((await api('GET', `/api/v1/stops/${stop.oldTown}`)).data.service_area_id).toBe(area['tallinn-old-town']);
    expect((await api('GET', `/api/v1/stops/${stop.pirita}`)).data.service_area_id).toBe(area['tallinn-central']);
    expect((await api('GET', `/api/v1/stops/${stop.lasnamae1}`)).data.service_area_id).toBe(area['tallinn-east']);

    const outside = await api('POST', '/api/v1/stops', PLACES.helsinki);
    expect(outside.statusCode).toBe(409);
    expect(outside.data.error.code).toBe('outside_service_area');
  });

  it('refuses moving a stop outside, re-files it when moved to another area', async () => {
    const away = await api('PATCH', `/api/v1/stops/${stop.mustamae}`, PLACES.helsinki);
    expect(away.statusCode).toBe(409);
    expect(away.data.error.code).toBe('outside_service_area');
    expect((await api('GET', `/api/v1/stops/${stop.mustamae}`)).data).toMatchObject({ ...PLACES.mustamae, service_area_id: area['tallinn-southwest'] });

    const moved = await api('PATCH', `/api/v1/stops/${stop.mustamae}`, { lat: 59.44, lng: 24.9 });
    expect(moved.statusCode).toBe(200);
    expect(moved.data.service_area_id).toBe(area['tallinn-east']);
    await api('PATCH', `/api/v1/stops/${stop.mustamae}`, PLACES.mustamae);
  });

  it('a bulk import names each stop outside every area and writes nothing', async () => {
    const res = await api('POST', '/api/v1/stops/bulk', {
      stops: [PLACES.kesklinn, PLACES.helsinki, PLACES.pirita, { lat: 58.38, lng: 26.72 }],
    });
    expect(res.statusCode).toBe(409);
    expect(res.data.error.code).toBe('outside_service_area');
    const indexes = [...new Set((res.data.error.details as { index: number }[]).map((d) => d.index))];
    expect(indexes).toEqual([1, 3]);
    expect(res.data.error.details.every((d: { message: string }) => d.message.startsWith('outside_service_area'))).toBe(true);
    expect((await api('GET', '/api/v1/stops?limit=200')).data.data).toHaveLength(6);

    // Mixed with another problem, the batch is a validation error that lists both kinds.
    const mixed = await api('POST', '/api/v1/stops/bulk', { stops: [PLACES.helsinki, { ...PLACES.kesklinn, priority: 99 }] });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.data.error.code).toBe('validation_error');
    expect([...new Set((mixed.data.error.details as { index: number }[]).map((d) => d.index))]).toEqual([0, 1]);
  });

  it('answers 409 wrong_zone when a route crew is limited to other areas', async () => {
    const eastVan = await api('POST', '/api/v1/vehicles', { name: 'East van' });
    const centralVan = await api('POST', '/api/v1/vehicles', { name: 'Central van' });
    const oldTownWalker = await api('POST', '/api/v1/drivers', { name: 'Walker' });
    await api('PUT', `/api/v1/vehicles/${eastVan.data.id}/service-areas`, { service_area_ids: [area['tallinn-east']] });
    await api('PUT', `/api/v1/vehicles/${centralVan.data.id}/service-areas`, {
      service_area_ids: [area['tallinn-central'], area['tallinn-old-town']],
    });
    await api('PUT', `/api/v1/drivers/${oldTownWalker.data.id}/service-areas`, { service_area_ids: [area['tallinn-old-town']] });

    const refused = await api('POST', '/api/v1/routes', { vehicle_id: eastVan.data.id, stop_ids: [stop.lasnamae1, stop.kesklinn] });
    expect(refused.statusCode).toBe(409);
    expect(refused.data.error.code).toBe('wrong_zone');
    expect(refused.data.error.details.stops).toEqual([{ index: 1, stop_id: stop.kesklinn, service_area_id: area['tallinn-central'] }]);

    const route = await api('POST', '/api/v1/routes', { vehicle_id: eastVan.data.id, stop_ids: [stop.lasnamae1] });
    expect(route.statusCode).toBe(201);
    const routeId = route.data.id as string;
    const addWrong = await api('PUT', `/api/v1/routes/${routeId}/stops`, { stop_ids: [stop.pirita] });
    expect(addWrong.statusCode).toBe(409);
    expect(addWrong.data.error.code).toBe('wrong_zone');
    expect((await api('PUT', `/api/v1/routes/${routeId}/stops`, { stop_ids: [stop.lasnamae2] })).statusCode).toBe(200);
    const driver = await api('PUT', `/api/v1/routes/${routeId}/driver`, { driver_id: oldTownWalker.data.id });
    expect(driver.statusCode).toBe(409);
    expect(driver.data.error.code).toBe('wrong_zone');
    const vehicle = await api('PUT', `/api/v1/routes/${routeId}/vehicle`, { vehicle_id: centralVan.data.id });
    expect(vehicle.statusCode).toBe(409);
    const kept = await api('GET', `/api/v1/routes/${routeId}`);
    expect(kept.data.vehicle_id).toBe(eastVan.data.id);
    expect(kept.data.stops.map((s: { stop_id: string }) => s.stop_id)).toEqual([stop.lasnamae1, stop.lasnamae2]);
    await api('DELETE', `/api/v1/routes/${routeId}`);
  });

  it('the optimizer pairs stops only with vehicles allowed in their area', async () => {
    const east = await api('POST', '/api/v1/vehicles', { name: 'East only', start: PLACES.lasnamae1 });
    const central = await api('POST', '/api/v1/vehicles', { name: 'Central only', start: PLACES.kesklinn });
    await api('PUT', `/api/v1/vehicles/${east.data.id}/service-areas`, { service_area_ids: [area['tallinn-east']] });
    await api('PUT', `/api/v1/vehicles/${central.data.id}/service-areas`, {
      service_area_ids: [area['tallinn-central'], area['tallinn-old-town']],
    });
    const ids = [stop.oldTown, stop.kesklinn, stop.pirita, stop.lasnamae1, stop.lasnamae2];
    const areaOfStop = new Map<string, string>();
    for (const id of ids) areaOfStop.set(id, (await api('GET', `/api/v1/stops/${id}`)).data.service_area_id);
    const allowed: Record<string, string[]> = {
      [east.data.id]: [area['tallinn-east']!],
      [central.data.id]: [area['tallinn-central']!, area['tallinn-old-town']!],
    };

    const plan = await api('POST', '/api/v1/routes/plan', {
      stops: ids,
      vehicles: [central.data.id, east.data.id],
      options: { time_limit_s: 1, seed: 3 },
    });
    expect(plan.statusCode).toBe(200);
    expect(plan.data.unassigned).toEqual([]);
    const served: string[] = [];
    for (const r of plan.data.routes as { vehicle_id: string; stops: { stop_id: string }[] }[]) {
      for (const s of r.stops) {
        expect(allowed[r.vehicle_id]).toContain(areaOfStop.get(s.stop_id));
        served.push(s.stop_id);
      }
    }
    expect(served.sort()).toEqual([...ids].sort());

    // Only the east van: the central stops (and the inline stop in no area's reach of it) stay unassigned.
    const eastOnly = await api('POST', '/api/v1/routes/plan', {
      stops: [...ids, { lat: 59.4, lng: 24.68, id: 'inline-mustamae' }],
      vehicles: [east.data.id],
      options: { time_limit_s: 1 },
    });
    expect(eastOnly.statusCode).toBe(200);
    expect(eastOnly.data.routes.flatMap((r: { stops: { stop_id: string }[] }) => r.stops.map((s) => s.stop_id)).sort()).toEqual(
      [stop.lasnamae1, stop.lasnamae2].sort(),
    );
    expect(eastOnly.data.unassigned.map((u: { stop_id: string; reason: string }) => [u.stop_id, u.reason]).sort()).toEqual(
      [[stop.oldTown, 'skills'], [stop.kesklinn, 'skills'], [stop.pirita, 'skills'], ['inline-mustamae', 'skills']].sort(),
    );
  });
});
