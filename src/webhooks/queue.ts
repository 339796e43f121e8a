import { stmt, type Db } from '../store/db.js';
import { newId } from '../store/ids.js';
import type { WebhookEndpointRow } from '../store/webhooks.js';
import { TEST_TOPIC } from './topics.js';

/** Events read from the outbox per fan-out transaction. */
const FAN_OUT_BATCH = 500;

interface OutboxEventHead {
  seq: number;
  id: string;
  organization_id: string;
  type: string;
  resource_id: string;
}

interface SubscribedEndpoint {
  id: string;
  topics: Set<string>;
}

/**
 * Moves new outbox events into per-endpoint delivery queues. Each batch inserts its deliveries and advances the
 * cursor in one transaction: a crash before the commit redoes the batch, a crash after it never repeats it.
 * Returns how many deliveries were created.
 */
export function fanOutEvents(db: Db, nowIso: string): number {
  let created = 0;
  for (;;) {
    const batch = db.transaction((): { events: number; deliveries: number } => {
      const cursor = stmt(db, 'SELECT last_event_seq FROM webhook_dispatch_cursor WHERE id = 1').get() as { last_event_seq: number };
      const events = stmt(db, 'SELECT seq, id, organization_id, type, resource_id FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(
        cursor.last_event_seq,
        FAN_OUT_BATCH,
      ) as OutboxEventHead[];
      const last = events[events.length - 1];
      if (last === undefined) return { events: 0, deliveries: 0 };
      const endpointsByOrg = new Map<string, SubscribedEndpoint[]>();
      const insert = stmt(
        db,
        `INSERT OR IGNORE INTO webhook_deliveries (id, endpoint_id, event_seq, event_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
      );
      let deliveries = 0;
      for (const event of events) {
        let endpoints = endpointsByOrg.get(event.organization_id);
        if (endpoints === undefined) {
          endpoints = activeEndpoints(db, event.organization_id);
          endpointsByOrg.set(event.organization_id, endpoints);
        }
        for (const endpoint of endpoints) {
          // A test event goes only to the endpoint it names, whatever that endpoint subscribed to.
          const wanted = event.type === TEST_TOPIC ? endpoint.id === event.resource_id : endpoint.topics.has(event.type);
          if (!wanted) continue;
          deliveries += insert.run(newId('dlv'), endpoint.id, event.seq, event.id, event.type, nowIso, nowIso, nowIso).changes;
        }
      }
      stmt(db, 'UPDATE webhook_dispatch_cursor SET last_event_seq = ? WHERE id = 1').run(last.seq);
      return { events: events.length, deliveries };
    }).immediate();
    created += batch.deliveries;
    if (batch.events < FAN_OUT_BATCH) return created;
  }
}

function activeEndpoints(db: Db, organizationId: string): SubscribedEndpoint[] {
  const rows = stmt(db, 'SELECT id, topics_json FROM webhook_endpoints WHERE organization_id = ? AND active = 1').all(organizationId) as Pick<
    WebhookEndpointRow,
    'id' | 'topics_json'
  >[];
  return rows.map((row) => ({ id: row.id, topics: new Set(JSON.parse(row.topics_json) as string[]) }));
}

/** One delivery ready to send, with what is needed to build and sign its request. */
export interface DueDelivery {
  delivery_id: string;
  endpoint_id: string;
  /** 1 when the endpoint's last attempt failed (it has a `failing_since`). */
  failing: number;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  event_id: string;
  event_type: string;
  event_created_at: string;
  organization_id: string;
  resource_type: string;
  resource_id: string;
  data_json: string;
}

/**
 * The head of each active endpoint's queue (its pending delivery for the earliest event) when it is due.
 * Only heads are ever returned, which is what keeps one endpoint's events in order. Healthy endpoints come
 * first, so failing ones only get the slots left over.
 */
export function dueHeads(db: Db, nowIso: string, limit: number): DueDelivery[] {
  return stmt(
    db,
    `SELECT d.id AS delivery_id, d.endpoint_id, (e.failing_since IS NOT NULL) AS failing, d.attempts, e.url, e.secret, e.previous_secret, e.previous_secret_expires_at,
            ev.id AS event_id, ev.type AS event_type, ev.created_at AS event_created_at, ev.organization_id,
            ev.resource_type, ev.resource_id, ev.data_json
     FROM webhook_endpoints e
     JOIN webhook_deliveries d ON d.id = (
       SELECT d2.id FROM webhook_deliveries d2 WHERE d2.endpoint_id = e.id AND d2.status = 'pending' ORDER BY d2.event_seq LIMIT 1)
     JOIN events ev ON ev.seq = d.event_seq
     WHERE e.active = 1 AND d.next_attempt_at <= ?
     ORDER BY failing, d.next_attempt_at
     LIMIT ?`,
  ).all(nowIso, limit) as DueDelivery[];
}

/**
 * The webhook body. `data_json` is spliced in as stored, so the bytes are identical on every attempt and no
 * parse/re-serialise round trip can change them.
 */
export function payloadOf(due: DueDelivery): string {
  const head = JSON.stringify({
    id: due.event_id,
    type: due.event_type,
    created_at: due.event_created_at,
    organization_id: due.organization_id,
    resource_type: due.resource_type,
    resource_id: due.resource_id,
  });
  return `${head.slice(0, -1)},"data":${due.data_json}}`;
}

/** Secrets that sign this request: the current one, plus the rotated-out one while its grace period lasts. */
export function signingSecrets(due: DueDelivery, nowIso: string): string[] {
  const secrets = [due.secret];
  if (due.previous_secret !== null && due.previous_secret_expires_at !== null && due.previous_secret_expires_at > nowIso) {
    secrets.push(due.previous_secret);
  }
  return secrets;
}

/**
 * Deletes deliveries that finished before `beforeIso` (their attempts go with them). Pending ones are kept
 * whatever their age: they are still owed to their endpoint.
 */
export function pruneFinishedDeliveries(db: Db, beforeIso: string): number {
  return stmt(db, `DELETE FROM webhook_deliveries WHERE status != 'pending' AND updated_at < ?`).run(beforeIso).changes;
}
