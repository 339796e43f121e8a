import type { BalanceOption, Minimize, Problem, Solution } from '../solver/model.js';
import { solve } from '../solver/solve.js';
import { solveInWorker } from '../workers/solve-pool.js';

/** What the API asks of a solve: a time budget, and the planner's preferences. */
export interface PlanSolveOptions {
  timeLimitS: number;
  seed?: number;
  minimize?: Minimize;
  objective?: 'distance' | 'duration' | 'cost';
  balance?: BalanceOption;
  signal?: AbortSignal;
  /** 0..1 share of the budget used. */
  onProgress?: (fraction: number) => void;
}

/** The API's view of the solver: async, so solving never blocks the event loop (it runs in worker threads). */
export interface SolverPort {
  solve(problem: Problem, options: PlanSolveOptions): Promise<Solution>;
}

/** The shared worker-thread pool (src/workers/solve-pool.ts). */
export function workerPoolSolver(): SolverPort {
  return {
    solve(problem, options) {
      return solveInWorker(problem, {
        timeLimitS: options.timeLimitS,
        seed: options.seed ?? 1,
        ...(options.minimize && { minimize: options.minimize }),
        ...(options.objective && { objective: options.objective }),
        ...(options.balance && { balance: options.balance }),
        ...(options.signal && { signal: options.signal }),
        ...(options.onProgress && { onProgress: (p) => options.onProgress!(p.fraction) }),
      });
    },
  };
}

/**
 * Solves on the calling thread (blocks the event loop for the whole budget). For tests and tools that run one
 * solve at a time; the server uses the worker pool.
 */
export function inProcessSolver(): SolverPort {
  return {
    async solve(problem, options) {
      return solve(problem, {
        timeLimitS: options.timeLimitS,
        clock: () => performance.now(),
        seed: options.seed ?? 1,
        ...(options.minimize && { minimize: options.minimize }),
        ...(options.objective && { objective: options.objective }),
        ...(options.balance && { balance: options.balance }),
        ...(options.signal && { shouldStop: () => options.signal!.aborted }),
        ...(options.onProgress && { onProgress: (p) => options.onProgress!(p.fraction) }),
      });
    },
  };
}
