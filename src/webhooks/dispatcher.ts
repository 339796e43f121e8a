import { setMaxListeners } from 'node:events';
import type { Db } from '../store/db.js';
import type { WebhookConfig } from './config.js';
import { postWebhook, type AttemptOutcome, type WebhookPost } from './deliver.js';
import { dueHeads, fanOutEvents, payloadOf, pruneFinishedDeliveries, signingSecrets, type DueDelivery } from './queue.js';
import { recordAttempt, type AttemptVerdict } from './record-attempt.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './sign.js';
import { onWebhookWork } from './wake.js';

/** The part of a pino/fastify logger the dispatcher uses. */
export interface DispatcherLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface DispatcherDeps {
  db: Db;
  config: WebhookConfig;
  /** Clock in ms; injected by tests to step through backoff without waiting. */
  now?: () => number;
  random?: () => number;
  post?: (post: WebhookPost) => Promise<AttemptOutcome>;
  log?: DispatcherLog;
}

export interface TickReport {
  /** Deliveries created from new outbox events. */
  fannedOut: number;
  /** Attempts started (and, for `tick`, finished). */
  attempted: number;
}

export interface WebhookDispatcher {
  /** Polls every `pollMs` and whenever the doorbell rings (`ringWebhookDispatcher`). */
  start(): void;
  /** Stops polling and aborts requests in flight; they stay pending, unrecorded, and go out again after a restart. */
  stop(): Promise<void>;
  /** Run a pass now instead of at the next poll. */
  nudge(): void;
  /** One pass by hand (tests): fan out, send every due queue head, wait until all of them are recorded. */
  tick(): Promise<TickReport>;
}

const USER_AGENT = 'Milkrun-Webhooks/1';
/** How often old finished deliveries are pruned. */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Reads the outbox, fans events out to subscribed endpoints, and delivers each endpoint's queue strictly in
 * event order: only the head of a queue is ever in flight, so event n+1 waits until event n succeeded or
 * finally failed. Different endpoints proceed concurrently up to `concurrency`, and nothing here runs on a
 * request path, so a slow receiver costs a slot (bounded by the timeout), never API latency.
 */
export function createWebhookDispatcher(deps: DispatcherDeps): WebhookDispatcher {
  const { db, config } = deps;
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const post = deps.post ?? ((p: WebhookPost) => postWebhook(p, now));
  const policy = { backoff: config.backoff, disableAfterFailures: config.disableAfterFailures, disableAfterMs: config.disableAfterMs };

  /** Endpoint id → its one attempt in flight. */
  const inFlight = new Map<string, Promise<void>>();
  /** The endpoints in `inFlight` that were failing when their attempt started. */
  const failingInFlight = new Set<string>();
  const failingSlots = Math.max(1, Math.floor(config.concurrency / 2));
  let timer: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;
  let running = false;
  let unsubscribe: (() => void) | null = null;
  let shutdown = new AbortController();
  let lastPruneMs = -Infinity;

  async function attempt(due: DueDelivery): Promise<void> {
    const body = payloadOf(due);
    const sentAtMs = now();
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      [EVENT_ID_HEADER]: due.event_id,
      [SIGNATURE_HEADER]: signatureHeader(body, signingSecrets(due, new Date(sentAtMs).toISOString()), Math.floor(sentAtMs / 1000)),
    };
    const signal = shutdown.signal;
    const outcome = await post({ url: due.url, body, headers, timeoutMs: config.timeoutMs, allowPrivate: config.allowPrivate, signal });
    // Cut short by stop(): not the receiver's fault, so it does not count as an attempt.
    if (signal.aborted) return;
    let verdict: AttemptVerdict;
    try {
      verdict = recordAttempt(db, due, outcome, now(), policy, random);
    } catch (err) {
      // The attempt stays pending in the database and is retried on a later pass: at least once, never lost.
      deps.log?.error({ err, deliveryId: due.delivery_id }, 'webhook attempt could not be recorded');
      return;
    }
    if ((verdict.kind === 'retry' || verdict.kind === 'failed') && verdict.endpointDisabled !== null) {
      deps.log?.warn({ endpointId: due.endpoint_id, reason: verdict.endpointDisabled }, 'webhook endpoint disabled');
    }
  }

  /** Fans out, then starts due queue heads in free slots. Returns the attempts it started. */
  function pass(): { fannedOut: number; started: Promise<void>[] } {
    const nowMs = now();
    const nowIso = new Date(nowMs).toISOString();
    const fannedOut = fanOutEvents(db, nowIso);
    if (config.retentionMs > 0 && nowMs - lastPruneMs >= PRUNE_EVERY_MS) {
      lastPruneMs = nowMs;
      pruneFinishedDeliveries(db, new Date(nowMs - config.retentionMs).toISOString());
    }
    const started: Promise<void>[] = [];
    const free = config.concurrency - inFlight.size;
    if (free <= 0) return { fannedOut, started };
    // Heads of queues already in flight come back too; ask for enough rows to still fill every free slot.
    const heads = dueHeads(db, nowIso, free + inFlight.size).filter((head) => !inFlight.has(head.endpoint_id));
    for (const head of heads) {
      if (started.length >= free) break;
      // Failing endpoints (often ones that hang until the timeout) may hold at most half the slots, so healthy
      // endpoints always have the other half however many receivers are down.
      if (head.failing === 1 && failingInFlight.size >= failingSlots) continue;
      const endpointId = head.endpoint_id;
      if (head.failing === 1) failingInFlight.add(endpointId);
      const work = attempt(head)
        .catch((err: unknown) => deps.log?.error({ err, deliveryId: head.delivery_id }, 'webhook attempt crashed'))
        .finally(() => {
          inFlight.delete(endpointId);
          failingInFlight.delete(endpointId);
          // A finished head may have a successor ready right away.
          if (running) nudge();
        });
      inFlight.set(endpointId, work);
      started.push(work);
    }
    return { fannedOut, started };
  }

  function schedule(delayMs: number): void {
    if (!running) return;
    if (delayMs === 0) {
      // setTimeout(0) waits at least 1 ms; a queue draining one head at a time would spend most of it idle.
      if (immediate !== null) return;
      immediate = setImmediate(() => {
        immediate = null;
        if (timer !== null) clearTimeout(timer);
        loop();
      });
      return;
    }
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(loop, delayMs);
    // The poll alone must not keep a process alive that is otherwise done.
    timer.unref();
  }

  function loop(): void {
    timer = null;
    try {
      pass();
    } catch (err) {
      deps.log?.error({ err }, 'webhook dispatcher pass failed');
    }
    schedule(config.pollMs);
  }

  function nudge(): void {
    schedule(0);
  }

  return {
    start() {
      if (running) return;
      running = true;
      shutdown = new AbortController();
      // Every request in flight listens on this one signal.
      setMaxListeners(config.concurrency + 10, shutdown.signal);
      unsubscribe = onWebhookWork(nudge);
      schedule(0);
    },
    async stop() {
      running = false;
      unsubscribe?.();
      unsubscribe = null;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (immediate !== null) clearImmediate(immediate);
      immediate = null;
      shutdown.abort();
      await Promise.allSettled([...inFlight.values()]);
    },
    nudge,
    async tick() {
      const { fannedOut, started } = pass();
      await Promise.allSettled([...inFlight.values()]);
      return { fannedOut, attempted: started.length };
    },
  };
}
