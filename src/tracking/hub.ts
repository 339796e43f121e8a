/**
 * The WebSocket hub: `ws` in noServer mode on the HTTP server's `upgrade` event (same port as the API).
 *   /ws/driver  driver token (Authorization: Bearer or ?token=), refused with 401 before the upgrade.
 *               Frames: ping, stop_event → ack after group commit, or error. Bad frames get an error frame;
 *               flooding closes with 1008 once what was queued before is acknowledged (later frames are
 *               dropped unstored), oversized frames with 1009 (by ws, from maxPayload).
 *   /ws/live    API token; `subscribe` to all drivers or lists of drivers / routes; receives `driver.update`
 *               coalesced to at most one per driver per `liveIntervalMs`. At most `maxLiveSocketsPerToken` per
 *               token: one more is closed at once with 1013 (try again later).
 * Both authenticate in the upgrade request itself, so an upgraded socket is always authenticated; the wait for
 * that request is bounded by the HTTP server's headersTimeout, and a refused upgrade's socket is destroyed once
 * its answer is written (the HTTP server keeps half-open sockets, so end() alone would leave it to the client).
 * Revoking a token closes its sockets with 1008, so does deactivating or deleting a driver.
 * Heartbeat: protocol ping every `heartbeatMs`, a socket that did not answer the previous one is terminated.
 * Offline: a driver silent for `offlineAfterMs` gets driver.offline; so does one whose route was closed.
 */
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Db } from '../store/db.js';
import { driversDeactivatedAfter } from '../store/drivers.js';
import { findActiveToken, tokensRevokedSince } from '../store/tokens.js';
import { driverTokensRevokedSince, findDriverByToken, type DriverIdentity } from '../store/driver-tokens.js';
import { latestEventSeq, outsideChangesAfter } from '../store/outside-changes.js';
import { deletePingsBefore } from '../store/pings.js';
import type { TrackingConfig } from './config.js';
import type { DriverLive, LiveState } from './live-state.js';
import { parseDriverFrame, parseFrame, subscribeFrame, type ErrorFrame } from './messages.js';
import type { PingWriter, Reply } from './ping-writer.js';
import { RateBucket } from './rate-bucket.js';
import type { TrackingService } from './tracking-service.js';
import { stalls } from './stalls.js';

export interface HubDeps {
  db: Db;
  live: LiveState;
  writer: PingWriter;
  config: TrackingConfig;
  /** Where the HTTP routes report revoked tokens and deactivated drivers. */
  tracking: Pick<TrackingService, 'onAccessEnded'>;
}

interface Subscription {
  organizationId: string;
  all: boolean;
  drivers: Set<string>;
  routes: Set<string>;
}

/** Per socket: heartbeat flag and when its next protocol ping is due, flood bucket, who opened it. */
interface SocketState {
  /** Something (a message or a pong) came in since the last heartbeat check. */
  heard: boolean;
  /** A ping went out at the last check and nothing has come back since. */
  pinged: boolean;
  /** The token (driver or API) the socket was opened with. */
  tokenId: string;
  /** The driver of a /ws/driver socket; null for /ws/live. */
  driverId: string | null;
  nextBeatMs: number;
  bucket: RateBucket;
  /** Messages handed to the writer whose reply has not been sent yet. */
  awaitingReply: number;
  /** Set when the socket is to close (flooding): the close reason, sent once every awaited reply went out. */
  closing: string | null;
}

const WRITE_BACK_TICK_MS = 100;
/** Drivers per chunk of a dispatcher push (a few milliseconds of ETAs and serialising). */
const PUSH_CHUNK = 200;
/** Row updates per write-back tick: about 4,000 per second, a few milliseconds each tick. */
const WRITE_BACK_ROWS = 400;

function tokenFrom(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m) return m[1]!;
  }
  return url.searchParams.get('token');
}

function refuse(socket: Duplex, status: 401 | 404, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  const reason = status === 401 ? 'Unauthorized' : 'Not Found';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** The `driver.update` frame of a driver, as sent to dispatchers. */
export function updateText(live: LiveState, d: DriverLive, nowMs: number): string {
  return JSON.stringify({ type: 'driver.update', ...live.view(d, nowMs) });
}

export class TrackingHub {
  private readonly wss: WebSocketServer;
  private readonly sockets = new Map<WebSocket, SocketState>();
  private readonly dispatchers = new Map<WebSocket, Subscription>();
  /** Open /ws/live sockets per API token id (for the per-token cap). */
  private readonly liveByToken = new Map<string, number>();
  /** Drivers whose state changed since the last dispatcher push. */
  private dirty = new Set<string>();
  /** Drivers of the push in progress (sent a chunk per turn of the event loop), and where it stands. */
  private pushing: IterableIterator<string> | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private lastRouteCheckMs = 0;
  /** Outbox position up to which route.completed events were read. */
  private routeEventsSeq: number;
  /** Outbox position up to which driver deactivations were read. */
  private driverEventsSeq: number;
  /** Revocations made by any process are looked up from this time on (revocations here are heard at once). */
  private revokedCheckMs = Date.now();
  private readonly stopListening: () => void;

  constructor(private readonly deps: HubDeps) {
    const { config } = deps;
    this.routeEventsSeq = latestEventSeq(deps.db);
    this.driverEventsSeq = this.routeEventsSeq;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: config.maxPayloadBytes, clientTracking: false });
    this.stopListening = deps.tracking.onAccessEnded((ended) =>
      'tokenId' in ended ? this.closeRevoked([ended.tokenId]) : this.closeDrivers([ended.driverId]),
    );
    deps.live.onChange = (d) => {
      if (this.dispatchers.size > 0) this.dirty.add(d.driverId);
    };
    // Each socket has its own heartbeat phase, checked in small ticks: pinging every socket at once was one
    // write per socket in a single turn of the loop (~50 ms for 5,000 drivers) every heartbeatMs.
    this.every('heartbeat', Math.max(5, config.heartbeatMs / 100), () => this.heartbeat(Date.now()));
    this.every('sweep', Math.max(20, Math.min(1000, config.offlineAfterMs / 4, config.outsideChangesEveryMs)), () =>
      this.sweep(Date.now()),
    );
    this.every('push_start', config.liveIntervalMs, () => this.pushUpdates());
    // Positions and ETAs are written back in small slices so no single transaction stalls ingest; a tick that
    // finds a background writer at work is skipped (the next one writes what is still dirty).
    this.every('write_back', Math.min(WRITE_BACK_TICK_MS, config.snapshotEveryMs), () =>
      deps.writer.gate.tryRun(() => deps.live.writeBack(Date.now(), WRITE_BACK_ROWS)),
    );
    if (config.retentionDays > 0) this.every('retention', config.retentionCheckMs, () => this.applyRetention(Date.now()));
  }

  private every(name: string, ms: number, fn: () => void): void {
    const t = setInterval(() => stalls.time(name, fn), ms);
    t.unref();
    this.timers.push(t);
  }

  /** Handles an upgrade for our paths; returns false for other paths (left to other listeners). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws/driver' && url.pathname !== '/ws/live') return false;
    const token = tokenFrom(req, url);
    if (url.pathname === '/ws/driver') {
      const who = token === null ? undefined : findDriverByToken(this.deps.db, token);
      if (who === undefined) {
        refuse(socket, 401, 'unauthorized', 'A valid driver token is required (Authorization: Bearer or ?token=)');
        return true;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onDriver(ws, who, who.tokenId));
      return true;
    }
    const api = token === null || !token.startsWith('mk_') ? undefined : findActiveToken(this.deps.db, token);
    if (api === undefined) {
      refuse(socket, 401, 'unauthorized', 'A valid API token is required (Authorization: Bearer or ?token=)');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const cap = this.deps.config.maxLiveSocketsPerToken;
      if ((this.liveByToken.get(api.id) ?? 0) >= cap) {
        // Accepted, then closed: a browser sees a close code and reason, never the status of a refused upgrade.
        ws.close(1013, `too many /ws/live sockets for this token (limit ${String(cap)})`);
        return;
      }
      this.onDispatcher(ws, api.id, { organizationId: api.organizationId, all: false, drivers: new Set(), routes: new Set() });
    });
    return true;
  }

  private track(ws: WebSocket, tokenId: string, driverId: string | null): SocketState {
    const state: SocketState = {
      heard: true,
      pinged: false,
      tokenId,
      driverId,
      nextBeatMs: Date.now() + this.deps.config.heartbeatMs * (0.5 + Math.random() / 2),
      bucket: new RateBucket(this.deps.config.maxFramesPerS, this.deps.config.burstFrames, Date.now()),
      awaitingReply: 0,
      closing: null,
    };
    this.sockets.set(ws, state);
    ws.on('pong', () => {
      state.heard = true;
    });
    // ws closes the socket itself on protocol errors (1009 for frames over maxPayload); nothing to add.
    ws.on('error', () => {});
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.dispatchers.delete(ws);
      if (driverId !== null) return;
      const open = (this.liveByToken.get(tokenId) ?? 1) - 1;
      if (open > 0) this.liveByToken.set(tokenId, open);
      else this.liveByToken.delete(tokenId);
    });
    if (driverId === null) this.liveByToken.set(tokenId, (this.liveByToken.get(tokenId) ?? 0) + 1);
    return state;
  }

  private send(ws: WebSocket, frame: Reply | ErrorFrame | Record<string, unknown>): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    // Acks are most of what is sent: built as text (seq is a safe integer, so this is what JSON.stringify gives).
    ws.send(frame.type === 'ack' && 'seq' in frame ? `{"type":"ack","seq":${String(frame.seq)}}` : JSON.stringify(frame));
  }

  private onDriver(ws: WebSocket, who: DriverIdentity, tokenId: string): void {
    const state = this.track(ws, tokenId, who.driverId);
    const reply = (r: Reply) => {
      state.awaitingReply--;
      this.send(ws, r);
      if (state.closing !== null && state.awaitingReply === 0) ws.close(1008, state.closing);
    };
    ws.on('message', (data, isBinary) => {
      // Past the flood limit nothing more is stored or answered: the app resends what was not acknowledged.
      if (state.closing !== null) return;
      state.heard = true;
      if (!state.bucket.take(Date.now())) {
        // What was queued before is stored, so its acks go out before the close; otherwise the app would
        // resend pings the server already has.
        state.closing = 'rate limit exceeded';
        if (state.awaitingReply === 0) ws.close(1008, state.closing);
        return;
      }
      if (isBinary) {
        this.send(ws, { type: 'error', code: 'invalid_frame', message: 'frames are JSON text' });
        return;
      }
      const parsed = parseDriverFrame(textOf(data));
      if (!parsed.ok) {
        this.send(ws, parsed.error);
        return;
      }
      if (parsed.frame.type === 'ping' && Date.parse(parsed.frame.ts) > Date.now() + this.deps.config.maxClockAheadMs) {
        // A position stamped in the future would pin the live position until that time comes.
        this.send(ws, { type: 'error', seq: parsed.frame.seq, code: 'invalid_frame', message: 'ts: is in the future' });
        return;
      }
      state.awaitingReply++;
      if (parsed.frame.type === 'ping') this.deps.writer.enqueuePing(who, parsed.frame, reply);
      else this.deps.writer.enqueueStopEvent(who, parsed.frame, reply);
    });
  }

  private onDispatcher(ws: WebSocket, tokenId: string, sub: Subscription): void {
    const state = this.track(ws, tokenId, null);
    ws.on('message', (data) => {
      if (!state.bucket.take(Date.now())) {
        ws.close(1008, 'rate limit exceeded');
        return;
      }
      const parsed = parseFrame(textOf(data), subscribeFrame);
      if (!parsed.ok) {
        this.send(ws, parsed.error);
        return;
      }
      sub.all = parsed.frame.all === true;
      sub.drivers = new Set(parsed.frame.drivers ?? []);
      sub.routes = new Set(parsed.frame.routes ?? []);
      this.dispatchers.set(ws, sub);
      this.send(ws, { type: 'subscribed', all: sub.all, drivers: [...sub.drivers], routes: [...sub.routes] });
      // The current state of every matching driver right away, so a new dashboard need not wait for movement.
      const now = Date.now();
      for (const d of this.deps.live.all()) {
        if (this.matches(sub, d)) this.send(ws, { type: 'driver.update', ...this.deps.live.view(d, now) });
      }
    });
  }

  private matches(sub: Subscription, d: DriverLive): boolean {
    if (d.organizationId !== sub.organizationId) return false;
    return sub.all || sub.drivers.has(d.driverId) || (d.routeId !== null && sub.routes.has(d.routeId));
  }

  /**
   * One update per changed driver since the last push, serialised once, sent to every matching dispatcher. The
   * drivers are taken in chunks of PUSH_CHUNK, one chunk per turn of the event loop, so a push to dashboards
   * following thousands of moving drivers does not hold incoming pings back for the whole of it; a driver that
   * changes again meanwhile waits for the next interval (still at most one update per driver per interval).
   */
  pushUpdates(): void {
    if (this.pushing !== null || this.dirty.size === 0) return;
    this.pushing = this.dirty.values();
    this.dirty = new Set();
    this.pushChunk();
  }

  private pushChunk(): void {
    const drivers = this.pushing;
    if (drivers === null) return;
    const started = performance.now();
    const now = Date.now();
    for (let n = 0; n < PUSH_CHUNK; n++) {
      const next = drivers.next();
      if (next.done === true) {
        this.pushing = null;
        break;
      }
      const d = this.deps.live.get(next.value);
      if (d === undefined) continue;
      let text: string | null = null;
      for (const [ws, sub] of this.dispatchers) {
        if (!this.matches(sub, d) || ws.readyState !== WebSocket.OPEN) continue;
        text ??= updateText(this.deps.live, d, now);
        ws.send(text);
      }
    }
    stalls.record('push', performance.now() - started);
    if (this.pushing !== null) setImmediate(() => this.pushChunk());
  }

  /** Sends whatever is left of the push in progress and what changed since, at once (shutdown). */
  private pushAll(): void {
    while (this.pushing !== null) this.pushChunk();
    this.pushUpdates();
    while (this.pushing !== null) this.pushChunk();
  }

  /** Closes (1008, policy) every socket (driver or dispatcher) opened with one of these tokens. */
  closeRevoked(tokenIds: Iterable<string>): number {
    return this.closeWhere(new Set(tokenIds), (state) => state.tokenId, 'token revoked');
  }

  /** Closes (1008, policy) the sockets of these drivers (deactivated or deleted). */
  closeDrivers(driverIds: Iterable<string>): number {
    return this.closeWhere(new Set(driverIds), (state) => state.driverId, 'driver deactivated');
  }

  private closeWhere(ids: Set<string>, key: (state: SocketState) => string | null, reason: string): number {
    let closed = 0;
    if (ids.size === 0) return closed;
    for (const [ws, state] of this.sockets) {
      const k = key(state);
      if (k === null || !ids.has(k)) continue;
      ws.close(1008, reason);
      closed++;
    }
    return closed;
  }

  /**
   * A socket silent for a whole interval is pinged; one still silent an interval later is dropped. A driver
   * that keeps sending needs no ping (its messages prove the connection): at 5,000 drivers that saves a
   * write and a read per socket per interval.
   */
  private heartbeat(nowMs: number): void {
    for (const [ws, state] of this.sockets) {
      if (nowMs < state.nextBeatMs) continue;
      state.nextBeatMs = nowMs + this.deps.config.heartbeatMs;
      if (state.heard) {
        state.heard = false;
        state.pinged = false;
      } else if (!state.pinged) {
        state.pinged = true;
        ws.ping();
      } else {
        ws.terminate();
      }
    }
  }

  /**
   * Marks silent drivers offline, and now and then follows what changed outside the driver socket (routes
   * closed, stops changed over REST), read from the outbox.
   */
  sweep(nowMs: number): void {
    const { db, live, config } = this.deps;
    const toMark: DriverLive[] = [];
    for (const d of live.all()) {
      if (d.online && nowMs - d.lastHeardMs > config.offlineAfterMs) toMark.push(d);
    }
    let outside: ReturnType<typeof outsideChangesAfter>['changes'] = [];
    if (nowMs - this.lastRouteCheckMs >= config.outsideChangesEveryMs) {
      this.lastRouteCheckMs = nowMs;
      // Tokens revoked by another process (or before this hub heard of it); a few seconds of overlap so a
      // revocation stamped just before the previous look but committed after it is not missed.
      const since = new Date(this.revokedCheckMs - 5000).toISOString();
      this.closeRevoked([...driverTokensRevokedSince(db, since), ...tokensRevokedSince(db, since)]);
      this.revokedCheckMs = nowMs;
      const deactivated = driversDeactivatedAfter(db, this.driverEventsSeq);
      this.driverEventsSeq = deactivated.lastSeq;
      this.closeDrivers(deactivated.driverIds);
      const read = outsideChangesAfter(db, this.routeEventsSeq);
      this.routeEventsSeq = read.lastSeq;
      outside = read.changes;
    }
    if (toMark.length === 0 && outside.length === 0) return;
    db.transaction(() => {
      for (const d of toMark) live.setOffline(d, 'no_pings');
      for (const change of outside) live.applyOutsideChange(change, nowMs);
    })();
  }

  applyRetention(nowMs: number): number {
    const cutoff = new Date(nowMs - this.deps.config.retentionDays * 86_400_000).toISOString();
    return deletePingsBefore(this.deps.db, cutoff);
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Stops timers, commits what is queued, closes every socket (1001) and writes the live state back. */
  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.stopListening();
    await this.deps.writer.close();
    this.pushAll();
    for (const ws of this.sockets.keys()) ws.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    for (const ws of this.sockets.keys()) ws.terminate();
    this.deps.live.writeBack(Date.now());
  }
}
