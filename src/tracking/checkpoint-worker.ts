/**
 * Worker thread running SQLite WAL checkpoints on its own connection, so that no ingest commit on the main
 * thread pays for copying the WAL into the database file and its fsync.
 *
 * PASSIVE checkpoints never block writers, but under steady ingest they never let the WAL start over either: the
 * writer restarts the log only when a checkpoint has copied every frame, and by the time a PASSIVE pass ends new
 * frames have landed. Measured at 20,000 pings/s the WAL grew ~15 MB/s (640 MB in 45 s), and every page lookup
 * walks the WAL index's hash tables, so the longer the run the slower each compaction slice. So once the log is
 * past `restartAfterFrames` and a PASSIVE pass has copied most of it, a RESTART pass copies the few frames left
 * (it holds writers off only for that, and holds the tracking write gate meanwhile, so the main thread defers
 * its commits instead of sleeping in SQLite's busy handler) and makes the next commit write the log from its
 * start.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { WriteGate } from './write-gate.js';

const { file, everyMs, restartAfterFrames, gate: gateBuffer } = workerData as {
  file: string;
  everyMs: number;
  restartAfterFrames: number;
  gate: SharedArrayBuffer;
};
const gate = new WriteGate(gateBuffer);
const db = new Database(file);
const BUSY_MS = 5000;
/** A RESTART pass gives up (and is tried again next time) rather than wait longer than this for the writer. */
const RESTART_BUSY_MS = 50;
db.pragma(`busy_timeout = ${BUSY_MS}`);

interface CheckpointResult {
  busy: number;
  /** Frames in the WAL. */
  log: number;
  /** Frames copied into the database file. */
  checkpointed: number;
}

/** The blocking RESTART pass runs only once a PASSIVE pass has let fewer new frames in than this meanwhile. */
const RESTART_DELTA_FRAMES = 128;
const MAX_CATCH_UP_PASSES = 8;
/** Past this many times `restartAfterFrames`, the RESTART pass runs even if the passes did not converge. */
const FORCE_RESTART_FACTOR = 4;

function passive(): CheckpointResult {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
  return result ?? { busy: 1, log: 0, checkpointed: 0 };
}

function checkpoint(): void {
  let last = passive();
  if (last.log < restartAfterFrames) return;
  // Each PASSIVE pass copies what came in during the one before, so the passes shrink; the RESTART pass, which
  // holds the writer off, then has at most about `RESTART_DELTA_FRAMES` frames left to copy.
  for (let pass = 0; pass < MAX_CATCH_UP_PASSES; pass++) {
    const next = passive();
    const grown = next.log - last.log;
    last = next;
    if (next.busy !== 0 || next.checkpointed < next.log) return;
    if (grown >= 0 && grown < RESTART_DELTA_FRAMES) break;
    // Writes outpace the copying: wait for a calmer moment, unless the log is far past its bound.
    if (pass === MAX_CATCH_UP_PASSES - 1 && next.log < FORCE_RESTART_FACTOR * restartAfterFrames) return;
  }
  // Under the tracking write gate: the main thread defers its commit instead of sleeping in the busy handler.
  db.pragma(`busy_timeout = ${RESTART_BUSY_MS}`);
  gate.enter();
  try {
    db.pragma('wal_checkpoint(RESTART)');
  } finally {
    gate.leave();
    db.pragma(`busy_timeout = ${BUSY_MS}`);
  }
}

const timer = setInterval(checkpoint, everyMs);
parentPort!.on('message', (msg: { stop?: boolean }) => {
  if (msg.stop !== true) return;
  clearInterval(timer);
  db.close();
  parentPort!.postMessage({ stopped: true });
});
