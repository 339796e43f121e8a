/** Changes made outside the driver socket that live tracking must follow, read from the `events` outbox. */
import { stmt, type Db } from './db.js';

/** The newest event seq (0 when none): where reading route.completed events starts. */
export function latestEventSeq(db: Db): number {
  return (stmt(db, 'SELECT COALESCE(MAX(seq), 0) AS seq FROM events').get() as { seq: number }).seq;
}

/** A change made outside the driver socket that the live state must follow. */
export type OutsideChange =
  | { kind: 'route_completed'; routeId: string }
  | { kind: 'stop_status'; stopId: string; driverId: string | null; routeId: string | null; to: string };

/**
 * Route completions and stop status changes not made by a driver over the socket (REST, other systems), read from
 * the outbox after event `afterSeq`: one range scan however many drivers are tracked.
 */
export function outsideChangesAfter(db: Db, afterSeq: number): { lastSeq: number; changes: OutsideChange[] } {
  const rows = stmt(
    db,
    `SELECT seq, type, resource_id, data_json FROM events
     WHERE seq > ? AND type IN ('route.completed', 'stop.status_changed') ORDER BY seq`,
  ).all(afterSeq) as { seq: number; type: string; resource_id: string; data_json: string }[];
  const changes: OutsideChange[] = [];
  for (const r of rows) {
    if (r.type === 'route.completed') {
      changes.push({ kind: 'route_completed', routeId: r.resource_id });
      continue;
    }
    const data = JSON.parse(r.data_json) as {
      to?: string;
      actor?: string;
      stop?: { driver_id?: string | null; route_id?: string | null };
    };
    if (data.actor?.startsWith('driver:') || typeof data.to !== 'string') continue;
    changes.push({
      kind: 'stop_status',
      stopId: r.resource_id,
      driverId: data.stop?.driver_id ?? null,
      routeId: data.stop?.route_id ?? null,
      to: data.to,
    });
  }
  return { lastSeq: rows.length === 0 ? afterSeq : rows[rows.length - 1]!.seq, changes };
}
