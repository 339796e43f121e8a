import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSharedPool } from '../../src/workers/solve-pool.js';
import { openDb } from '../../src/store/db.js';
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

  it('keeps answering other requests while a 1,000-stop optimization runs; closing the app stops it', async () => {
    const own = await makeApp();
    const c = client(own.app, orgWithToken(own.db, 'Big').token);
    const stops = Array.from({ length: 1000 }, (_, i) => ({ lat: 59.35 + (i % 50) * 0.004, lng: 24.55 + Math.floor(i / 50) * 0.02, demand: [1] }));
    const vehicles = Array.from({ length: 10 }, (_, i) => ({ name: `V${i}`, capacity: [120], start: { lat: 59.42, lng: 24.8 }, end: { lat: 59.42, lng: 24.8 } }));
    const started = await c('POST', '/api/v1/routes/plan?async=true', { stops, vehicles, options: { time_limit_s: 60 } });
    expect(started.statusCode).toBe(202);
    // Wait until the job runs: its solve is handed to a worker, and this thread stays free.
    let job = (await c('GET', `/api/v1/jobs/${started.data.job_id}`)).data;
    for (let i = 0; i < 200 && job.status !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      job = (await c('GET', `/api/v1/jobs/${started.data.job_id}`)).data;
    }
    expect(job.status).toBe('running');
    await new Promise((r) => setTimeout(r, 500));
    const me = await c('GET', '/api/v1/me');
    expect(me.statusCode).toBe(200);
    const stop = await c('POST', '/api/v1/stops', { lat: 59.4, lng: 24.7 });
    expect(stop.statusCode).toBe(201);
    expect((await c('GET', `/api/v1/jobs/${started.data.job_id}`)).data.status).toBe('running');
    // Closing aborts the solve (well before its 60 s budget) and records why.
    await own.close();
    const row = openDb(own.file).prepare('SELECT status, error_json FROM jobs WHERE id = ?').get(started.data.job_id) as { status: string; error_json: string };
    expect(row.status).toBe('failed');
    expect(JSON.parse(row.error_json).code).toBe('unavailable');
    removeDir(own.dir);
  });
});
