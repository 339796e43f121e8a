import { stmt, type Db } from './db.js';
import { newId } from './ids.js';

/** Event types other modules subscribe to (webhooks). */
export type EventType =
  | 'stop.created'
  | 'stop.updated'
  | 'stop.deleted'
  | 'stop.assigned'
  | 'stop.status_changed'
  | 'stop.completed'
  | 'stop.failed'
  | 'stop.archived'
  | 'stop.unarchived'
  | 'route.created'
  | 'route.optimized'
  | 'route.assigned'
  | 'route.reordered'
  | 'route.updated'
  | 'route.started'
  | 'route.completed'
  | 'route.deleted'
  | 'driver.created'
  | 'driver.updated'
  | 'driver.deleted'
  | 'driver.archived'
  | 'driver.unarchived'
  | 'vehicle.created'
  | 'vehicle.updated'
  | 'vehicle.deleted'
  | 'vehicle.archived'
  | 'vehicle.unarchived'
  | 'depot.created'
  | 'depot.updated'
  | 'depot.deleted'
  | (string & {});

export interface NewEvent {
  organizationId: string;
  type: EventType;
  resourceType: string;
  resourceId: string;
  /** The resource as the API shows it (snake_case), or what changed. */
  data: unknown;
}

/**
 * Appends to the `events` outbox and returns the event id. Call inside the same `db.transaction` as the change
 * it reports, so an event exists exactly when its change does.
 */
export function recordEvent(db: Db, event: NewEvent): string {
  const id = newId('evt');
  stmt(
    db,
    `INSERT INTO events (id, organization_id, type, resource_type, resource_id, data_json, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    event.organizationId,
    event.type,
    event.resourceType,
    event.resourceId,
    JSON.stringify(event.data ?? null),
    new Date().toISOString(),
  );
  return id;
}
