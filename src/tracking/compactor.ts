/**
 * Keeps the ping journal short: every `everyMs` a round (journal-compaction.ts) copies what it holds into the
 * per-driver track, then the copied rows are deleted from the journal in small transactions on the main
 * connection (holding the tracking write gate; a step that finds it taken is retried a millisecond later).
 * For a file database the copying runs in a worker thread on its own connection (compaction-worker.ts); for
 * an in-memory one, or if the worker fails, on the main connection, one step per turn of the event loop.
 * `onMoved(id)` is told each time the rows through journal id `id` have left the journal.
 */
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Db } from '../store/db.js';
import { deleteJournalThrough, journalRange } from '../store/pings.js';
import { workerEntry } from '../workers/worker-entry.js';
import type { CompactionWorkerData } from './compaction-worker.js';
import { CopyRound, TRIM_STEP_ROWS } from './journal-compaction.js';
import { stalls } from './stalls.js';
import type { WriteGate } from './write-gate.js';

export interface CompactorOptions {
  everyMs: number;
  slices: number;
  /** Worker only: its pause between copy steps. */
  pauseMs?: number;
  cacheMb?: number;
  gate: WriteGate;
  onMoved: (throughId: number) => void;
}

type WorkerMessage = { copied: number; longestStepMs: number } | { error: string } | { stopped: true };

export class JournalCompactor {
  private worker: Worker | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inRound = false;
  private stopped = false;
  /** Journal rows through `trimTarget` are copied; those through `trimmedThrough` are deleted. */
  private trimTarget = 0;
  private trimmedThrough = 0;
  private trimming = false;

  constructor(
    private readonly db: Db,
    private readonly options: CompactorOptions,
  ) {
    if (options.everyMs <= 0) return;
    if (db.memory) this.runInProcess();
    else this.runInWorker();
  }

  private runInWorker(): void {
    const { url, entry } = workerEntry(import.meta.url, 'compaction-worker');
    const data: CompactionWorkerData & { entry: string | undefined } = {
      file: this.db.name,
      everyMs: this.options.everyMs,
      slices: this.options.slices,
      pauseMs: this.options.pauseMs ?? 1,
      cacheMb: this.options.cacheMb ?? 0,
      entry,
    };
    const worker = new Worker(url, { workerData: data });
    worker.unref();
    this.worker = worker;
    const fallBack = (why: string) => {
      if (this.worker !== worker || this.stopped) return;
      this.worker = null;
      void worker.terminate();
      console.error(`ping journal compaction worker failed (${why}); compacting on the main thread`);
      this.runInProcess();
    };
    worker.on('message', (msg: WorkerMessage) => {
      if ('copied' in msg) {
        stalls.record('compaction_copy', msg.longestStepMs);
        this.trimThrough(msg.copied);
      } else if ('error' in msg) fallBack(msg.error);
    });
    worker.on('error', (err) => fallBack(err.message));
  }

  private runInProcess(): void {
    this.timer = setInterval(() => this.roundInProcess(), this.options.everyMs);
    this.timer.unref();
  }

  private roundInProcess(): void {
    if (this.inRound) return;
    const round = CopyRound.plan(this.db, this.options.slices, this.trimTarget);
    if (round === null) return;
    this.inRound = true;
    const step = () => {
      if (this.stopped) {
        this.inRound = false;
        return;
      }
      if (round.done) {
        this.inRound = false;
        this.trimThrough(round.last);
        return;
      }
      const startedMs = performance.now();
      round.step(this.db);
      stalls.record('compaction_copy', performance.now() - startedMs);
      setImmediate(step);
    };
    step();
  }

  /** Deletes the copied rows through `id` from the journal, a few thousand per transaction. */
  private trimThrough(id: number): void {
    this.trimTarget = Math.max(this.trimTarget, id);
    if (this.trimming || this.stopped) return;
    const range = journalRange(this.db);
    if (range !== null) this.trimmedThrough = Math.max(this.trimmedThrough, range.first - 1);
    this.trimming = true;
    const step = () => {
      if (this.stopped) {
        this.trimming = false;
        return;
      }
      const through = Math.min(this.trimTarget, this.trimmedThrough + TRIM_STEP_ROWS);
      const startedMs = performance.now();
      if (!this.options.gate.tryRun(() => deleteJournalThrough(this.db, through))) {
        setTimeout(step, 1);
        return;
      }
      stalls.record('compaction_chunk', performance.now() - startedMs);
      this.trimmedThrough = through;
      this.options.onMoved(through);
      if (through < this.trimTarget) setImmediate(step);
      else this.trimming = false;
    };
    step();
  }

  /** Stops the rounds; resolves once the worker has closed its connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    const worker = this.worker;
    if (worker === null) return;
    this.worker = null;
    worker.postMessage({ stop: true });
    await Promise.race([once(worker, 'exit'), waitFor(worker, 'stopped'), new Promise((r) => setTimeout(r, 2000))]);
    await worker.terminate();
  }
}

function waitFor(worker: Worker, key: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (msg: Record<string, unknown>) => {
      if (!(key in msg)) return;
      worker.off('message', onMessage);
      resolve();
    };
    worker.on('message', onMessage);
  });
}
