/**
 * A small pool of solve workers so a server can solve without blocking its event loop. Tasks queue when every
 * worker is busy. Cancellation is cooperative (a shared flag the solver polls), backed by terminating a worker that
 * does not stop within a grace period; a watchdog does the same for a solve that overruns its time limit.
 *
 * Works from the .ts sources (tsx, vitest: see tsx-worker-bootstrap.mjs) and from compiled dist.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Problem, Solution, SolveProgress } from '../solver/model.js';
import { workerReplyEnvelope, type SolveRequest, type WorkerReply, type WorkerSolveOptions } from './messages.js';

export type SolveWorkerErrorCode = 'aborted' | 'timeout' | 'solver_failed' | 'worker_failed' | 'pool_closed';

export class SolveWorkerError extends Error {
  constructor(
    readonly code: SolveWorkerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SolveWorkerError';
  }
}

export interface PoolSolveOptions extends WorkerSolveOptions {
  signal?: AbortSignal;
  /** Called on this thread, at most about ten times a second. */
  onProgress?: (progress: SolveProgress) => void;
}

export interface SolvePoolOptions {
  /** Worker threads at most; default max(1, availableParallelism() - 1). */
  size?: number;
  /**
   * How long a worker may keep running after it was asked to stop (abort, or its time limit passed) before it is
   * terminated. Default: 5 s, or the time limit when that is longer.
   */
  graceMs?: number;
  /**
   * The worker script (default: solve-worker next to this file). Tests pass a stand-in; a `.ts` script is loaded
   * through the tsx bootstrap.
   */
  workerScript?: URL;
}

interface Task {
  id: number;
  problem: Problem;
  options: WorkerSolveOptions;
  stopFlag: SharedArrayBuffer;
  onProgress: ((progress: SolveProgress) => void) | undefined;
  resolve: (solution: Solution) => void;
  reject: (error: SolveWorkerError) => void;
  /** True once the caller's promise is resolved or rejected; later replies are ignored. */
  settled: boolean;
  detachSignal: () => void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  timers: NodeJS.Timeout[];
}

/** How to start `script`: a `.ts` file goes through a small bootstrap that registers tsx in the worker first. */
function workerEntry(script: URL): { url: URL; workerData: { entry: string } | undefined } {
  if (!script.pathname.endsWith('.ts')) return { url: script, workerData: undefined };
  return { url: new URL('./tsx-worker-bootstrap.mjs', import.meta.url), workerData: { entry: script.href } };
}

/** solve-worker.ts when running from sources (tsx, vitest), solve-worker.js from compiled dist. */
const defaultWorkerScript = (): URL =>
  new URL(import.meta.url.endsWith('.ts') ? './solve-worker.ts' : './solve-worker.js', import.meta.url);

export class SolvePool {
  readonly size: number;
  private readonly graceMs: number | undefined;
  private readonly workerScript: URL;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: SolvePoolOptions = {}) {
    this.size = Math.max(1, options.size ?? availableParallelism() - 1);
    this.graceMs = options.graceMs;
    this.workerScript = options.workerScript ?? defaultWorkerScript();
  }

  /** Number of solves running or waiting. */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.task).length;
  }

  solve(problem: Problem, options: PoolSolveOptions = {}): Promise<Solution> {
    const { signal, onProgress, ...solveOptions } = options;
    if (this.closed) return Promise.reject(new SolveWorkerError('pool_closed', 'the solve pool is closed'));
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    return new Promise<Solution>((resolve, reject) => {
      const task: Task = {
        id: this.nextId++,
        problem,
        options: solveOptions,
        stopFlag: new SharedArrayBuffer(4),
        onProgress,
        resolve,
        reject,
        settled: false,
        detachSignal: () => {},
      };
      if (signal) {
        const onAbort = (): void => this.abort(task, signal);
        signal.addEventListener('abort', onAbort, { once: true });
        task.detachSignal = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Terminates every worker and rejects whatever is queued or running. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) this.settle(task, new SolveWorkerError('pool_closed', 'the solve pool is closed'));
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      this.clearTimers(slot);
      if (slot.task) this.settle(slot.task, new SolveWorkerError('pool_closed', 'the solve pool is closed'));
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.task) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      const request: SolveRequest = { type: 'solve', id: task.id, problem: task.problem, options: task.options, stopFlag: task.stopFlag };
      slot.worker.postMessage(request);
      this.armWatchdog(slot, task);
    }
  }

  private spawn(): Slot {
    const { url, workerData } = workerEntry(this.workerScript);
    const worker = new Worker(url, workerData ? { workerData } : {});
    const slot: Slot = { worker, task: undefined, timers: [] };
    worker.on('message', (raw: unknown) => this.onReply(slot, raw));
    worker.on('error', (err) => this.retire(slot, new SolveWorkerError('worker_failed', `solve worker crashed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => this.retire(slot, new SolveWorkerError('worker_failed', `solve worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private onReply(slot: Slot, raw: unknown): void {
    if (!workerReplyEnvelope.safeParse(raw).success) return;
    const reply = raw as WorkerReply;
    const task = slot.task;
    if (!task || task.id !== reply.id) return;
    if (reply.type === 'progress') {
      if (!task.settled) task.onProgress?.(reply.progress);
      return;
    }
    this.clearTimers(slot);
    slot.task = undefined;
    slot.worker.unref(); // an idle pool must not keep the process alive
    if (reply.type === 'done') this.settle(task, reply.solution);
    else this.settle(task, new SolveWorkerError('solver_failed', reply.message));
    this.dispatch();
  }

  private abort(task: Task, signal: AbortSignal): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) this.queue.splice(queued, 1);
    const slot = this.slots.find((s) => s.task === task);
    if (slot) this.requestStop(slot, task);
    this.settle(task, abortedError(signal));
  }

  /** Raise the task's stop flag; terminate its worker if it is still busy with the task after the grace period. */
  private requestStop(slot: Slot, task: Task): void {
    Atomics.store(new Int32Array(task.stopFlag), 0, 1);
    const grace = this.graceMs ?? Math.max(5_000, (task.options.timeLimitS ?? 0) * 1000);
    slot.timers.push(
      setTimeout(() => {
        if (slot.task !== task) return;
        const error = new SolveWorkerError('timeout', `solve did not stop within ${grace} ms of being asked to; its worker was terminated`);
        this.retire(slot, error);
        void slot.worker.terminate();
      }, grace),
    );
  }

  /** Past its time limit plus a grace period, a solve is asked to stop (and terminated if it still runs on). */
  private armWatchdog(slot: Slot, task: Task): void {
    const limitS = task.options.timeLimitS;
    if (limitS === undefined) return;
    const grace = this.graceMs ?? Math.max(5_000, limitS * 1000);
    slot.timers.push(setTimeout(() => slot.task === task && this.requestStop(slot, task), limitS * 1000 + grace));
  }

  /** Removes a dead or terminated worker; its task (if any and unsettled) fails with `error`. */
  private retire(slot: Slot, error: SolveWorkerError): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    this.clearTimers(slot);
    const task = slot.task;
    slot.task = undefined;
    if (task) this.settle(task, error);
    if (!this.closed) this.dispatch();
  }

  private settle(task: Task, outcome: Solution | SolveWorkerError): void {
    if (task.settled) return;
    task.settled = true;
    task.detachSignal();
    if (outcome instanceof SolveWorkerError) task.reject(outcome);
    else task.resolve(outcome);
  }

  private clearTimers(slot: Slot): void {
    for (const timer of slot.timers.splice(0)) clearTimeout(timer);
  }
}

function abortedError(signal: AbortSignal): SolveWorkerError {
  return new SolveWorkerError('aborted', 'the solve was cancelled', { cause: signal.reason });
}

let sharedPool: SolvePool | undefined;

/** Solves on the process-wide pool (created on first use). */
export function solveInWorker(problem: Problem, options: PoolSolveOptions = {}): Promise<Solution> {
  sharedPool ??= new SolvePool();
  return sharedPool.solve(problem, options);
}

/** Shuts the process-wide pool down (tests, graceful server shutdown). */
export async function closeSharedPool(): Promise<void> {
  const pool = sharedPool;
  sharedPool = undefined;
  await pool?.close();
}
