/**
 * Wires live tracking onto a running HTTP server: live state (rebuilt from the database), the group-commit
 * writer and the WebSocket hub on the server's `upgrade` event. Returns the function that shuts it all down.
 */
import type { Server } from 'node:http';
import type { Db } from '../store/db.js';
import { changeStopStatus } from '../store/stops.js';
import { DEFAULT_TRACKING, type TrackingConfig } from './config.js';
import { TrackingHub } from './hub.js';
import { PingWriter, type ChangeStopStatus } from './ping-writer.js';
import { liveStateOf } from './registry.js';

export interface TrackingDeps {
  db: Db;
  config?: Partial<TrackingConfig>;
  /** Default: the store's shared stop lifecycle. */
  changeStopStatus?: ChangeStopStatus;
}

export type CloseTracking = (() => Promise<void>) & { hub: TrackingHub; writer: PingWriter };

export function attachTracking(server: Server, deps: TrackingDeps): CloseTracking {
  const config: TrackingConfig = { ...DEFAULT_TRACKING, ...deps.config };
  config.flushDelayMs = Math.min(250, config.flushDelayMs);
  const live = liveStateOf(deps.db);
  const writer = new PingWriter(deps.db, live, deps.changeStopStatus ?? changeStopStatus, config);
  const hub = new TrackingHub({ db: deps.db, live, writer, config });
  const onUpgrade = (req: Parameters<TrackingHub['handleUpgrade']>[0], socket: Parameters<TrackingHub['handleUpgrade']>[1], head: Buffer) => {
    // Paths that are not ours are left to other listeners; with none, the socket is refused.
    if (!hub.handleUpgrade(req, socket, head) && server.listenerCount('upgrade') === 1) socket.destroy();
  };
  server.on('upgrade', onUpgrade);
  const close = async () => {
    server.off('upgrade', onUpgrade);
    await hub.close();
  };
  return Object.assign(close, { hub, writer });
}
