import type { BalanceOption, Minimize, Problem, Solution } from '../../solver/model.js';

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

interface SolvePoolModule {
  solveInWorker(
    problem: Problem,
    options: {
      timeLimitS: number;
      seed?: number;
      minimize?: Minimize;
      objective?: 'distance' | 'duration' | 'cost';
      balance?: BalanceOption;
      signal?: AbortSignal;
      onProgress?: (p: { fraction: number }) => void;
    },
  ): Promise<Solution>;
}

/** The worker pool (src/workers/solve-pool.ts), loaded on first use so the API starts without spawning workers. */
export function workerPoolSolver(): SolverPort {
  let pool: Promise<SolvePoolModule> | undefined;
  return {
    async solve(problem, options) {
      const specifier = '../../workers/solve-pool.js';
      pool ??= import(specifier) as Promise<SolvePoolModule>;
      const mod = await pool;
      return mod.solveInWorker(problem, {
        timeLimitS: options.timeLimitS,
        seed: options.seed ?? 1,
        minimize: options.minimize,
        objective: options.objective,
        balance: options.balance,
        signal: options.signal,
        onProgress: options.onProgress ? (p) => options.onProgress!(p.fraction) : undefined,
      });
    },
  };
}
