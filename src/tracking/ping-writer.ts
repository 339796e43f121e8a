/**
 * Group commit of driver messages. Pings and stop events are queued and applied in one SQLite transaction
 * per batch (at most `flushDelayMs` after the first queued message, or at `maxBatch` messages). A message's
 * reply (`ack`, or `error` for a refused stop event) is released only after its batch has committed, so an
 * acknowledged message survives a crash; the driver app resends whatever was not acknowledged.
 * A replayed (driver, seq) gets the same answer again without being applied twice.
 */
import { performance } from 'node:perf_hooks';
import type { Db } from '../store/db.js';
import type { DriverIdentity } from '../store/driver-tokens.js';
import { appendPing, compactPingJournal, findStopEvent, insertStopEvent, maxSeqOf, pingStored } from '../store/pings.js';
import { stopBelongsToDriver } from '../store/tracking-routes.js';
import type { LiveState } from './live-state.js';
import { isoOf } from './iso.js';
import { JournalCompactor } from './compactor.js';
import { SeqRing } from './seq-ring.js';
import { stalls } from './stalls.js';
import { WriteGate } from './write-gate.js';
import type { AckFrame, ErrorFrame, PingFrame, StopEventFrame } from './messages.js';

export type Reply = AckFrame | ErrorFrame;

/** The stop lifecycle shared with the REST API (src/lifecycle/stop-status.ts changeStopStatus), injected. */
export type ChangeStopStatus = (
  db: Db,
  organizationId: string,
  stopId: string,
  to: 'arrived' | 'completed' | 'failed',
  details: { reason?: string; note?: string; proof?: { note?: string; signee?: string; photo_urls?: string[] } },
  actor: string,
) => unknown;

type Pending =
  | { kind: 'ping'; who: DriverIdentity; frame: PingFrame; receivedMs: number; reply: (r: Reply) => void }
  | { kind: 'stop_event'; who: DriverIdentity; frame: StopEventFrame; receivedMs: number; reply: (r: Reply) => void };

export interface PingWriterOptions {
  flushDelayMs: number;
  maxBatch: number;
  /** The ping journal is moved into the sorted store this often (0: only on close / by hand) ... */
  compactEveryMs?: number;
  /** ... in this many copy steps, each its own transaction on the track file (see compactor.ts). */
  compactSlices?: number;
  /** Page cache for the track file on the compaction worker's connection (MB). */
  pageCacheMb?: number;
  /** Shared with the WAL checkpoint worker (see write-gate.ts); a private one when absent. */
  gate?: WriteGate;
}

/**
 * What the writer knows of a driver's seqs without asking the database: the highest one stored, and the
 * pings appended to the journal since the last compaction. A seq above `maxSeq` is new without a lookup,
 * which is the normal case (apps count up); only replays and stragglers cost a read.
 */
interface SeqState {
  driverId: string;
  maxSeq: number;
  /** Seqs of this driver's pings in the journal (not moved yet), in append order: the oldest leaves first. */
  journal: SeqRing;
}

/** An error thrown by the lifecycle with a code (DomainError) becomes the driver's error frame. */
function codeOf(err: unknown): { code: string; message: string } | undefined {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return { code: err.code, message: err.message };
  return undefined;
}

export class PingWriter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly seqs = new Map<string, SeqState>();
  /** Seq-state changes of the batch in progress (parallel arrays, reused), undone if its transaction fails. */
  private undoStates: SeqState[] = [];
  private undoPrevMax: number[] = [];
  private undoJournaled: boolean[] = [];
  /**
   * Journal rows not yet moved, oldest first: entry i is journal id journalIds[i], a ping of the driver whose
   * state is journalStates[i]. Consumed from `journalHead` as chunks move.
   */
  private journalIds: number[] = [];
  private journalStates: SeqState[] = [];
  private journalHead = 0;
  private readonly compactor: JournalCompactor;
  /** Held for every commit to the main file (see write-gate.ts). */
  readonly gate: WriteGate;
  /** Messages committed since start (for the load benchmark and tests). */
  committed = 0;
  batches = 0;
  /**
   * Receive-to-commit milliseconds of messages committed since the last takeLatencies(), in a reused typed
   * array (a fresh array a second of 20,000 numbers was large-object garbage).
   */
  private latencies = new Float64Array(1024);
  private latencyCount = 0;
  recordLatencies = false;

  constructor(
    private readonly db: Db,
    private readonly live: LiveState,
    private readonly changeStopStatus: ChangeStopStatus,
    private readonly options: PingWriterOptions,
  ) {
    // The dedupe state starts empty, so the journal must hold nothing this writer did not append.
    compactPingJournal(db);
    this.gate = options.gate ?? new WriteGate();
    this.compactor = new JournalCompactor(db, {
      everyMs: options.compactEveryMs ?? 0,
      slices: options.compactSlices ?? 32,
      cacheMb: options.pageCacheMb ?? 0,
      gate: this.gate,
      onMoved: (throughId) => this.forgetJournal(throughId),
    });
  }

  /** Moves the whole journal now, but for its newest row (tests, shutdown; see compactPingJournal). */
  compact(): number {
    const moved = this.gate.run(() => compactPingJournal(this.db));
    this.forgetJournal(Number.POSITIVE_INFINITY);
    return moved;
  }

  /** The journal rows up to `throughId` have moved: lookups answer for those seqs from now on. */
  private forgetJournal(throughId: number): void {
    let i = this.journalHead;
    while (i < this.journalIds.length && this.journalIds[i]! <= throughId) {
      // A driver's entries leave in the order they came, so this one is the oldest of its list.
      this.journalStates[i]!.journal.shift();
      i++;
    }
    this.journalHead = i;
    if (i === this.journalIds.length || i > 65_536) {
      // In place (no new arrays): these are large, long-lived arrays, and copies of them were old-space garbage.
      const keep = this.journalIds.length - i;
      this.journalIds.copyWithin(0, i);
      this.journalStates.copyWithin(0, i);
      this.journalIds.length = this.journalStates.length = keep;
      this.journalHead = 0;
    }
  }

  private seqStateOf(driverId: string): SeqState {
    let state = this.seqs.get(driverId);
    if (state === undefined) {
      state = { driverId, maxSeq: maxSeqOf(this.db, driverId), journal: new SeqRing() };
      this.seqs.set(driverId, state);
    }
    return state;
  }

  /** True when the driver already sent a ping with this seq (journal or store). */
  private pingSeen(driverId: string, state: SeqState, seq: number): boolean {
    if (seq > state.maxSeq) return false;
    return state.journal.includes(seq) || pingStored(this.db, driverId, seq);
  }

  private remember(state: SeqState, seq: number, journalId: number | null): void {
    this.undoStates.push(state);
    this.undoPrevMax.push(state.maxSeq);
    this.undoJournaled.push(journalId !== null);
    if (seq > state.maxSeq) state.maxSeq = seq;
    if (journalId === null) return;
    state.journal.push(seq);
    this.journalIds.push(journalId);
    this.journalStates.push(state);
  }

  get pending(): number {
    return this.queue.length;
  }

  enqueuePing(who: DriverIdentity, frame: PingFrame, reply: (r: Reply) => void): void {
    this.enqueue({ kind: 'ping', who, frame, receivedMs: Date.now(), reply });
  }

  enqueueStopEvent(who: DriverIdentity, frame: StopEventFrame, reply: (r: Reply) => void): void {
    this.enqueue({ kind: 'stop_event', who, frame, receivedMs: Date.now(), reply });
  }

  private enqueue(item: Pending): void {
    if (this.closed) {
      item.reply({ type: 'error', seq: item.frame.seq, code: 'unavailable', message: 'server is shutting down; resend' });
      return;
    }
    this.queue.push(item);
    if (this.queue.length >= this.options.maxBatch) this.flushSoon();
    else if (this.timer === null) this.timer = setTimeout(() => this.flushSoon(), this.options.flushDelayMs);
  }

  /**
   * Commits what is queued unless a background writer holds the gate; then tries again in a millisecond
   * (meanwhile the event loop keeps reading sockets) rather than sleep in SQLite's busy handler.
   */
  private flushSoon(): void {
    this.clearTimer();
    if (this.queue.length === 0) return;
    if (!this.gate.tryEnter()) {
      this.timer = setTimeout(() => this.flushSoon(), 1);
      return;
    }
    try {
      this.commitQueued();
    } finally {
      this.gate.leave();
    }
  }

  /** Commits everything queued now (waiting, if need be, for a background writer's step to end). */
  flush(): void {
    this.clearTimer();
    if (this.queue.length === 0) return;
    this.gate.run(() => this.commitQueued());
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
  }

  /** Commits everything queued in one transaction, then releases the replies. The caller holds the gate. */
  private commitQueued(): void {
    const batch = this.queue;
    this.queue = [];
    const startedMs = performance.now();
    const replies: Reply[] = new Array<Reply>(batch.length);
    this.undoStates.length = this.undoPrevMax.length = this.undoJournaled.length = 0;
    const journalLength = this.journalIds.length;
    try {
      this.db.transaction(() => {
        for (let i = 0; i < batch.length; i++) replies[i] = this.apply(batch[i]!);
      })();
      this.committed += batch.length;
      this.batches++;
      if (this.recordLatencies) {
        const now = Date.now();
        if (this.latencyCount + batch.length > this.latencies.length) {
          const bigger = new Float64Array(2 * (this.latencyCount + batch.length));
          bigger.set(this.latencies.subarray(0, this.latencyCount));
          this.latencies = bigger;
        }
        for (const item of batch) this.latencies[this.latencyCount++] = now - item.receivedMs;
      }
    } catch {
      for (let i = this.undoStates.length - 1; i >= 0; i--) {
        const state = this.undoStates[i]!;
        state.maxSeq = this.undoPrevMax[i]!;
        // Undone newest first: the seq to drop is the last one this driver's list gained.
        if (this.undoJournaled[i]) state.journal.pop();
      }
      this.journalIds.length = this.journalStates.length = journalLength;
      // Nothing of the batch is stored: no acks, the apps resend. Memory may be ahead of the database, so
      // it is rebuilt from what is stored.
      for (let i = 0; i < batch.length; i++) {
        replies[i] = { type: 'error', seq: batch[i]!.frame.seq, code: 'internal', message: 'not stored; resend' };
      }
      this.live.rebuild(Date.now());
    }
    for (let i = 0; i < batch.length; i++) batch[i]!.reply(replies[i]!);
    stalls.record('batch', performance.now() - startedMs);
  }

  private apply(item: Pending): Reply {
    return item.kind === 'ping' ? this.applyPing(item.who, item.frame, item.receivedMs) : this.applyStopEvent(item);
  }

  private applyPing(who: DriverIdentity, f: PingFrame, receivedMs: number): Reply {
    const tsMs = Date.parse(f.ts);
    const tsIso = isoOf(tsMs);
    const state = this.seqStateOf(who.driverId);
    // A replay (or a seq already used by a stop event) is acknowledged again, never stored twice.
    if (this.pingSeen(who.driverId, state, f.seq) || (f.seq <= state.maxSeq && findStopEvent(this.db, who.driverId, f.seq))) {
      return { type: 'ack', seq: f.seq };
    }
    const d = this.live.ensure(who);
    const journalId = appendPing(this.db, {
      driverId: who.driverId,
      seq: f.seq,
      organizationId: who.organizationId,
      routeId: d.routeId,
      lat: f.lat,
      lng: f.lng,
      ts: tsIso,
      speedMps: f.speed_mps ?? null,
      heading: f.heading ?? null,
      accuracyM: f.accuracy_m ?? null,
      batteryPct: f.battery_pct ?? null,
      receivedAt: isoOf(receivedMs),
    });
    this.remember(state, f.seq, journalId);
    this.live.applyPing(
      who,
      {
        lat: f.lat,
        lng: f.lng,
        tsIso,
        tsMs,
        speedMps: f.speed_mps ?? null,
        heading: f.heading ?? null,
        batteryPct: f.battery_pct ?? null,
      },
      receivedMs,
    );
    return { type: 'ack', seq: f.seq };
  }

  private applyStopEvent(item: Extract<Pending, { kind: 'stop_event' }>): Reply {
    const { who, frame: f } = item;
    const seen = findStopEvent(this.db, who.driverId, f.seq);
    if (seen !== undefined) {
      return seen.errorCode === null
        ? { type: 'ack', seq: f.seq }
        : { type: 'error', seq: f.seq, code: seen.errorCode, message: seen.errorMessage ?? '' };
    }
    const state = this.seqStateOf(who.driverId);
    if (this.pingSeen(who.driverId, state, f.seq)) return { type: 'ack', seq: f.seq };
    const atMs = f.ts === undefined ? item.receivedMs : Date.parse(f.ts);
    let refused: { code: string; message: string } | undefined;
    if (!stopBelongsToDriver(this.db, who.organizationId, f.stop_id, who.driverId)) {
      refused = { code: 'not_found', message: `stop ${f.stop_id} is not on this driver's route` };
    } else {
      try {
        // A nested transaction is a savepoint: a refused change leaves nothing of itself behind.
        this.db.transaction(() => {
          const details: Parameters<ChangeStopStatus>[4] = {};
          if (f.reason !== undefined) details.reason = f.reason;
          if (f.note !== undefined) details.note = f.note;
          if (f.pod !== undefined) details.proof = f.pod;
          this.changeStopStatus(this.db, who.organizationId, f.stop_id, f.event, details, `driver:${who.driverId}`);
        })();
      } catch (err) {
        refused = codeOf(err);
        if (refused === undefined) throw err;
      }
    }
    insertStopEvent(
      this.db,
      {
        driverId: who.driverId,
        seq: f.seq,
        organizationId: who.organizationId,
        stopId: f.stop_id,
        event: f.event,
        ts: new Date(atMs).toISOString(),
      },
      { errorCode: refused?.code ?? null, errorMessage: refused?.message ?? null },
    );
    this.remember(state, f.seq, null);
    if (refused !== undefined) return { type: 'error', seq: f.seq, ...refused };
    this.live.applyStopEvent(who, f.stop_id, f.event, atMs);
    return { type: 'ack', seq: f.seq };
  }

  /** Receive-to-commit latencies since the last call (only while recordLatencies is on). */
  takeLatencies(): Float64Array {
    const out = this.latencies.slice(0, this.latencyCount);
    this.latencyCount = 0;
    return out;
  }

  /**
   * Commits what is queued, compacts the journal and refuses anything later; the returned promise settles once
   * the compaction worker has closed its connection.
   */
  close(): Promise<void> {
    const stopped = this.compactor.stop();
    this.flush();
    this.compact();
    this.closed = true;
    return stopped;
  }
}
