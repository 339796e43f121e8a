import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { SolverPort } from '../../src/planning/solver-port.js';
import { workerPoolSolver } from '../../src/planning/solver-port.js';
import type { SolveQueue } from '../../src/planning/solve-queue.js';
import { SolvePool } from '../../src/workers/solve-pool.js';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

// One worker thread: every test here is about who gets it next. Assertions are about order and status, not time.

/** Wraps a solver to log, in order, each solve's start and end, named by its number of stops. */
function recording(inner: SolverPort) {
  const log: string[] = [];
  const solver: SolverPort = {
    concurrency: inner.concurrency,
    async solve(problem, options) {
      const name = `${problem.jobs.length} stops`;
      log.push(`start ${name}`);
      try {
        const solution = await inner.solve(problem, options);
        log.push(`done ${name}`);
        return solution;
      } catch (err) {
        log.push(`stopped ${name}`);
        throw err;
      }
    },
  };
  return { solver, log };
}

function planBody(stops: number, timeLimitS: number) {
  return {
    stops: Array.from({ length: stops }, (_, i) => ({ lat: 59.38 + (i % 10) * 0.008, lng: 24.6 + Math.floor(i / 10) * 0.03 })),
    vehicles: [{ name: 'V1', start: { lat: 59.42, lng: 24.8 } }, { name: 'V2', start: { lat: 59.42, lng: 24.8 } }],
    options: { time_limit_s: timeLimitS },
  };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const pools: SolvePool[] = [];
const apps: TestApp[] = [];
async function appWithOneWorker() {
  const pool = new SolvePool({ size: 1 });
  pools.push(pool);
  const rec = recording(workerPoolSolver(pool));
  const t = await makeApp({}, { solver: rec.solver });
  apps.push(t);
  const b = orgWithToken(t.db, 'Org B');
  const a = orgWithToken(t.db, 'Org A');
  return { t, log: rec.log, apiA: client(t.app, a.token), apiB: client(t.app, b.token), tokenA: a.token, tokenB: b.token };
}

afterAll(async () => {
  for (const t of apps) {
    await t.close();
    removeDir(t.dir);
  }
  for (const pool of pools) await pool.close();
});

describe('fair solve queue (one worker)', () => {
  it("org A's short plan finishes before org B's 2nd..4th long ones", async () => {
    const { t, log, apiA, apiB } = await appWithOneWorker();
    const jobs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await apiB('POST', '/api/v1/routes/plan?async=true', planBody(40, 1));
      expect(res.statusCode).toBe(202);
      jobs.push(res.data.job_id);
    }
    const job = (id: string) => apiB('GET', `/api/v1/jobs/${id}`).then((r) => r.data);
    // B's first solve runs, the other three wait in B's queue.
    await until(() => job(jobs[3]!), (j) => j.queue_position !== null, "B's last job to be queued");
    expect((await job(jobs[0]!)).status).toBe('running');
    expect(await Promise.all(jobs.slice(1).map(async (id) => (await job(id)).queue_position))).toEqual([0, 1, 2]);

    const a = await apiA('POST', '/api/v1/routes/plan', planBody(2, 0.1));
    expect(a.statusCode).toBe(200);
    const statuses = await Promise.all(jobs.map(async (id) => (await job(id)).status));
    expect(statuses[0]).toBe('succeeded');
    expect(statuses.slice(1).every((s) => s === 'queued' || s === 'running')).toBe(true);

    await t.app.jobs.idle();
    expect(await Promise.all(jobs.map(async (id) => (await job(id)).status))).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(log.filter((l) => l.startsWith('done'))).toEqual(['done 40 stops', 'done 2 stops', 'done 40 stops', 'done 40 stops', 'done 40 stops']);
  });

  it('DELETE /jobs/:id cancels queued and running jobs; queue positions move up; 404 across organizations, 409 when finished', async () => {
    const { t, log, apiA, apiB } = await appWithOneWorker();
    const jobs: string[] = [];
    for (let i = 0; i < 4; i++) jobs.push((await apiB('POST', '/api/v1/routes/plan?async=true', planBody(40, 30))).data.job_id);
    const job = (id: string) => apiB('GET', `/api/v1/jobs/${id}`).then((r) => r.data);
    await until(() => job(jobs[3]!), (j) => j.queue_position === 2, "B's last job to be queued");
    const [b1, b2, b3, b4] = jobs as [string, string, string, string];

    // Org A's plan waits behind the running solve only: it goes ahead of B's queue.
    const a = apiA('POST', '/api/v1/routes/plan', planBody(2, 0.1));
    await until(() => job(b2), (j) => j.queue_position === 1, "A's plan to join the queue");
    expect((await job(b4)).queue_position).toBe(3);

    // Another organization's job is not found, neither to read nor to cancel.
    expect((await apiA('GET', `/api/v1/jobs/${b1}`)).statusCode).toBe(404);
    expect((await apiA('DELETE', `/api/v1/jobs/${b1}`)).statusCode).toBe(404);

    // Cancelling the running 30 s solve frees the worker: A's plan answers.
    const cancelled = await apiB('DELETE', `/api/v1/jobs/${b1}`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.data).toMatchObject({ id: b1, status: 'cancelled', queue_position: null });
    expect((await a).statusCode).toBe(200);

    // Then B's next solve runs; the other two moved up.
    await until(() => job(b2), (j) => j.status === 'running', 'b2 to run');
    expect((await job(b3)).queue_position).toBe(0);
    expect((await job(b4)).queue_position).toBe(1);

    // A queued job leaves the queue without ever starting.
    const queued = await apiB('DELETE', `/api/v1/jobs/${b3}`);
    expect(queued.data).toMatchObject({ status: 'cancelled', queue_position: null });
    expect((await job(b4)).queue_position).toBe(0);
    expect((await apiB('DELETE', `/api/v1/jobs/${b2}`)).data.status).toBe('cancelled');
    await until(() => job(b4), (j) => j.status === 'running', 'b4 to run');
    expect((await apiB('DELETE', `/api/v1/jobs/${b4}`)).data.status).toBe('cancelled');

    await t.app.jobs.idle();
    for (const id of jobs) expect((await job(id)).status).toBe('cancelled');
    const again = await apiB('DELETE', `/api/v1/jobs/${b1}`);
    expect(again.statusCode).toBe(409);
    expect(again.data.error.code).toBe('conflict');
    expect(log).toEqual([
      'start 40 stops',
      'stopped 40 stops',
      'start 2 stops',
      'done 2 stops',
      'start 40 stops', // b2
      'stopped 40 stops',
      'start 40 stops', // b4; b3 never started
      'stopped 40 stops',
    ]);
  });

  it('a synchronous plan whose client disconnects is stopped, and one still waiting is dropped', async () => {
    const { t, log, apiA, tokenB } = await appWithOneWorker();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    /** A plan request from org B over a real socket, which the test can cut. */
    const startPlan = (stops: number) => {
      const payload = JSON.stringify(planBody(stops, 30));
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/routes/plan',
        headers: { authorization: `Bearer ${tokenB}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      });
      req.on('error', () => {});
      req.end(payload);
      return req;
    };
    const stats = () => (t.app.solver as SolveQueue).stats();
    const running = startPlan(40);
    await until(async () => stats(), (s) => s.running === 1, "B's solve to run");
    const waiting = startPlan(30);
    await until(async () => stats(), (s) => s.waiting === 1, "B's second plan to wait");
    const a = await apiA('POST', '/api/v1/routes/plan?async=true', planBody(2, 0.1));
    const job = () => apiA('GET', `/api/v1/jobs/${a.data.job_id}`).then((r) => r.data);
    await until(job, (j) => j.queue_position !== null, "A's job to be queued");

    waiting.destroy();
    running.destroy();
    // Without the cancellation A's job would wait for B's 30 s solves; it runs next instead.
    await until(job, (j) => j.status === 'succeeded', "A's job to succeed");
    expect(log).toEqual(['start 40 stops', 'stopped 40 stops', 'start 2 stops', 'done 2 stops']);
    expect(stats()).toEqual({ running: 0, waiting: 0, organizations: [] });
  });

  it('a time limit over the server cap answers 400 before any work (also with ?async=true)', async () => {
    const t = await makeApp({ maxSolveTimeS: 5 });
    apps.push(t);
    const api = client(t.app, orgWithToken(t.db, 'Capped').token);
    for (const url of ['/api/v1/routes/plan', '/api/v1/routes/plan?async=true']) {
      const res = await api('POST', url, planBody(2, 6));
      expect(res.statusCode).toBe(400);
      expect(res.data.error.code).toBe('validation_error');
      expect(res.data.error.details).toEqual([{ field: 'options.time_limit_s', message: 'at most 5', value: 6 }]);
    }
    expect((await api('POST', '/api/v1/routes/auto-optimize', { date: '2026-05-08', options: { time_limit_s: 60 } })).statusCode).toBe(400);
  });
});
