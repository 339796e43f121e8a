import type { Migration } from './types.js';

/**
 * Webhook endpoints, one delivery row per (endpoint, event), every attempt of it, and the dispatcher's cursor
 * into the `events` outbox. Fan-out inserts deliveries and advances the cursor in one transaction, so after a
 * crash each event is fanned out exactly once.
 */
export const migration: Migration = {
  version: 4,
  name: 'webhooks',
  sql: `
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  topics_json TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  -- Kept in clear because signing needs it; shown to the client once, at creation or rotation.
  secret TEXT NOT NULL,
  -- After a rotation the old secret also signs (a second v1) until this time, so receivers can switch calmly.
  previous_secret TEXT,
  previous_secret_expires_at TEXT,
  disabled_reason TEXT,
  disabled_at TEXT,
  -- Final failures in a row and when the current run of failed attempts began (null while healthy).
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  failing_since TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints(organization_id, created_at);

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event_seq INTEGER NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  -- Attempts in the current round; a manual redelivery starts a new round at 0.
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_attempt_at TEXT,
  last_status_code INTEGER,
  last_duration_ms INTEGER,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (endpoint_id, event_seq)
);
-- The head of each endpoint's queue: its pending delivery with the smallest event_seq.
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries(endpoint_id, status, event_seq);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);

CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  endpoint_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  attempted_at TEXT NOT NULL,
  status_code INTEGER,
  duration_ms INTEGER NOT NULL,
  error TEXT,
  -- When the next try is scheduled after this one; null when this attempt ended the round.
  next_attempt_at TEXT
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts(endpoint_id, attempted_at);

CREATE TABLE webhook_dispatch_cursor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_event_seq INTEGER NOT NULL
);
-- Start after the events that already exist: endpoints never receive history from before webhooks existed.
INSERT INTO webhook_dispatch_cursor (id, last_event_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM events;
`,
};
