/** How retries are spaced. Defaults spread `maxAttempts` over roughly a day (see `totalScheduleMs`). */
export interface BackoffPolicy {
  /** Delivery attempts in total, the first included, before a delivery is marked failed. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles each time. */
  baseMs: number;
  /** No single wait exceeds this (Retry-After included). */
  maxDelayMs: number;
}

// 30 s doubling, capped at 6 h: 14 attempts span ~26.5 h nominal, about a day with jitter (±20 % per wait).
export const DEFAULT_BACKOFF: BackoffPolicy = { maxAttempts: 14, baseMs: 30_000, maxDelayMs: 6 * 3_600_000 };

/** Nominal (jitter-free) wait after the `attempt`-th failed attempt (1-based). */
export function nominalDelayMs(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, attempt - 1);
  // Math.min before the power would overflow matters only beyond ~1000 attempts; clamp the exponent anyway.
  return Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.min(exponent, 40));
}

/**
 * Wait after the `attempt`-th failed attempt: the nominal delay with ±20 % jitter (so retries of many endpoints
 * that failed together spread out), then at least what the receiver asked for with Retry-After, all capped by
 * `maxDelayMs`.
 */
export function retryDelayMs(attempt: number, policy: BackoffPolicy, retryAfterMs: number | null, random: () => number = Math.random): number {
  const nominal = nominalDelayMs(attempt, policy);
  const jittered = nominal * (0.8 + 0.4 * random());
  const wanted = retryAfterMs === null ? jittered : Math.max(jittered, retryAfterMs);
  return Math.round(Math.min(policy.maxDelayMs, wanted));
}

/** Sum of the nominal waits between the first and the last attempt: how long a delivery keeps trying. */
export function totalScheduleMs(policy: BackoffPolicy): number {
  let total = 0;
  for (let attempt = 1; attempt < policy.maxAttempts; attempt++) total += nominalDelayMs(attempt, policy);
  return total;
}

/**
 * Parses a Retry-After header: delay-seconds or an HTTP date. Null when absent or unparsable; never negative.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const dateMs = Date.parse(trimmed);
  if (Number.isNaN(dateMs)) return null;
  return Math.max(0, dateMs - nowMs);
}
