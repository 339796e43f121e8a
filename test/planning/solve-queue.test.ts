import { describe, expect, it } from 'vitest';
import type { Problem, Solution } from '../../src/solver/model.js';
import type { PlanSolveOptions, SolverPort } from '../../src/planning/solver-port.js';
import { SolveQueue } from '../../src/planning/solve-queue.js';

const problem: Problem = { jobs: [], vehicles: [] } as unknown as Problem;
const solution = { routes: [], unassigned: [], summary: {} } as unknown as Solution;

/** A solver whose solves end only when the test says so; it records what started and what ended how. */
function gatedSolver(concurrency: number) {
  const log: string[] = [];
  const open = new Map<string, { finish: () => void; options: PlanSolveOptions }>();
  const solver: SolverPort = {
    concurrency,
    solve(_problem, options) {
      const name = options.jobId!;
      log.push(`start ${name}`);
      return new Promise<Solution>((resolve, reject) => {
        open.set(name, { options, finish: () => { open.delete(name); log.push(`done ${name}`); resolve(solution); } });
        options.signal?.addEventListener('abort', () => { open.delete(name); log.push(`stopped ${name}`); reject(new Error('aborted')); });
      });
    },
  };
  return { solver, log, open, finish: (name: string) => open.get(name)!.finish() };
}

const flush = () => new Promise((r) => setImmediate(r));

function submit(queue: SolveQueue, org: string, name: string, extra: Partial<PlanSolveOptions> = {}) {
  const result = queue.solve(problem, { organizationId: org, jobId: name, timeLimitS: 1, ...extra });
  const outcome = result.then(() => 'ok', (e: unknown) => (e as { code?: string }).code ?? 'error');
  return { result, outcome };
}

describe('SolveQueue', () => {
  it('serves a newcomer before the busy organization’s 2nd..4th solves (one slot)', async () => {
    const g = gatedSolver(1);
    const queue = new SolveQueue(g.solver, { solvesPerOrg: 1, maxSolveTimeS: 60 });
    const b = ['b1', 'b2', 'b3', 'b4'].map((n) => submit(queue, 'org_b', n));
    const a = submit(queue, 'org_a', 'a1');
    expect(queue.positionOf('a1')).toBe(0);
    expect(queue.positionOf('b2')).toBe(1);
    expect(queue.positionOf('b1')).toBeNull(); // running
    for (const name of ['b1', 'a1', 'b2', 'b3', 'b4']) {
      await flush();
      g.finish(name);
    }
    await Promise.all([...b, a].map((s) => s.result));
    expect(g.log.filter((l) => l.startsWith('done'))).toEqual(['done b1', 'done a1', 'done b2', 'done b3', 'done b4']);
  });

  it('alternates organizations round-robin and reports queue positions that decrease', async () => {
    const g = gatedSolver(1);
    const queue = new SolveQueue(g.solver, { solvesPerOrg: 1, maxSolveTimeS: 60 });
    const all = [submit(queue, 'b', 'b1'), submit(queue, 'b', 'b2'), submit(queue, 'b', 'b3'), submit(queue, 'a', 'a1'), submit(queue, 'a', 'a2'), submit(queue, 'c', 'c1')];
    const positions: (number | null)[] = [queue.positionOf('b3')];
    const order = ['b1', 'a1', 'c1', 'b2', 'a2', 'b3'];
    for (const name of order) {
      g.finish(name);
      await flush();
      positions.push(queue.positionOf('b3'));
    }
    await Promise.all(all.map((s) => s.result));
    expect(g.log.filter((l) => l.startsWith('start'))).toEqual(order.map((n) => `start ${n}`));
    expect(positions).toEqual([4, 3, 2, 1, 0, null, null]);
  });

  it('with two slots and one active organization uses both; a newcomer takes the next free slot', async () => {
    const g = gatedSolver(2);
    const queue = new SolveQueue(g.solver, { solvesPerOrg: 1, maxSolveTimeS: 60 });
    const all = [submit(queue, 'b', 'b1'), submit(queue, 'b', 'b2'), submit(queue, 'b', 'b3'), submit(queue, 'a', 'a1')];
    expect(queue.stats().running).toBe(2);
    g.finish('b1');
    await flush();
    expect(g.log).toEqual(['start b1', 'start b2', 'done b1', 'start a1']);
    g.finish('b2');
    g.finish('a1');
    await flush();
    g.finish('b3');
    await Promise.all(all.map((s) => s.result));
  });

  it('caps the time limit', async () => {
    const g = gatedSolver(1);
    const queue = new SolveQueue(g.solver, { solvesPerOrg: 1, maxSolveTimeS: 5 });
    const s = submit(queue, 'a', 'a1', { timeLimitS: 300 });
    expect(g.open.get('a1')!.options.timeLimitS).toBe(5);
    g.finish('a1');
    await s.result;
  });

  it('drops a waiting solve whose signal aborts, and stops a running one; the next solve starts at once', async () => {
    const g = gatedSolver(1);
    const queue = new SolveQueue(g.solver, { solvesPerOrg: 1, maxSolveTimeS: 60 });
    const running = new AbortController();
    const waiting = new AbortController();
    const b1 = submit(queue, 'b', 'b1', { signal: running.signal });
    const b2 = submit(queue, 'b', 'b2', { signal: waiting.signal });
    const a1 = submit(queue, 'a', 'a1');
    waiting.abort();
    expect(await b2.outcome).toBe('unavailable');
    running.abort();
    expect(await b1.outcome).toBe('unavailable');
    await flush();
    expect(g.log).toEqual(['start b1', 'stopped b1', 'start a1']);
    g.finish('a1');
    expect(await a1.outcome).toBe('ok');
    expect(queue.stats()).toEqual({ running: 0, waiting: 0, organizations: [] });
  });

  it('close rejects waiting solves', async () => {
    const g = gatedSolver(1);
    const queue = new SolveQueue(g.solver, { solvesPerOrg: 1, maxSolveTimeS: 60 });
    const first = submit(queue, 'a', 'a1');
    const second = submit(queue, 'a', 'a2');
    queue.close();
    expect(await second.outcome).toBe('unavailable');
    g.finish('a1');
    expect(await first.outcome).toBe('ok');
    expect(await submit(queue, 'a', 'a3').outcome).toBe('unavailable');
  });
});
