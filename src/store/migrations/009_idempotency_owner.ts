import type { Migration } from './types.js';

/**
 * Crash-safe idempotency (api): a claim names the process that holds it (`owner`: boot id and pid), so a retry
 * after a crash can tell an abandoned claim from one still running, and `committed_at` is set inside the very
 * transaction that commits the request's write, so a retry knows whether the write happened.
 */
export const migration: Migration = {
  version: 9,
  name: 'idempotency_owner',
  sql: `
ALTER TABLE idempotency ADD COLUMN owner TEXT;
ALTER TABLE idempotency ADD COLUMN committed_at TEXT;
`,
};
