import { stmt, type Db } from '../store/db.js';
import type { WebhookEndpointRow } from '../store/webhooks.js';
import { retryDelayMs, type BackoffPolicy } from './backoff.js';
import type { AttemptOutcome } from './deliver.js';
import type { DueDelivery } from './queue.js';

export interface FailurePolicy {
  backoff: BackoffPolicy;
  /** Final failures in a row that disable the endpoint. */
  disableAfterFailures: number;
  /** Failing without a success for this long disables the endpoint. */
  disableAfterMs: number;
}

/** What became of the delivery after this attempt. */
export type AttemptVerdict =
  | { kind: 'succeeded' }
  | { kind: 'retry'; nextAttemptAt: string; endpointDisabled: string | null }
  | { kind: 'failed'; endpointDisabled: string | null }
  /** The delivery or its endpoint was deleted while the request was in flight. */
  | { kind: 'gone' };

/**
 * Stores one attempt and its consequences in one transaction: the attempt log, the delivery's new state
 * (succeeded, retry at a backoff time, or failed after the last attempt) and the endpoint's health, disabling it
 * when it has failed too often or for too long.
 */
export function recordAttempt(
  db: Db,
  due: DueDelivery,
  outcome: AttemptOutcome,
  attemptedAtMs: number,
  policy: FailurePolicy,
  random: () => number = Math.random,
): AttemptVerdict {
  return db.transaction((): AttemptVerdict => {
    const current = stmt(db, 'SELECT status, attempts FROM webhook_deliveries WHERE id = ?').get(due.delivery_id) as
      | { status: string; attempts: number }
      | undefined;
    if (current === undefined || current.status !== 'pending') return { kind: 'gone' };
    const attempt = current.attempts + 1;
    const attemptedAt = new Date(attemptedAtMs).toISOString();

    let verdict: AttemptVerdict;
    let nextAttemptAt: string | null = null;
    if (outcome.ok) {
      verdict = { kind: 'succeeded' };
      stmt(db, 'UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL WHERE id = ?').run(due.endpoint_id);
    } else {
      const final = attempt >= policy.backoff.maxAttempts;
      if (!final) {
        nextAttemptAt = new Date(attemptedAtMs + retryDelayMs(attempt, policy.backoff, outcome.retryAfterMs, random)).toISOString();
      }
      stmt(
        db,
        `UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + ?, failing_since = COALESCE(failing_since, ?)
         WHERE id = ?`,
      ).run(final ? 1 : 0, attemptedAt, due.endpoint_id);
      const endpointDisabled = disableIfUnhealthy(db, due.endpoint_id, attemptedAtMs, policy);
      verdict = final ? { kind: 'failed', endpointDisabled } : { kind: 'retry', nextAttemptAt: nextAttemptAt ?? attemptedAt, endpointDisabled };
    }

    const status = verdict.kind === 'succeeded' ? 'succeeded' : verdict.kind === 'failed' ? 'failed' : 'pending';
    stmt(
      db,
      `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_attempt_at = ?, last_status_code = ?,
         last_duration_ms = ?, last_error = ?, updated_at = ? WHERE id = ?`,
    ).run(status, attempt, nextAttemptAt, attemptedAt, outcome.statusCode, outcome.durationMs, outcome.error, attemptedAt, due.delivery_id);
    stmt(
      db,
      `INSERT INTO webhook_attempts (delivery_id, endpoint_id, attempt, attempted_at, status_code, duration_ms, error, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(due.delivery_id, due.endpoint_id, attempt, attemptedAt, outcome.statusCode, outcome.durationMs, outcome.error, nextAttemptAt);
    return verdict;
  }).immediate();
}

/** Disables the endpoint (recording why) when its failure record crosses a limit; returns the reason or null. */
function disableIfUnhealthy(db: Db, endpointId: string, nowMs: number, policy: FailurePolicy): string | null {
  const endpoint = stmt(db, 'SELECT active, consecutive_failures, failing_since FROM webhook_endpoints WHERE id = ?').get(endpointId) as
    | Pick<WebhookEndpointRow, 'active' | 'consecutive_failures' | 'failing_since'>
    | undefined;
  if (endpoint === undefined || endpoint.active !== 1) return null;
  let reason: string | null = null;
  if (endpoint.consecutive_failures >= policy.disableAfterFailures) {
    reason = `${endpoint.consecutive_failures} deliveries in a row failed after every retry`;
  } else if (endpoint.failing_since !== null && nowMs - Date.parse(endpoint.failing_since) >= policy.disableAfterMs) {
    reason = `every attempt has failed since ${endpoint.failing_since}`;
  }
  if (reason === null) return null;
  const nowIso = new Date(nowMs).toISOString();
  stmt(db, 'UPDATE webhook_endpoints SET active = 0, disabled_reason = ?, disabled_at = ?, updated_at = ? WHERE id = ?').run(
    reason,
    nowIso,
    nowIso,
    endpointId,
  );
  return reason;
}
