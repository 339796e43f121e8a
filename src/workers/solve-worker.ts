/**
 * worker_threads entry: runs the pure solver off the server's event loop. The clock is this thread's
 * performance.now; cancellation is cooperative through a shared flag the solver polls via `shouldStop`.
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import type { SolveProgress } from '../solver/model.js';
import { solve } from '../solver/solve.js';
import type { SolveRequest, WorkerReply } from './messages.js';

/** Progress is forwarded at most this often; the solver may report far more frequently. */
const PROGRESS_INTERVAL_MS = 100;

const port = parentPort;
if (!port) throw new Error('solve-worker.ts must run inside a worker thread');

port.on('message', (request: SolveRequest) => {
  const stop = new Int32Array(request.stopFlag);
  let lastProgressAt = -Infinity;
  const reply = (message: WorkerReply): void => port.postMessage(message);
  try {
    const solution = solve(request.problem, {
      ...request.options,
      clock: () => performance.now(),
      shouldStop: () => Atomics.load(stop, 0) === 1,
      onProgress: (progress: SolveProgress) => {
        const now = performance.now();
        if (now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
        lastProgressAt = now;
        reply({ type: 'progress', id: request.id, progress });
      },
    });
    reply({ type: 'done', id: request.id, solution });
  } catch (err) {
    reply({ type: 'failed', id: request.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
