import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSharedPool } from '../../src/workers/solve-pool.js';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

// The default solver: the worker-thread pool.
describe('solving in worker threads', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await makeApp();
    api = client(t.app, orgWithToken(t.db, 'Pool').token);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
    await closeSharedPool();
  });

  it('plans through the pool', async () => {
    const res = await api('POST', '/api/v1/routes/plan', {
      stops: [
        { lat: 59.43, lng: 24.74 },
        { lat: 59.44, lng: 24.76 },
      ],
      vehicles: [{ name: 'V', start: { lat: 59.42, lng: 24.8 } }],
      options: { time_limit_s: 0.1 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.data.routes[0].stops.map((s: { stop_id: string }) => s.stop_id).sort()).toEqual(['tmp_stp_0', 'tmp_stp_1']);
  });

  it('keeps answering other requests while a 1,000-stop optimization runs', async () => {
    const stops = Array.from({ length: 1000 }, (_, i) => ({ lat: 59.35 + (i % 50) * 0.004, lng: 24.55 + Math.floor(i / 50) * 0.02, demand: [1] }));
    const vehicles = Array.from({ length: 10 }, (_, i) => ({ name: `V${i}`, capacity: [120], start: { lat: 59.42, lng: 24.8 }, end: { lat: 59.42, lng: 24.8 } }));
    const started = await api('POST', '/api/v1/routes/plan?async=true', { stops, vehicles, options: { time_limit_s: 0.5 } });
    expect(started.statusCode).toBe(202);
    const me = await api('GET', '/api/v1/me');
    expect(me.statusCode).toBe(200);
    const during = await api('GET', `/api/v1/jobs/${started.data.job_id}`);
    expect(['queued', 'running']).toContain(during.data.status);
    await t.app.jobs.idle();
    const done = await api('GET', `/api/v1/jobs/${started.data.job_id}`);
    expect(done.data.status).toBe('succeeded');
    const served = done.data.result.routes.reduce((n: number, r: { stops: unknown[] }) => n + r.stops.length, 0);
    expect(served + done.data.result.unassigned.length).toBe(1000);
  });
});
