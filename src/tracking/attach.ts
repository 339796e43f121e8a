/**
 * Wires live tracking onto a running HTTP server: live state (rebuilt from the database), the group-commit
 * writer and the WebSocket hub on the server's `upgrade` event. Returns the function that shuts it all down.
 */
import type { Server } from 'node:http';
import type { Db } from '../store/db.js';
import { changeStopStatus } from '../store/stops.js';
import { DEFAULT_TRACKING, type TrackingConfig } from './config.js';
import { startCheckpointer } from './checkpointer.js';
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

/** One JSON line per interval: committed messages, receive-to-commit p50/p99/max, connections, heap. */
function printStats(writer: PingWriter, hub: TrackingHub, everyMs: number): NodeJS.Timeout {
  writer.recordLatencies = true;
  let committed = writer.committed;
  const timer = setInterval(() => {
    const lat = Float64Array.from(writer.takeLatencies()).sort();
    const at = (p: number) => (lat.length === 0 ? null : lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!);
    const stalls = writer.takeStalls();
    const line = {
      tracking_stats: {
        longest_batch_ms: Math.round(stalls.flushMs),
        longest_compaction_chunk_ms: Math.round(stalls.compactMs),
        committed: writer.committed - committed,
        interval_ms: everyMs,
        commit_p50_ms: at(0.5),
        commit_p99_ms: at(0.99),
        commit_max_ms: lat.length === 0 ? null : lat[lat.length - 1],
        connections: hub.connections,
        rss_mb: Math.round(process.memoryUsage.rss() / 2 ** 20),
      },
    };
    committed = writer.committed;
    console.log(JSON.stringify(line));
  }, everyMs);
  timer.unref();
  return timer;
}

export function attachTracking(server: Server, deps: TrackingDeps): CloseTracking {
  const config: TrackingConfig = { ...DEFAULT_TRACKING, ...deps.config };
  config.flushDelayMs = Math.min(250, config.flushDelayMs);
  // Compaction inserts one row per driver into that driver's newest track pages; with thousands of drivers
  // the default 2 MiB cache would re-read those pages from the OS on every move.
  if (config.pageCacheMb > 0) deps.db.pragma(`cache_size = -${Math.round(config.pageCacheMb * 1024)}`);
  const live = liveStateOf(deps.db);
  const stopCheckpointer = startCheckpointer(deps.db, config.checkpointEveryMs);
  const writer = new PingWriter(deps.db, live, deps.changeStopStatus ?? changeStopStatus, config);
  const hub = new TrackingHub({ db: deps.db, live, writer, config });
  const onUpgrade = (req: Parameters<TrackingHub['handleUpgrade']>[0], socket: Parameters<TrackingHub['handleUpgrade']>[1], head: Buffer) => {
    // Paths that are not ours are left to other listeners; with none, the socket is refused.
    if (!hub.handleUpgrade(req, socket, head) && server.listenerCount('upgrade') === 1) socket.destroy();
  };
  server.on('upgrade', onUpgrade);
  const stats = config.statsEveryMs > 0 ? printStats(writer, hub, config.statsEveryMs) : null;
  const close = async () => {
    if (stats !== null) clearInterval(stats);
    server.off('upgrade', onUpgrade);
    await hub.close();
    await stopCheckpointer();
  };
  return Object.assign(close, { hub, writer });
}
