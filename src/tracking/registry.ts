/**
 * One live state per database connection, shared by the HTTP routes (built in app.ts) and the WebSocket hub
 * (attached in server.ts) without either having to hand it to the other. Created and rebuilt on first use.
 */
import type { Db } from '../store/db.js';
import { compactPingJournal } from '../store/pings.js';
import { LiveState } from './live-state.js';

const byDb = new WeakMap<Db, LiveState>();

/**
 * Access that ended through this process: a token revoked (API and driver tokens share the `tok_` id space), or a
 * driver deactivated or deleted. The hub closes the sockets that depended on it at once.
 */
export type AccessEnded = { tokenId: string } | { driverId: string };

const accessListeners = new WeakMap<Db, Set<(ended: AccessEnded) => void>>();

/** Listens for access ended through this process (the hub closes its sockets); returns the unsubscribe. */
export function onAccessEnded(db: Db, listener: (ended: AccessEnded) => void): () => void {
  let set = accessListeners.get(db);
  if (set === undefined) {
    set = new Set();
    accessListeners.set(db, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/** Tells the hub (if one is attached to this database) that a token (API or driver) was revoked. */
export function tokenRevoked(db: Db, tokenId: string): void {
  for (const listener of accessListeners.get(db) ?? []) listener({ tokenId });
}

/** Tells the hub (if one is attached to this database) that a driver was deactivated or deleted. */
export function driverDeactivated(db: Db, driverId: string): void {
  for (const listener of accessListeners.get(db) ?? []) listener({ driverId });
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
