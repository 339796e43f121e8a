import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, nominalDelayMs, parseRetryAfterMs, retryDelayMs, totalScheduleMs } from '../../src/webhooks/backoff.js';

describe('backoff', () => {
  const policy = { maxAttempts: 6, baseMs: 100, maxDelayMs: 1_000 };

  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => nominalDelayMs(a, policy))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('jitters within ±20 % of the nominal delay', () => {
    expect(retryDelayMs(3, policy, null, () => 0)).toBe(320);
    expect(retryDelayMs(3, policy, null, () => 0.5)).toBe(400);
    expect(retryDelayMs(3, policy, null, () => 0.999999)).toBe(480);
  });

  it('waits at least what Retry-After asks, but never beyond the cap', () => {
    expect(retryDelayMs(1, policy, 700, () => 0.5)).toBe(700);
    expect(retryDelayMs(4, policy, 10, () => 0.5)).toBe(800);
    expect(retryDelayMs(1, policy, 60_000, () => 0.5)).toBe(1_000);
  });

  it('spreads the default attempts over about a day', () => {
    const hours = totalScheduleMs(DEFAULT_BACKOFF) / 3_600_000;
    expect(hours).toBeGreaterThan(20);
    expect(hours).toBeLessThan(30);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-05-08T06:00:00.000Z');
    expect(parseRetryAfterMs('3', now)).toBe(3_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('Fri, 08 May 2026 06:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfterMs('Fri, 08 May 2026 05:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeNull();
    expect(parseRetryAfterMs(undefined, now)).toBeNull();
  });
});
