/**
 * Live tracking as a service the transports are given: the HTTP routes (built in app.ts) read live state and
 * report ended access through it, and the WebSocket hub (attached in server.ts) serves from the same object.
 * One per database connection, created by whoever opens the database and handed to both; no module-level state.
 */
import type { Db } from '../store/db.js';
import { compactPingJournal } from '../store/pings.js';
import { LiveState } from './live-state.js';

/**
 * Access that ended through this process: a token revoked (API and driver tokens share the `tok_` id space), or a
 * driver deactivated or deleted. The hub closes the sockets that depended on it at once.
 */
export type AccessEnded = { tokenId: string } | { driverId: string };

export class TrackingService {
  private liveState: LiveState | null = null;
  private readonly accessListeners = new Set<(ended: AccessEnded) => void>();

  constructor(readonly db: Db) {}

  /** The live state of every driver, rebuilt from the store on first use. */
  get live(): LiveState {
    if (this.liveState === null) {
      // Whatever the last process journaled is moved first: the rebuild and the writer's dedupe read the store.
      compactPingJournal(this.db);
      const live = new LiveState(this.db);
      live.rebuild(Date.now());
      this.liveState = live;
    }
    return this.liveState;
  }

  /** Listens for access ended through this process (the hub closes its sockets); returns the unsubscribe. */
  onAccessEnded(listener: (ended: AccessEnded) => void): () => void {
    this.accessListeners.add(listener);
    return () => this.accessListeners.delete(listener);
  }

  /** A token (API or driver) was revoked: its open sockets close. */
  tokenRevoked(tokenId: string): void {
    for (const listener of this.accessListeners) listener({ tokenId });
  }

  /** A driver was deactivated or deleted: its open socket closes. */
  driverDeactivated(driverId: string): void {
    for (const listener of this.accessListeners) listener({ driverId });
  }
}
