import { openDb, type Db } from '../../src/store/db.js';
import { recordEvent } from '../../src/store/events.js';
import { migration as core } from '../../src/store/migrations/001_core.js';
import { migration as webhooks } from '../../src/store/migrations/004_webhooks.js';
import { createOrganization } from '../../src/store/organizations.js';
import { DEFAULT_WEBHOOK_CONFIG, type WebhookConfig } from '../../src/webhooks/config.js';

/** A fresh in-memory database with only the migrations webhooks depend on. */
export function webhookTestDb(): Db {
  return openDb(':memory:', [core, webhooks]);
}

export function testOrganization(db: Db, name = 'Acme'): string {
  return createOrganization(db, name).id;
}

/** Writes an outbox event the way domain code does: inside a transaction. */
export function emit(db: Db, organizationId: string, type: string, resourceId: string, data: unknown = { n: resourceId }): string {
  return db.transaction(() => recordEvent(db, { organizationId, type, resourceType: type.split('.')[0] ?? 'x', resourceId, data }))();
}

/** Short timings and loopback allowed; backoff 1 s doubling so tests step the injected clock, never sleep. */
export function testConfig(overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return {
    ...DEFAULT_WEBHOOK_CONFIG,
    allowPrivate: true,
    timeoutMs: 2_000,
    backoff: { maxAttempts: 4, baseMs: 1_000, maxDelayMs: 600_000 },
    disableAfterFailures: 2,
    ...overrides,
  };
}
