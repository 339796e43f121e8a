/**
 * Wires live tracking onto a running HTTP server: live state (rebuilt from the database), the group-commit
 * writer and the WebSocket hub on the server's `upgrade` event. Returns the function that shuts it all down.
 */
import type { Server } from 'node:http';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import type { Db } from '../store/db.js';
import { changeStopStatus } from '../lifecycle/stop-status.js';
import { DEFAULT_TRACKING, type TrackingConfig } from './config.js';
import { startCheckpointer } from './checkpointer.js';
import { TrackingHub } from './hub.js';
import { PingWriter, type ChangeStopStatus } from './ping-writer.js';
import type { TrackingService } from './tracking-service.js';
import { stalls } from './stalls.js';
import { WriteGate } from './write-gate.js';

export interface TrackingDeps {
  db: Db;
  /** The service the HTTP app uses too (`app.tracking`), so both see one live state and one set of sockets. */
  tracking: TrackingService;
  config?: Partial<TrackingConfig>;
  /** Default: the shared stop lifecycle (src/lifecycle/stop-status.ts). */
  changeStopStatus?: ChangeStopStatus;
}

export type CloseTracking = (() => Promise<void>) & { hub: TrackingHub; writer: PingWriter };

/**
 * One JSON line per interval: committed messages, receive-to-commit p50/p99/max, event-loop delay (what a message
 * waits before it is even received), GC pauses, connections, heap.
 */
function printStats(writer: PingWriter, hub: TrackingHub, everyMs: number): { stop(): void } {
  writer.recordLatencies = true;
  let committed = writer.committed;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let gcMs = 0;
  let gcMaxMs = 0;
  let gcMajor = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcMaxMs = Math.max(gcMaxMs, e.duration);
      const detail = (e as PerformanceEntry & { detail?: { kind?: number } }).detail;
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcMajor++;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  let cpu = process.cpuUsage();
  let elu = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const cpuDelta = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const eluNow = performance.eventLoopUtilization();
    const eluDelta = performance.eventLoopUtilization(eluNow, elu);
    elu = eluNow;
    const lat = writer.takeLatencies().sort();
    const at = (p: number) => (lat.length === 0 ? null : lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!);
    // The batch and compaction stalls keep their own keys in the line; every other kind goes under longest_ms.
    const { batch = 0, compaction_chunk = 0, ...longest } = stalls.take();
    const line = {
      tracking_stats: {
        longest_batch_ms: Math.round(batch),
        longest_compaction_chunk_ms: Math.round(compaction_chunk),
        committed: writer.committed - committed,
        interval_ms: everyMs,
        commit_p50_ms: at(0.5),
        commit_p99_ms: at(0.99),
        commit_max_ms: lat.length === 0 ? null : lat[lat.length - 1],
        /** Main thread busy share, and CPU of the whole process (all threads, % of one core). */
        elu: Math.round(eluDelta.utilization * 100) / 100,
        cpu_pct: Math.round(((cpuDelta.user + cpuDelta.system) / 1000 / everyMs) * 100),
        loop_delay_p99_ms: Math.round(loop.percentile(99) / 1e5) / 10,
        loop_delay_max_ms: Math.round(loop.max / 1e5) / 10,
        gc_ms: Math.round(gcMs),
        gc_max_ms: Math.round(gcMaxMs),
        gc_major: gcMajor,
        longest_ms: longest,
        connections: hub.connections,
        rss_mb: Math.round(process.memoryUsage.rss() / 2 ** 20),
      },
    };
    committed = writer.committed;
    loop.reset();
    gcMs = gcMaxMs = gcMajor = 0;
    console.log(JSON.stringify(line));
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      loop.disable();
      gc.disconnect();
    },
  };
}

/**
 * V8 pretenures objects from allocation sites whose objects often survive a scavenge: it allocates them straight
 * in the old generation. With thousands of sockets each holding its last frame's objects (`ws`'s receiver)
 * until its next one, that is most of them, and the old generation then filled with ~9 MB/s of short-lived
 * objects at 20,000 pings/s: a mark-compact every few seconds, each a 100-500 ms stall on 2 cores. Without
 * pretenuring they die young (promotion fell 5.6x, see bench/RESULTS.md). Read by V8 at each GC, so it can be set
 * at run time, and any process that serves driver sockets gets it.
 */
function keepSocketGarbageYoung(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}

export function attachTracking(server: Server, deps: TrackingDeps): CloseTracking {
  keepSocketGarbageYoung();
  const config: TrackingConfig = { ...DEFAULT_TRACKING, ...deps.config };
  config.flushDelayMs = Math.min(250, config.flushDelayMs);
  // Compaction inserts one row per driver into that driver's newest track pages; with thousands of drivers
  // the default 2 MiB cache would re-read those pages from the OS on every move.
  if (config.pageCacheMb > 0) deps.db.pragma(`cache_size = -${Math.round(config.pageCacheMb * 1024)}`);
  const live = deps.tracking.live;
  const gate = new WriteGate();
  const stopCheckpointer = startCheckpointer(deps.db, config.checkpointEveryMs, gate);
  const writer = new PingWriter(deps.db, live, deps.changeStopStatus ?? changeStopStatus, { ...config, gate });
  const hub = new TrackingHub({ db: deps.db, live, writer, config, tracking: deps.tracking });
  const onUpgrade = (req: Parameters<TrackingHub['handleUpgrade']>[0], socket: Parameters<TrackingHub['handleUpgrade']>[1], head: Buffer) => {
    // Paths that are not ours are left to other listeners; with none, the socket is refused.
    if (!hub.handleUpgrade(req, socket, head) && server.listenerCount('upgrade') === 1) socket.destroy();
  };
  server.on('upgrade', onUpgrade);
  const stats = config.statsEveryMs > 0 ? printStats(writer, hub, config.statsEveryMs) : null;
  const close = async () => {
    stats?.stop();
    server.off('upgrade', onUpgrade);
    await hub.close();
    await stopCheckpointer();
  };
  return Object.assign(close, { hub, writer });
}
