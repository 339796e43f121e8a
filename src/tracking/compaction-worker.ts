/**
 * Worker thread that copies the ping journal into the per-driver track on its own connection, so the main
 * thread (sockets, acks, live state) spends nothing on it: at 20,000 pings/s the copy was ~17 % of the main
 * thread's busy time, in slices of 4-10 ms. It writes only the track file, whose write lock nobody else takes
 * in normal running, so it never holds up an ingest commit; it reads the journal as a WAL reader. After each
 * round it tells the parent `{ copied: lastId, longestStepMs }`; the parent deletes those rows from the journal.
 * Its own commits checkpoint the track file's WAL (automatic checkpoints on this connection).
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { attachTrack } from '../store/track-file.js';
import { CopyRound } from './journal-compaction.js';

export interface CompactionWorkerData {
  file: string;
  everyMs: number;
  slices: number;
  /** Pause after each copy step, so the worker does not hold a core for a whole round. */
  pauseMs: number;
  cacheMb: number;
}

const data = workerData as CompactionWorkerData;

/**
 * Runs this thread at the lowest CPU priority (Linux: a thread has its own nice value, set through its id):
 * the copying can wait, and nothing waits for it, so on a busy machine it should take only idle CPU rather than
 * time slices from the event loop (or, in the load benchmark, from the load generator beside it).
 */
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 19);
  } catch {
    // Not Linux, or no /proc: the thread keeps the process's priority.
  }
}
lowerPriority();
const db = new Database(data.file);
db.pragma('busy_timeout = 5000');
attachTrack(db, data.file);
// Each copy step writes the newest track pages of ~150 drivers; a small cache would re-read them every round.
if (data.cacheMb > 0) db.pragma(`track.cache_size = -${Math.round(data.cacheMb * 1024)}`);

let stopping = false;
let wake: () => void = () => {};
const stopped = new Promise<void>((resolve) => {
  wake = resolve;
});

async function run(): Promise<void> {
  // Rows through this id are copied (the parent may not have deleted them yet): later rounds start after it.
  let copied = 0;
  while (!stopping) {
    const startedMs = performance.now();
    const round = CopyRound.plan(db, data.slices, copied);
    let longestStepMs = 0;
    while (round !== null && !round.done && !stopping) {
      const stepStartedMs = performance.now();
      round.step(db);
      longestStepMs = Math.max(longestStepMs, performance.now() - stepStartedMs);
      await Promise.race([sleep(data.pauseMs), stopped]);
    }
    if (round !== null && round.done) {
      copied = round.last;
      parentPort!.postMessage({ copied, longestStepMs });
    }
    await Promise.race([sleep(Math.max(0, data.everyMs - (performance.now() - startedMs))), stopped]);
  }
}

parentPort!.on('message', (msg: { stop?: boolean }) => {
  if (msg.stop !== true) return;
  stopping = true;
  wake();
});

run()
  .catch((err: unknown) => {
    parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
  })
  .finally(() => {
    db.close();
    parentPort!.postMessage({ stopped: true });
  });
