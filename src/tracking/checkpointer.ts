/**
 * Moves WAL checkpoints of a file database off the event loop: the connection's automatic checkpoints are
 * switched off and a worker thread checkpoints every `everyMs` instead, making the log start over whenever it
 * has grown past `restartAfterFrames` (see checkpoint-worker.ts). Returns the stop function (which restores
 * automatic checkpoints). For an in-memory database it does nothing.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Db } from '../store/db.js';
import { workerEntry } from '../workers/worker-entry.js';
import type { WriteGate } from './write-gate.js';

/** WAL length (frames of one page) past which the worker makes the log start over (128 MB with 4 KB pages). */
export const RESTART_AFTER_FRAMES = 32768;
/** When the log starts over, the file is cut back to this size, so a burst does not keep its disk space. */
const WAL_SIZE_LIMIT_BYTES = 128 * 1024 * 1024;

export function startCheckpointer(
  db: Db,
  everyMs: number,
  gate: WriteGate,
  restartAfterFrames = RESTART_AFTER_FRAMES,
): () => Promise<void> {
  if (db.memory || everyMs <= 0) return async () => {};
  const { url, entry } = workerEntry(import.meta.url, 'checkpoint-worker');
  const worker = new Worker(url, { workerData: { file: db.name, everyMs, restartAfterFrames, gate: gate.buffer, entry } });
  worker.unref();
  worker.on('error', () => {
    // Without the worker, the connection checkpoints itself again.
    db.pragma('wal_autocheckpoint = 1000');
  });
  db.pragma('wal_autocheckpoint = 0');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  return async () => {
    db.pragma('wal_autocheckpoint = 1000');
    worker.postMessage({ stop: true });
    await Promise.race([once(worker, 'message'), new Promise((r) => setTimeout(r, 2000))]);
    await worker.terminate();
  };
}
