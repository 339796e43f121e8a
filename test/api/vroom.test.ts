/** `POST /api/v1/vroom`: VROOM's problem in, VROOM's solution out, on the fair solver queue, storing nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessSolver, type PlanSolveOptions, type SolverPort } from '../../src/planning/solver-port.js';
import { checkClientArithmetic, clientSolution } from '../formats/vroom/client-schema.js';
import { client, makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

const durations = [[0, 60, 120], [60, 0, 60], [120, 60, 0]];
const problem = {
  vehicles: [{ id: 1, start_index: 0, end_index: 0, capacity: [5], description: 'van' }],
  jobs: [
    { id: 10, location_index: 1, delivery: [2], service: 30 },
    { id: 20, location_index: 2, delivery: [2], service: 30, time_windows: [[0, 200]] },
  ],
  matrices: { car: { durations } },
};

describe('POST /api/v1/vroom', () => {
  let t: TestApp;
  let call: ReturnType<typeof client>;
  let orgId: string;
  const seen: PlanSolveOptions[] = [];

  beforeAll(async () => {
    const inner = inProcessSolver();
    const recording: SolverPort = {
      concurrency: 1,
      solve(p, options) {
        seen.push(options);
        return inner.solve(p, options);
      },
    };
    t = await makeApp({ maxSolveTimeS: 1 }, { solver: recording });
    const org = orgWithToken(t.db, 'vroom users');
    orgId = org.orgId;
    call = client(t.app, org.token);
  });
  afterAll(async () => {
    await t.close();
    removeDir(t.dir);
  });

  it('answers VROOM’s solution JSON, solved in the queue with the caller’s organization and a capped budget', async () => {
    const before = (t.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    const res = await call('POST', '/api/v1/vroom?time_limit_s=30', problem);
    expect(res.statusCode, res.body).toBe(200);
    const answer = clientSolution.parse(res.data);
    checkClientArithmetic(answer, (a, b) => durations[a]![b]!);
    expect(answer.summary).toMatchObject({ routes: 1, unassigned: 0, delivery: [4], pickup: [0] });
    expect(answer.routes[0]!.description).toBe('van');
    expect(res.data.matrix_source).toBe('matrices');
    expect(seen.at(-1)).toMatchObject({ organizationId: orgId, objective: 'cost' });
    expect(seen.at(-1)!.timeLimitS).toBeLessThanOrEqual(1);
    // Stateless: nothing stored, no event.
    expect((t.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(before);
  });

  it('times the vehicles’ steps with ?plan=true and reports violations without solving', async () => {
    const solves = seen.length;
    const planned = {
      ...problem,
      jobs: [problem.jobs[0], { ...problem.jobs[1], time_windows: [[0, 100]] }],
      vehicles: [{ ...problem.vehicles[0], capacity: [3], steps: [{ type: 'start' }, { type: 'job', id: 10 }, { type: 'job', id: 20 }, { type: 'end' }] }],
    };
    const res = await call('POST', '/api/v1/vroom?plan=true', planned);
    expect(res.statusCode, res.body).toBe(200);
    const answer = clientSolution.parse(res.data);
    expect(seen.length).toBe(solves);
    // Job 20 is reached at 60 + 30 + 60 = 150, its window closed at 100; 4 units on a vehicle of 3.
    expect(answer.routes[0]!.steps[2]!.violations).toEqual([{ cause: 'delay', duration: 50 }]);
    expect(answer.summary.violations.map((v) => v.cause).sort()).toEqual(['delay', 'load']);
  });

  it('refuses a documented key Milkrun does not support yet in its envelope, naming the key with VROOM’s code', async () => {
    const res = await call('POST', '/api/v1/vroom', { ...problem, vehicles: [{ ...problem.vehicles[0], breaks: [{ id: 1, service: 300 }] }] });
    expect(res.statusCode).toBe(400);
    expect(res.data.error.code).toBe('validation_error');
    expect(res.data.error.message).toMatch(/^vehicles\[0\]\.breaks: /);
    expect(res.data.error.details).toEqual([{ field: 'vehicles[0].breaks', message: 'breaks are not supported yet', vroom_code: 2 }]);
  });

  it('solves shipments and job pickups, and refuses shipments in plan mode naming the key', async () => {
    const withShipments = {
      ...problem,
      jobs: [{ id: 10, location_index: 1, pickup: [1] }],
      shipments: [{ pickup: { id: 10, location_index: 2 }, delivery: { id: 11, location_index: 1 }, amount: [3] }],
    };
    const res = await call('POST', '/api/v1/vroom?time_limit_s=1', withShipments);
    expect(res.statusCode, res.body).toBe(200);
    const answer = clientSolution.parse(res.data);
    checkClientArithmetic(answer, (a, b) => durations[a]![b]!);
    expect(answer.summary).toMatchObject({ routes: 1, unassigned: 0, delivery: [3], pickup: [4] });
    const types = answer.routes[0]!.steps.map((s) => `${s.type} ${s.id ?? ''}`.trim());
    expect(types.indexOf('pickup 10')).toBeLessThan(types.indexOf('delivery 11'));
    expect(answer.routes[0]!.steps.at(-1)!.load).toEqual([1]);
    const planned = await call('POST', '/api/v1/vroom?plan=true', withShipments);
    expect(planned.statusCode).toBe(400);
    expect(planned.data.error.details[0]).toMatchObject({ field: 'shipments', vroom_code: 2 });
  });

  it('answers an unknown key as unknown_field', async () => {
    const res = await call('POST', '/api/v1/vroom', { ...problem, jobs: [{ ...problem.jobs[0], colour: 'red' }] });
    expect(res.statusCode).toBe(400);
    expect(res.data.error.code).toBe('unknown_field');
    expect(res.data.error.details[0]).toMatchObject({ field: 'jobs[0].colour', vroom_code: 2 });
  });

  it('refuses bad values and unknown query parameters', async () => {
    const bad = await call('POST', '/api/v1/vroom', { ...problem, jobs: [{ ...problem.jobs[0], priority: 200 }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.error.details[0]).toMatchObject({ field: 'jobs[0].priority', vroom_code: 2 });
    const query = await call('POST', '/api/v1/vroom?plna=true', problem);
    expect(query.statusCode).toBe(400);
    expect(query.data.error.code).toBe('unknown_field');
    const empty = await call('POST', '/api/v1/vroom');
    expect(empty.statusCode).toBe(400);
    expect(empty.data.error.details[0]).toMatchObject({ field: 'vehicles', vroom_code: 2 });
  });

  it('is documented with VROOM’s input and output schemas', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const op = doc.paths['/api/v1/vroom'].post;
    expect(op.requestBody.content['application/json'].schema.properties.vehicles).toBeDefined();
    expect(op.responses['200'].content['application/json'].schema.properties.summary).toBeDefined();
  });
});
