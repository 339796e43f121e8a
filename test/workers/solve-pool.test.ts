import { afterAll, describe, expect, it } from 'vitest';
import { generatePlaneProblem } from '../../bench/gen.js';
import type { Solution, SolveProgress } from '../../src/solver/model.js';
import { solve } from '../../src/solver/solve.js';
import { SolvePool, SolveWorkerError, closeSharedPool, solveInWorker } from '../../src/workers/solve-pool.js';

const small = generatePlaneProblem({ jobs: 25, vehicles: 6, seed: 3, timeWindows: true });
/** Big enough that a long time limit keeps the worker busy until it is cancelled. */
const medium = generatePlaneProblem({ jobs: 120, vehicles: 20, seed: 5, timeWindows: true });

function servedJobs(solution: Solution): string[] {
  return solution.routes.flatMap((r) => r.steps.filter((s) => s.type === 'job').map((s) => s.job!));
}

const pool = new SolvePool({ size: 1, graceMs: 3_000 });
afterAll(async () => {
  await pool.close();
  await closeSharedPool();
});

describe('SolvePool', () => {
  it('solves in a worker exactly as solve() does in this thread (same seed, iteration-bounded)', async () => {
    const options = { seed: 4, maxIterations: 50 };
    const inWorker = await pool.solve(small, options);
    const here = solve(small, options);
    expect(inWorker).toEqual(here);
    const served = servedJobs(inWorker);
    expect(served.length + inWorker.unassigned.length).toBe(25);
    expect(new Set(served).size).toBe(served.length);
  });

  it('queues solves when every worker is busy and finishes them all', async () => {
    const results = await Promise.all([1, 2, 3].map((seed) => pool.solve(small, { seed, maxIterations: 20 })));
    expect(results).toHaveLength(3);
    for (const r of results) expect(servedJobs(r).length + r.unassigned.length).toBe(25);
    expect(pool.pending).toBe(0);
  });

  it('forwards progress reports from the worker', async () => {
    const progress: SolveProgress[] = [];
    const solution = await pool.solve(medium, { seed: 1, maxIterations: 300, onProgress: (p) => progress.push(p) });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]!.iteration).toBeGreaterThanOrEqual(0);
    expect(servedJobs(solution).length + solution.unassigned.length).toBe(120);
  });

  it('cancels a running solve through its AbortSignal, then keeps serving', async () => {
    const controller = new AbortController();
    // Abort at the first progress report, or after a moment if the solver reports none.
    const timer = setTimeout(() => controller.abort(), 1_000);
    const running = pool.solve(medium, { seed: 1, timeLimitS: 60, signal: controller.signal, onProgress: () => controller.abort() });
    const error = await running.then(
      () => undefined,
      (e: unknown) => e,
    );
    clearTimeout(timer);
    expect(error).toBeInstanceOf(SolveWorkerError);
    expect((error as SolveWorkerError).code).toBe('aborted');
    // The worker stops cooperatively (or is replaced) and the pool goes on.
    const next = await pool.solve(small, { seed: 2, maxIterations: 10 });
    expect(servedJobs(next).length + next.unassigned.length).toBe(25);
  });

  it('rejects at once when the signal is already aborted, and removes a queued solve on abort', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(pool.solve(small, { signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });

    const first = pool.solve(small, { seed: 1, maxIterations: 30 });
    const queuedController = new AbortController();
    const queued = pool.solve(small, { seed: 1, signal: queuedController.signal });
    queuedController.abort();
    await expect(queued).rejects.toMatchObject({ code: 'aborted' });
    await expect(first).resolves.toMatchObject({ summary: expect.objectContaining({ unassigned: expect.any(Number) }) });
  });

  it('reports a solver exception as solver_failed', async () => {
    const broken = { ...small, jobs: [{ id: 'x', location: { index: 999 } }] };
    await expect(pool.solve(broken, { maxIterations: 1 })).rejects.toMatchObject({ code: 'solver_failed' });
  });

  it('solveInWorker uses a shared pool', async () => {
    const solution = await solveInWorker(small, { seed: 9, maxIterations: 10 });
    expect(servedJobs(solution).length + solution.unassigned.length).toBe(25);
  });
});

describe('SolvePool with a worker that ignores its stop flag', () => {
  const stubborn = new URL('./fixtures/stubborn-worker.ts', import.meta.url);

  it('terminates the worker after the grace period and replaces it for the next solve', async () => {
    const stubbornPool = new SolvePool({ size: 1, graceMs: 200, workerScript: stubborn });
    try {
      const controller = new AbortController();
      const first = stubbornPool.solve(small, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expect(first).rejects.toMatchObject({ code: 'aborted' });
      // The same single slot is busy until the grace period ends; the queued solve then gets a fresh worker, which
      // also never answers, so its own watchdog (time limit + grace, then grace again) ends it as a timeout.
      const second = stubbornPool.solve(small, { timeLimitS: 0.1 });
      await expect(second).rejects.toMatchObject({ code: 'timeout' });
      expect(stubbornPool.pending).toBe(0);
    } finally {
      await stubbornPool.close();
    }
  });

  it('rejects running and queued solves when the pool closes', async () => {
    const stubbornPool = new SolvePool({ size: 1, workerScript: stubborn });
    const running = expect(stubbornPool.solve(small)).rejects.toMatchObject({ code: 'pool_closed' });
    const queued = expect(stubbornPool.solve(small)).rejects.toMatchObject({ code: 'pool_closed' });
    await stubbornPool.close();
    await running;
    await queued;
    await expect(stubbornPool.solve(small)).rejects.toMatchObject({ code: 'pool_closed' });
  });
});
