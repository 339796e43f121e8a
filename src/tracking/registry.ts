/**
 * One live state per database connection, shared by the HTTP routes (built in app.ts) and the WebSocket hub
 * (attached in server.ts) without either having to hand it to the other. Created and rebuilt on first use.
 */
import type { Db } from '../store/db.js';
import { compactPingJournal } from '../store/pings.js';
import { LiveState } from './live-state.js';

const byDb = new WeakMap<Db, LiveState>();

const revokeListeners = new WeakMap<Db, Set<(tokenId: string) => void>>();

/** Listens for driver tokens revoked through this process (the hub closes their sockets); returns the unsubscribe. */
export function onDriverTokenRevoked(db: Db, listener: (tokenId: string) => void): () => void {
  let set = revokeListeners.get(db);
  if (set === undefined) {
    set = new Set();
    revokeListeners.set(db, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/** Tells the hub (if one is attached to this database) that a driver token was revoked. */
export function driverTokenRevoked(db: Db, tokenId: string): void {
  for (const listener of revokeListeners.get(db) ?? []) listener(tokenId);
}

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
