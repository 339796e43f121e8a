import type { BalanceOption, Minimize, Problem, Solution } from '../solver/model.js';
import { solve } from '../solver/solve.js';
import { solveInWorker, type SolvePool } from '../workers/solve-pool.js';

/** How a caller follows and stops one solve; all absent for a request answered directly. */
export interface SolveControl {
  /** Aborting it drops the solve from the queue, or stops it cooperatively when it runs. */
  signal?: AbortSignal;
  /** 0..1 share of the budget used. */
  onProgress?: (fraction: number) => void;
  /** Called once, when the solve leaves the queue and starts on a worker. */
  onStart?: () => void;
  /** The async job this solve belongs to: the queue reports its position under this key. */
  jobId?: string;
}

/** What the API asks of a solve: whose it is, a time budget, and the planner's preferences. */
export interface PlanSolveOptions extends SolveControl {
  /** The organization the solve is for: the queue shares the workers fairly between organizations. */
  organizationId: string;
  timeLimitS: number;
  seed?: number;
  minimize?: Minimize;
  objective?: 'distance' | 'duration' | 'cost';
  balance?: BalanceOption;
}

/** The API's view of the solver: async, so solving never blocks the event loop (it runs in worker threads). */
export interface SolverPort {
  solve(problem: Problem, options: PlanSolveOptions): Promise<Solution>;
  /** Solves it runs at once (the worker threads); the fair queue hands it no more than this. Default 1. */
  readonly concurrency?: number;
}

/** A worker-thread pool: the given one (its size is the concurrency), or the process-wide one. */
export function workerPoolSolver(pool?: SolvePool): SolverPort {
  return {
    ...(pool && { concurrency: pool.size }),
    solve(problem, options) {
      const poolOptions = {
        timeLimitS: options.timeLimitS,
        seed: options.seed ?? 1,
        ...(options.minimize && { minimize: options.minimize }),
        ...(options.objective && { objective: options.objective }),
        ...(options.balance && { balance: options.balance }),
        ...(options.signal && { signal: options.signal }),
        ...(options.onProgress && { onProgress: (p: { fraction: number }) => options.onProgress!(p.fraction) }),
      };
      return pool ? pool.solve(problem, poolOptions) : solveInWorker(problem, poolOptions);
    },
  };
}

/**
 * Solves on the calling thread (blocks the event loop for the whole budget). For tests and tools that run one
 * solve at a time; the server uses the worker pool.
 */
export function inProcessSolver(): SolverPort {
  return {
    concurrency: 1,
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
