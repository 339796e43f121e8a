import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_CONFIG, loadWebhookConfig } from '../../src/webhooks/config.js';

describe('loadWebhookConfig', () => {
  it('uses the defaults when nothing is set, refusing private destinations', () => {
    expect(loadWebhookConfig({})).toEqual(DEFAULT_WEBHOOK_CONFIG);
    expect(DEFAULT_WEBHOOK_CONFIG.allowPrivate).toBe(false);
  });

  it('reads every MILKRUN_WEBHOOKS_* setting', () => {
    const config = loadWebhookConfig({
      MILKRUN_WEBHOOKS_ALLOW_PRIVATE: '1',
      MILKRUN_WEBHOOKS_MAX_ATTEMPTS: '3',
      MILKRUN_WEBHOOKS_BACKOFF_BASE_MS: '50',
      MILKRUN_WEBHOOKS_BACKOFF_MAX_MS: '400',
      MILKRUN_WEBHOOKS_TIMEOUT_MS: '1500',
      MILKRUN_WEBHOOKS_CONCURRENCY: '4',
      MILKRUN_WEBHOOKS_POLL_MS: '25',
      MILKRUN_WEBHOOKS_MAX_PER_ORG: '2',
      MILKRUN_WEBHOOKS_DISABLE_AFTER_FAILURES: '7',
      MILKRUN_WEBHOOKS_DISABLE_AFTER_HOURS: '1.5',
      MILKRUN_WEBHOOKS_SECRET_GRACE_HOURS: '0',
      MILKRUN_WEBHOOKS_RETENTION_DAYS: '2',
    });
    expect(config).toEqual({
      allowPrivate: true,
      backoff: { maxAttempts: 3, baseMs: 50, maxDelayMs: 400 },
      timeoutMs: 1500,
      concurrency: 4,
      pollMs: 25,
      maxEndpointsPerOrg: 2,
      disableAfterFailures: 7,
      disableAfterMs: 5_400_000,
      secretGraceMs: 0,
      retentionMs: 172_800_000,
    });
  });

  it('names the variable when a value is malformed', () => {
    expect(() => loadWebhookConfig({ MILKRUN_WEBHOOKS_MAX_ATTEMPTS: 'many' })).toThrow(/MILKRUN_WEBHOOKS_MAX_ATTEMPTS/);
    expect(() => loadWebhookConfig({ MILKRUN_WEBHOOKS_ALLOW_PRIVATE: 'yes' })).toThrow(/MILKRUN_WEBHOOKS_ALLOW_PRIVATE/);
    expect(() => loadWebhookConfig({ MILKRUN_WEBHOOKS_CONCURRENCY: '0' })).toThrow(/MILKRUN_WEBHOOKS_CONCURRENCY/);
  });
});
