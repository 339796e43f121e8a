/** Tunables of the tracking hub; tests shrink the timeouts, the bench raises the limits. */
export interface TrackingConfig {
  /** Group commit: a batch is committed at most this long after its first message (<= 250). */
  flushDelayMs: number;
  /** ... or as soon as it holds this many messages. */
  maxBatch: number;
  /** The append-only ping journal is moved into the per-driver sorted track this often. */
  compactEveryMs: number;
  /** ... in this many slices of drivers, one transaction each (a longer transaction is a longer ingest stall). */
  compactSlices: number;
  /** WAL checkpoints run in a worker thread this often (0: SQLite's automatic ones, on the committing thread). */
  checkpointEveryMs: number;
  /** SQLite page cache of the connection, MiB: the newest track page of every driver should stay cached. */
  pageCacheMb: number;
  /** Largest accepted frame; bigger closes the socket with 1009. */
  maxPayloadBytes: number;
  /** Per connection: a sustained rate above this many frames per second closes with 1008 ... */
  maxFramesPerS: number;
  /** ... after a burst of this many frames. */
  burstFrames: number;
  /** Open /ws/live sockets allowed per API token; one more is closed with 1013. */
  maxLiveSocketsPerToken: number;
  /** Protocol ping every this often; a socket that missed the previous pong is terminated. */
  heartbeatMs: number;
  /** A ping stamped further ahead of the server clock is refused (it would pin the live position). */
  maxClockAheadMs: number;
  /** Changes made outside the driver socket (routes closed, stops changed over REST) are read this often. */
  outsideChangesEveryMs: number;
  /** A driver with no ping for this long is marked offline. */
  offlineAfterMs: number;
  /** Dispatcher updates are coalesced to one per driver per this interval. */
  liveIntervalMs: number;
  /** Live snapshot, driver position and stop ETAs are written back this often. */
  snapshotEveryMs: number;
  /** When > 0, a line of ingest statistics (JSON) is printed this often (for bench/ws-load). */
  statsEveryMs: number;
  /** Pings older than this many days are deleted (0 keeps everything) ... */
  retentionDays: number;
  /** ... checked this often. */
  retentionCheckMs: number;
}

export const DEFAULT_TRACKING: TrackingConfig = {
  flushDelayMs: 10,
  maxBatch: 500,
  compactEveryMs: 2000,
  compactSlices: 32,
  pageCacheMb: 64,
  checkpointEveryMs: 500,
  maxPayloadBytes: 16 * 1024,
  maxFramesPerS: 20,
  burstFrames: 100,
  maxLiveSocketsPerToken: 20,
  heartbeatMs: 30_000,
  maxClockAheadMs: 5 * 60_000,
  outsideChangesEveryMs: 2000,
  offlineAfterMs: 120_000,
  liveIntervalMs: 1000,
  snapshotEveryMs: 5000,
  statsEveryMs: 0,
  retentionDays: 30,
  retentionCheckMs: 3_600_000,
};

function num(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** Reads MILKRUN_TRACKING_* overrides (e.g. MILKRUN_TRACKING_OFFLINE_AFTER_MS). */
export function trackingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TrackingConfig {
  const c = { ...DEFAULT_TRACKING };
  c.flushDelayMs = Math.min(250, num(env.MILKRUN_TRACKING_FLUSH_DELAY_MS, c.flushDelayMs));
  c.maxBatch = num(env.MILKRUN_TRACKING_MAX_BATCH, c.maxBatch);
  c.compactEveryMs = num(env.MILKRUN_TRACKING_COMPACT_EVERY_MS, c.compactEveryMs);
  c.compactSlices = Math.max(1, num(env.MILKRUN_TRACKING_COMPACT_SLICES, c.compactSlices));
  c.maxFramesPerS = num(env.MILKRUN_TRACKING_MAX_FRAMES_PER_S, c.maxFramesPerS);
  c.burstFrames = num(env.MILKRUN_TRACKING_BURST_FRAMES, c.burstFrames);
  c.maxLiveSocketsPerToken = num(env.MILKRUN_TRACKING_MAX_LIVE_SOCKETS_PER_TOKEN, c.maxLiveSocketsPerToken);
  c.heartbeatMs = num(env.MILKRUN_TRACKING_HEARTBEAT_MS, c.heartbeatMs);
  c.offlineAfterMs = num(env.MILKRUN_TRACKING_OFFLINE_AFTER_MS, c.offlineAfterMs);
  c.liveIntervalMs = num(env.MILKRUN_TRACKING_LIVE_INTERVAL_MS, c.liveIntervalMs);
  c.statsEveryMs = num(env.MILKRUN_TRACKING_STATS_EVERY_MS, c.statsEveryMs);
  c.retentionDays = num(env.MILKRUN_TRACKING_RETENTION_DAYS, c.retentionDays);
  return c;
}
