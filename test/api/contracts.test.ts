import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';
import { canonicalJson } from '../../src/api/plugins/idempotency.js';

const stop = {
  lat: 59.4372,
  lng: 24.7453,
  time_windows: [{ from: '2026-05-08T09:00:00+03:00', to: '2026-05-08T12:00:00+03:00' }],
};

const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('strict, complete contracts', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let token: string;
  let other: ReturnType<typeof client>;

  const allowPrivate = process.env.MILKRUN_WEBHOOKS_ALLOW_PRIVATE;
  beforeAll(async () => {
    // Webhook URLs on this machine (nothing is delivered: the dispatcher runs only in the server).
    process.env.MILKRUN_WEBHOOKS_ALLOW_PRIVATE = '1';
    t = await makeApp();
    token = orgWithToken(t.db, 'Acme').token;
    api = client(t.app, token);
    other = client(t.app, orgWithToken(t.db, 'Rival').token);
  });
  afterAll(async () => {
    if (allowPrivate === undefined) delete process.env.MILKRUN_WEBHOOKS_ALLOW_PRIVATE;
    else process.env.MILKRUN_WEBHOOKS_ALLOW_PRIVATE = allowPrivate;
    await t.close();
    removeDir(t.dir);
  });

  const raw = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...headers }, ...(payload !== undefined && { payload }) });

  describe('unknown fields', () => {
    it('refuses a stop with misspelt fields, naming each, and stores nothing', async () => {
      const { time_windows, ...rest } = stop;
      const res = await api('POST', '/api/v1/stops', { ...rest, time_window: time_windows, external_ref: 'x-1' });
      expect(res.statusCode).toBe(400);
      expect(res.data.error.code).toBe('unknown_field');
      expect(res.data.error.details).toEqual(
        expect.arrayContaining([
          { field: 'time_window', message: 'unknown field' },
          { field: 'external_ref', message: 'unknown field' },
        ]),
      );
      expect(res.data.error.requestId).toBeTruthy();
      expect((await api('GET', '/api/v1/stops')).data.data).toHaveLength(0);
    });

    it('names nested unknown fields with their path, in bulk and in plans', async () => {
      const bulk = await api('POST', '/api/v1/stops/bulk', { stops: [stop, { ...stop, time_window: [] }] });
      expect(bulk.statusCode).toBe(400);
      expect(bulk.data.error.code).toBe('unknown_field');
      expect(bulk.data.error.details).toContainEqual(expect.objectContaining({ field: 'stops[1].time_window', message: 'unknown field' }));

      const windowTypo = await api('POST', '/api/v1/stops', { ...stop, time_windows: [{ ...stop.time_windows[0], tz: 'x' }] });
      expect(windowTypo.statusCode).toBe(400);
      expect(windowTypo.data.error.details).toEqual([{ field: 'time_windows[0].tz', message: 'unknown field' }]);

      const plan = await api('POST', '/api/v1/routes/plan', {
        stops: [{ ...stop, time_window: [] }],
        vehicles: [{ name: 'Van', start: { lat: 59.43, lng: 24.75, alt: 3 } }],
        options: { time_limit_s: 1, speed: 2 },
      });
      expect(plan.statusCode).toBe(400);
      expect(plan.data.error.code).toBe('unknown_field');
      const fields = plan.data.error.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['stops[0].time_window', 'vehicles[0].start.alt', 'options.speed']));
    });

    it('refuses unknown fields on every kind of write', async () => {
      const cases: [('POST' | 'PATCH' | 'PUT'), string, object][] = [
        ['POST', '/api/v1/depots', { name: 'D', lat: 1, lng: 2, colour: 'red' }],
        ['POST', '/api/v1/vehicles', { name: 'V', shift: { from: '2026-05-08T06:00:00Z', to: '2026-05-08T16:00:00Z', break: 1 } }],
        ['POST', '/api/v1/vehicles', { name: 'V', costs: { per_minute: 1 } }],
        ['POST', '/api/v1/drivers', { name: 'Dr', email: 'x@y' }],
        ['POST', '/api/v1/routes', { name: 'R', stops: [] }],
        ['POST', '/api/v1/tokens', { name: 'T', scope: 'read_only', expires: 1 }],
        ['POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/h', topics: ['stop.completed'], secret: 's' }],
        ['POST', '/api/v1/routes/auto-optimize', { date: '2026-05-08', vehicles: [] }],
        ['POST', '/api/v1/service-areas', { name: 'A', geojson: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [] } }, color: 1 }],
      ];
      for (const [method, url, body] of cases) {
        const res = await api(method, url, body);
        expect(res.statusCode, `${method} ${url}`).toBe(400);
        expect(res.data.error.code, `${method} ${url}`).toBe('unknown_field');
      }
    });

    it('refuses a body on writes that take none', async () => {
      const created = await api('POST', '/api/v1/drivers', { name: 'Ann' });
      const res = await api('POST', `/api/v1/drivers/${created.data.id}/tokens`, { label: 'phone' });
      expect(res.statusCode).toBe(400);
      expect(res.data.error).toMatchObject({ code: 'unknown_field', details: [{ field: 'label', message: 'unknown field' }] });
      expect((await api('POST', `/api/v1/drivers/${created.data.id}/tokens`, {})).statusCode).toBe(201);
    });

    it('refuses unknown query parameters and unknown filter values', async () => {
      const unknown = await api('GET', '/api/v1/stops?stauts=pending');
      expect(unknown.statusCode).toBe(400);
      expect(unknown.data.error).toMatchObject({ code: 'unknown_field', details: [{ field: 'querystring.stauts', message: 'unknown field' }] });
      const noQuery = await api('GET', '/api/v1/me?verbose=1');
      expect(noQuery.statusCode).toBe(400);
      expect(noQuery.data.error.code).toBe('unknown_field');
      for (const url of ['/api/v1/stops?status=bogus', '/api/v1/stops?status=pending,bogus', '/api/v1/routes?status=bogus']) {
        const res = await api('GET', url);
        expect(res.statusCode, url).toBe(400);
        expect(res.data.error.code, url).toBe('validation_error');
      }
      expect((await api('GET', '/api/v1/stops?status=pending,assigned')).statusCode).toBe(200);
      const asyncTypo = await api('POST', '/api/v1/routes/plan?asynk=true', { stops: [stop], vehicles: [{ name: 'V' }] });
      expect(asyncTypo.statusCode).toBe(400);
      expect(asyncTypo.data.error.code).toBe('unknown_field');
    });

    it('answers 400 to an invalid cursor on every list', async () => {
      const hook = await api('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/h', topics: ['stop.completed'] });
      const lists = [
        '/api/v1/stops',
        '/api/v1/routes',
        '/api/v1/depots',
        '/api/v1/vehicles',
        '/api/v1/drivers',
        '/api/v1/service-areas',
        '/api/v1/webhooks',
        `/api/v1/webhooks/${hook.data.id}/deliveries`,
      ];
      for (const list of lists) {
        for (const cursor of ['garbage', 'whk_aaaaaaaaaaaaaaaaaaaa', '-1']) {
          const res = await api('GET', `${list}?cursor=${cursor}`);
          expect(res.statusCode, `${list} ${cursor}`).toBe(400);
          expect(res.data.error.code, list).toBe('validation_error');
          expect(res.data.error.details[0].field, list).toBe('querystring.cursor');
        }
      }
      // Another organization's endpoint id is not a cursor for this one.
      const theirs = await other('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/o', topics: ['stop.completed'] });
      expect((await api('GET', `/api/v1/webhooks?cursor=${theirs.data.id}`)).statusCode).toBe(400);
      expect((await api('GET', `/api/v1/webhooks?cursor=${hook.data.id}`)).statusCode).toBe(200);
    });
  });

  describe('bodies', () => {
    it('reads a missing or empty body as {} where every field is optional', async () => {
      const created = await api('POST', '/api/v1/stops', stop);
      const route = await api('POST', '/api/v1/routes', { name: 'R', stop_ids: [created.data.id] });
      expect(route.statusCode).toBe(201);
      const url = `/api/v1/routes/${route.data.id}/reoptimize`;
      expect((await raw('POST', url)).statusCode).toBe(200);
      expect((await raw('POST', url, '')).statusCode).toBe(200);
      expect((await raw('POST', url, '', { 'content-type': 'application/json' })).statusCode).toBe(200);
      expect((await raw('POST', url, '  \n', { 'content-type': 'application/json' })).statusCode).toBe(200);
      // A required field still names itself.
      const missing = await raw('POST', '/api/v1/depots', '', { 'content-type': 'application/json' });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.code).toBe('validation_error');
      expect(missing.json().error.details.map((d: { field: string }) => d.field)).toContain('name');
    });

    it('accepts priority 0 (unset, counts as 5)', async () => {
      const res = await api('POST', '/api/v1/stops', { ...stop, priority: 0 });
      expect(res.statusCode).toBe(201);
      expect(res.data.priority).toBe(0);
      expect((await api('POST', '/api/v1/stops', { ...stop, priority: -1 })).statusCode).toBe(400);
      expect((await api('POST', '/api/v1/stops', { ...stop, priority: 11 })).statusCode).toBe(400);
    });

    it('answers 415 in the envelope to a text/plain body', async () => {
      const res = await raw('POST', '/api/v1/depots', JSON.stringify({ name: 'D', lat: 1, lng: 2 }), { 'content-type': 'text/plain' });
      expect(res.statusCode).toBe(415);
      expect(res.json().error).toMatchObject({ code: 'unsupported_media_type' });
      expect(res.json().error.requestId).toBe(res.headers['x-request-id']);
    });

    it('answers 400 in the envelope to JSON nested 10,000 levels, with or without Idempotency-Key', async () => {
      const writes: ['POST' | 'PATCH' | 'PUT', string][] = [
        ['POST', '/api/v1/stops'],
        ['POST', '/api/v1/stops/bulk'],
        ['POST', '/api/v1/routes/plan'],
        ['PATCH', '/api/v1/stops/stp_aaaaaaaaaaaaaaaaaaaa'],
        ['PUT', '/api/v1/routes/rte_aaaaaaaaaaaaaaaaaaaa/order'],
        ['POST', '/api/v1/webhooks'],
      ];
      for (const [method, url] of writes) {
        for (const body of [deep(10_000), deepObject(10_000), `{"stops":${deep(10_000)}}`]) {
          for (const headers of [{}, { 'idempotency-key': `deep-${method}-${url}-${body.length}` }] as Record<string, string>[]) {
            const res = await raw(method, url, body, { 'content-type': 'application/json', ...headers });
            expect(res.statusCode, `${method} ${url}`).toBe(400);
            expect(res.json().error.code).toBe('bad_request');
            expect(res.json().error.requestId).toBeTruthy();
          }
        }
      }
      // Brackets inside strings are text, not nesting.
      const notes = await api('POST', '/api/v1/stops', { ...stop, notes: '['.repeat(1000) });
      expect(notes.statusCode).toBe(201);
    });
  });

  describe("fastify's own errors", () => {
    it('answers bad percent-encoding and over-long parameters in the envelope', async () => {
      const bad = await raw('GET', '/api/v1/stops/%E0%A4%A');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('bad_request');
      expect(bad.headers['x-request-id']).toBe(bad.json().error.requestId);
      const long = await raw('GET', `/api/v1/stops/${'a'.repeat(200)}`);
      expect(long.statusCode).toBe(400);
      expect(long.json().error).toMatchObject({ code: 'validation_error' });
    });

    it('answers 431 in the envelope to oversized headers on a real socket', async () => {
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/api/v1/me', headers: { 'x-big': 'a'.repeat(64 * 1024) } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).toBe(431);
      expect(JSON.parse(answer.body).error).toMatchObject({ code: 'headers_too_large' });
    });
  });

  describe('idempotency', () => {
    it('hashes bodies canonically: key order does not matter', async () => {
      expect(canonicalJson({ b: [{ y: 1, x: 2 }], a: null })).toBe(canonicalJson({ a: null, b: [{ x: 2, y: 1 }] }));
      const key = { 'idempotency-key': 'order-1' };
      const first = await raw('POST', '/api/v1/depots', '{"name":"Depot","lat":1,"lng":2}', { 'content-type': 'application/json', ...key });
      expect(first.statusCode).toBe(201);
      const again = await raw('POST', '/api/v1/depots', '{"lng":2,"lat":1,"name":"Depot"}', { 'content-type': 'application/json', ...key });
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json().id).toBe(first.json().id);
      const different = await raw('POST', '/api/v1/depots', '{"lng":3,"lat":1,"name":"Depot"}', { 'content-type': 'application/json', ...key });
      expect(different.statusCode).toBe(409);
    });
  });

  describe('async endpoints', () => {
    it('checks the route before answering 202', async () => {
      const created = await api('POST', '/api/v1/stops', stop);
      const route = await api('POST', '/api/v1/routes', { name: 'Mine', stop_ids: [created.data.id] });
      const theirs = await other('POST', `/api/v1/routes/${route.data.id}/reoptimize?async=true`, {});
      expect(theirs.statusCode).toBe(404);
      expect(theirs.data.error.code).toBe('not_found');
      const unknown = await api('POST', '/api/v1/routes/rte_aaaaaaaaaaaaaaaaaaaa/reoptimize?async=true');
      expect(unknown.statusCode).toBe(404);
      const mine = await api('POST', `/api/v1/routes/${route.data.id}/reoptimize?async=true`);
      expect(mine.statusCode).toBe(202);
    });
  });
});
