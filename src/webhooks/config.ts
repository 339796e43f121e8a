import { z } from 'zod';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';

/** Webhook settings, read once from the environment (MILKRUN_WEBHOOKS_*). */
export interface WebhookConfig {
  /** MILKRUN_WEBHOOKS_ALLOW_PRIVATE=1: deliver to loopback/private/link-local (local development, tests). */
  allowPrivate: boolean;
  backoff: BackoffPolicy;
  /** Per attempt, connect to end of response. */
  timeoutMs: number;
  /** Endpoints delivered to at the same time. */
  concurrency: number;
  /** How often the dispatcher looks for new events and due retries when nothing nudges it. */
  pollMs: number;
  maxEndpointsPerOrg: number;
  /** Disable an endpoint after this many deliveries in a row finally failed... */
  disableAfterFailures: number;
  /** ...or once it has been failing without a single success for this long. */
  disableAfterMs: number;
  /** After a rotation the old secret keeps signing (as a second v1) for this long. */
  secretGraceMs: number;
  /** Finished deliveries (and their attempt log) are deleted this long after they finished; 0 keeps them. */
  retentionMs: number;
}

const HOUR_MS = 3_600_000;

export const DEFAULT_WEBHOOK_CONFIG: WebhookConfig = {
  allowPrivate: false,
  backoff: DEFAULT_BACKOFF,
  timeoutMs: 10_000,
  concurrency: 16,
  pollMs: 200,
  maxEndpointsPerOrg: 20,
  disableAfterFailures: 5,
  disableAfterMs: 72 * HOUR_MS,
  secretGraceMs: 24 * HOUR_MS,
  retentionMs: 30 * 24 * HOUR_MS,
};

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();

const envSchema = z.object({
  MILKRUN_WEBHOOKS_ALLOW_PRIVATE: z.enum(['0', '1', 'true', 'false']).optional(),
  MILKRUN_WEBHOOKS_MAX_ATTEMPTS: positiveInt.optional(),
  MILKRUN_WEBHOOKS_BACKOFF_BASE_MS: nonNegativeInt.optional(),
  MILKRUN_WEBHOOKS_BACKOFF_MAX_MS: nonNegativeInt.optional(),
  MILKRUN_WEBHOOKS_TIMEOUT_MS: positiveInt.optional(),
  MILKRUN_WEBHOOKS_CONCURRENCY: positiveInt.optional(),
  MILKRUN_WEBHOOKS_POLL_MS: positiveInt.optional(),
  MILKRUN_WEBHOOKS_MAX_PER_ORG: positiveInt.optional(),
  MILKRUN_WEBHOOKS_DISABLE_AFTER_FAILURES: positiveInt.optional(),
  MILKRUN_WEBHOOKS_DISABLE_AFTER_HOURS: z.coerce.number().positive().optional(),
  MILKRUN_WEBHOOKS_SECRET_GRACE_HOURS: z.coerce.number().nonnegative().optional(),
  MILKRUN_WEBHOOKS_RETENTION_DAYS: z.coerce.number().nonnegative().optional(),
});

/** Empty strings count as unset, like an unset variable. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (key.startsWith('MILKRUN_WEBHOOKS_') && value) out[key] = value;
  return out;
}

/** Throws with the offending variable named when a value is malformed: a bad setting should stop startup. */
export function loadWebhookConfig(env: NodeJS.ProcessEnv = process.env): WebhookConfig {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid webhook setting ${String(issue?.path[0] ?? '')}: ${issue?.message ?? 'malformed'}`);
  }
  const e = parsed.data;
  const d = DEFAULT_WEBHOOK_CONFIG;
  return {
    allowPrivate: e.MILKRUN_WEBHOOKS_ALLOW_PRIVATE === '1' || e.MILKRUN_WEBHOOKS_ALLOW_PRIVATE === 'true',
    backoff: {
      maxAttempts: e.MILKRUN_WEBHOOKS_MAX_ATTEMPTS ?? d.backoff.maxAttempts,
      baseMs: e.MILKRUN_WEBHOOKS_BACKOFF_BASE_MS ?? d.backoff.baseMs,
      maxDelayMs: e.MILKRUN_WEBHOOKS_BACKOFF_MAX_MS ?? d.backoff.maxDelayMs,
    },
    timeoutMs: e.MILKRUN_WEBHOOKS_TIMEOUT_MS ?? d.timeoutMs,
    concurrency: e.MILKRUN_WEBHOOKS_CONCURRENCY ?? d.concurrency,
    pollMs: e.MILKRUN_WEBHOOKS_POLL_MS ?? d.pollMs,
    maxEndpointsPerOrg: e.MILKRUN_WEBHOOKS_MAX_PER_ORG ?? d.maxEndpointsPerOrg,
    disableAfterFailures: e.MILKRUN_WEBHOOKS_DISABLE_AFTER_FAILURES ?? d.disableAfterFailures,
    disableAfterMs: e.MILKRUN_WEBHOOKS_DISABLE_AFTER_HOURS !== undefined ? e.MILKRUN_WEBHOOKS_DISABLE_AFTER_HOURS * HOUR_MS : d.disableAfterMs,
    secretGraceMs: e.MILKRUN_WEBHOOKS_SECRET_GRACE_HOURS !== undefined ? e.MILKRUN_WEBHOOKS_SECRET_GRACE_HOURS * HOUR_MS : d.secretGraceMs,
    retentionMs: e.MILKRUN_WEBHOOKS_RETENTION_DAYS !== undefined ? e.MILKRUN_WEBHOOKS_RETENTION_DAYS * 24 * HOUR_MS : d.retentionMs,
  };
}
