/**
 * Worker thread running SQLite WAL checkpoints on its own connection, so that no ingest commit on the main
 * thread pays for copying the WAL into the database file and its fsync. PASSIVE checkpoints never block
 * writers and change no data, so the main connection's transactions are unaffected.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, everyMs } = workerData as { file: string; everyMs: number };
const db = new Database(file);
db.pragma('busy_timeout = 5000');

const timer = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), everyMs);
parentPort!.on('message', (msg: { stop?: boolean }) => {
  if (msg.stop !== true) return;
  clearInterval(timer);
  db.close();
  parentPort!.postMessage({ stopped: true });
});
