/**
 * One live state per database connection, shared by the HTTP routes (built in app.ts) and the WebSocket hub
 * (attached in server.ts) without either having to hand it to the other. Created and rebuilt on first use.
 */
import type { Db } from '../store/db.js';
import { compactPingJournal } from '../store/tracking.js';
import { LiveState } from './live-state.js';

const byDb = new WeakMap<Db, LiveState>();

export function liveStateOf(db: Db): LiveState {
  let live = byDb.get(db);
  if (live === undefined) {
    // Whatever the last process journaled is moved first: the rebuild and the writer's dedupe read the store.
    compactPingJournal(db);
    live = new LiveState(db);
    live.rebuild(Date.now());
    byDb.set(db, live);
  }
  return live;
}
