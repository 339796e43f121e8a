import { randomBytes } from 'node:crypto';
import { nowIso, stmt, type Db } from './db.js';
import { recordEvent } from './events.js';
import { newId } from './ids.js';

/** A webhook endpoint as stored. `topics_json` is a JSON array of topic names; `active` is 0/1. */
export interface WebhookEndpointRow {
  id: string;
  organization_id: string;
  url: string;
  topics_json: string;
  active: number;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  disabled_reason: string | null;
  disabled_at: string | null;
  consecutive_failures: number;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookDeliveryRow {
  id: string;
  endpoint_id: string;
  event_seq: number;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_duration_ms: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookAttemptRow {
  delivery_id: string;
  attempt: number;
  attempted_at: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  next_attempt_at: string | null;
}

/** 32 random bytes, base64url: what receivers put in their HMAC. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function countWebhookEndpoints(db: Db, organizationId: string): number {
  const row = stmt(db, 'SELECT COUNT(*) AS n FROM webhook_endpoints WHERE organization_id = ?').get(organizationId) as { n: number };
  return row.n;
}

export interface NewWebhookEndpoint {
  organizationId: string;
  url: string;
  topics: readonly string[];
  active: boolean;
}

/**
 * Inserts an endpoint unless the organization already has `maxPerOrg`; the count and the insert share a
 * transaction so two concurrent creations cannot both slip under the limit.
 */
export function createWebhookEndpoint(db: Db, input: NewWebhookEndpoint, maxPerOrg: number): WebhookEndpointRow | 'limit_reached' {
  return db.transaction((): WebhookEndpointRow | 'limit_reached' => {
    if (countWebhookEndpoints(db, input.organizationId) >= maxPerOrg) return 'limit_reached';
    const now = nowIso();
    const row: WebhookEndpointRow = {
      id: newId('whk'),
      organization_id: input.organizationId,
      url: input.url,
      topics_json: JSON.stringify([...new Set(input.topics)]),
      active: input.active ? 1 : 0,
      secret: newWebhookSecret(),
      previous_secret: null,
      previous_secret_expires_at: null,
      disabled_reason: null,
      disabled_at: null,
      consecutive_failures: 0,
      failing_since: null,
      created_at: now,
      updated_at: now,
    };
    stmt(
      db,
      `INSERT INTO webhook_endpoints (id, organization_id, url, topics_json, active, secret, consecutive_failures, created_at, updated_at)
       VALUES (@id, @organization_id, @url, @topics_json, @active, @secret, 0, @created_at, @updated_at)`,
    ).run(row);
    return row;
  }).immediate();
}

export function getWebhookEndpoint(db: Db, organizationId: string, id: string): WebhookEndpointRow | undefined {
  return stmt(db, 'SELECT * FROM webhook_endpoints WHERE organization_id = ? AND id = ?').get(organizationId, id) as WebhookEndpointRow | undefined;
}

/** Endpoints oldest first, `limit` per page; `afterId` is the last id of the previous page. */
export function listWebhookEndpoints(db: Db, organizationId: string, limit: number, afterId: string | null): WebhookEndpointRow[] {
  if (afterId === null) {
    return stmt(db, 'SELECT * FROM webhook_endpoints WHERE organization_id = ? ORDER BY created_at, id LIMIT ?').all(organizationId, limit) as WebhookEndpointRow[];
  }
  return stmt(
    db,
    `SELECT * FROM webhook_endpoints WHERE organization_id = ?
       AND (created_at, id) > (SELECT created_at, id FROM webhook_endpoints WHERE id = ?)
     ORDER BY created_at, id LIMIT ?`,
  ).all(organizationId, afterId, limit) as WebhookEndpointRow[];
}

export interface WebhookEndpointPatch {
  url?: string;
  topics?: readonly string[];
  active?: boolean;
}

/**
 * Applies a partial update. Turning an endpoint on clears why it was disabled and its failure record, so it
 * starts with a clean slate; its pending deliveries resume in order.
 */
export function updateWebhookEndpoint(db: Db, organizationId: string, id: string, patch: WebhookEndpointPatch): WebhookEndpointRow | undefined {
  return db.transaction(() => {
    const current = getWebhookEndpoint(db, organizationId, id);
    if (!current) return undefined;
    const next: WebhookEndpointRow = { ...current, updated_at: nowIso() };
    if (patch.url !== undefined) next.url = patch.url;
    if (patch.topics !== undefined) next.topics_json = JSON.stringify([...new Set(patch.topics)]);
    if (patch.active !== undefined) {
      next.active = patch.active ? 1 : 0;
      if (patch.active) {
        next.disabled_reason = null;
        next.disabled_at = null;
        next.consecutive_failures = 0;
        next.failing_since = null;
      }
    }
    stmt(
      db,
      `UPDATE webhook_endpoints SET url = @url, topics_json = @topics_json, active = @active, disabled_reason = @disabled_reason,
         disabled_at = @disabled_at, consecutive_failures = @consecutive_failures, failing_since = @failing_since, updated_at = @updated_at
       WHERE id = @id`,
    ).run(next);
    return next;
  }).immediate();
}

/** Deletes the endpoint with its deliveries and attempts. False when there was none. */
export function deleteWebhookEndpoint(db: Db, organizationId: string, id: string): boolean {
  return stmt(db, 'DELETE FROM webhook_endpoints WHERE organization_id = ? AND id = ?').run(organizationId, id).changes > 0;
}

/** New secret; the old one keeps signing (a second v1) for `graceMs` so receivers can switch without gaps. */
export function rotateWebhookSecret(db: Db, organizationId: string, id: string, graceMs: number): WebhookEndpointRow | undefined {
  return db.transaction(() => {
    const current = getWebhookEndpoint(db, organizationId, id);
    if (!current) return undefined;
    const now = Date.now();
    const next: WebhookEndpointRow = {
      ...current,
      secret: newWebhookSecret(),
      previous_secret: graceMs > 0 ? current.secret : null,
      previous_secret_expires_at: graceMs > 0 ? new Date(now + graceMs).toISOString() : null,
      updated_at: new Date(now).toISOString(),
    };
    stmt(
      db,
      `UPDATE webhook_endpoints SET secret = @secret, previous_secret = @previous_secret,
         previous_secret_expires_at = @previous_secret_expires_at, updated_at = @updated_at WHERE id = @id`,
    ).run(next);
    return next;
  }).immediate();
}

/** Writes a `test` event to the outbox for this one endpoint; the dispatcher routes it by resource id. */
export function enqueueWebhookTest(db: Db, endpoint: WebhookEndpointRow): string {
  return db.transaction(() =>
    recordEvent(db, {
      organizationId: endpoint.organization_id,
      type: 'test',
      resourceType: 'webhook_endpoint',
      resourceId: endpoint.id,
      data: { message: 'Test event from Milkrun', endpoint_id: endpoint.id, url: endpoint.url },
    }),
  ).immediate();
}

/** Most recent deliveries first (by event order); `beforeSeq` pages backwards. */
export function listWebhookDeliveries(db: Db, endpointId: string, limit: number, beforeSeq: number | null): WebhookDeliveryRow[] {
  return stmt(
    db,
    `SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND event_seq < ? ORDER BY event_seq DESC LIMIT ?`,
  ).all(endpointId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit) as WebhookDeliveryRow[];
}

export function getWebhookDelivery(db: Db, endpointId: string, deliveryId: string): WebhookDeliveryRow | undefined {
  return stmt(db, 'SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND id = ?').get(endpointId, deliveryId) as WebhookDeliveryRow | undefined;
}

/** The attempts of the given deliveries, newest first, at most `perDelivery` each. */
export function listWebhookAttempts(db: Db, deliveryIds: readonly string[], perDelivery: number): Map<string, WebhookAttemptRow[]> {
  const out = new Map<string, WebhookAttemptRow[]>();
  const query = stmt(
    db,
    `SELECT delivery_id, attempt, attempted_at, status_code, duration_ms, error, next_attempt_at
     FROM webhook_attempts WHERE delivery_id = ? ORDER BY rowid DESC LIMIT ?`,
  );
  for (const id of deliveryIds) out.set(id, query.all(id, perDelivery) as WebhookAttemptRow[]);
  return out;
}

/**
 * Puts a finished delivery back in its endpoint's queue for a fresh round of attempts, with the same event id.
 * 'pending' when it is still being tried (nothing to do).
 */
export function redeliverWebhook(db: Db, endpointId: string, deliveryId: string): WebhookDeliveryRow | 'pending' | undefined {
  return db.transaction(() => {
    const current = getWebhookDelivery(db, endpointId, deliveryId);
    if (!current) return undefined;
    if (current.status === 'pending') return 'pending';
    const now = nowIso();
    stmt(
      db,
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE id = ?`,
    ).run(now, now, deliveryId);
    return { ...current, status: 'pending' as const, attempts: 0, next_attempt_at: now, updated_at: now };
  }).immediate();
}
