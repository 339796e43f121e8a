/**
 * Nothing a business needs is deleted. A stop with a past (any status change after its creation) or a proof of
 * delivery is kept: it cannot be deleted (409 `stop_closed`), it is archived instead. An archived stop is hidden
 * from lists (unless `include=archived`), still answers by id with its history and proof, stays on its route as a
 * record, and does not move: a status change or routing needs it unarchived first.
 *
 * Only a stop at rest may be archived: `pending` (out of every route) or done (`completed`, `failed`,
 * `cancelled`). A stop on a route that is still open (`assigned`, `en_route`, `arrived`) is refused with 409
 * `invalid_transition`: take it off the route or close it first, so no driver is sent to a stop nobody can see.
 */
import { DomainError } from '../errors.js';
import { nowIso, type Db } from '../store/db.js';
import { recordEvent } from '../store/events.js';
import { deleteStop, getStop, stopHistoryLength, writeStopArchivedAt, type Stop, type StopStatus } from '../store/stops.js';

/** Statuses a stop may be archived in. */
export const ARCHIVABLE_STATUSES: readonly StopStatus[] = ['pending', 'completed', 'failed', 'cancelled'];

function stopOrThrow(db: Db, orgId: string, stopId: string): Stop {
  const stop = getStop(db, orgId, stopId);
  if (!stop) throw new DomainError('not_found', `Stop ${stopId} not found`);
  return stop;
}

/** Archives the stop (emits `stop.archived`); an archived stop is answered as it is, with no new event. */
export function archiveStop(db: Db, orgId: string, stopId: string): Stop {
  return db.transaction(() => {
    const cur = stopOrThrow(db, orgId, stopId);
    if (cur.archived_at !== null) return cur;
    if (!ARCHIVABLE_STATUSES.includes(cur.status)) {
      throw new DomainError(
        'invalid_transition',
        `A ${cur.status} stop is on its way; take it off route ${cur.route_id ?? '(none)'} or close it before archiving`,
        { stop_id: stopId, status: cur.status, route_id: cur.route_id, archivable: ARCHIVABLE_STATUSES },
      );
    }
    const now = nowIso();
    writeStopArchivedAt(db, orgId, stopId, now, now);
    const stop = getStop(db, orgId, stopId)!;
    recordEvent(db, { organizationId: orgId, type: 'stop.archived', resourceType: 'stop', resourceId: stopId, data: stop });
    return stop;
  }).immediate();
}

/** Brings an archived stop back into lists (emits `stop.unarchived`); a live stop is answered as it is. */
export function unarchiveStop(db: Db, orgId: string, stopId: string): Stop {
  return db.transaction(() => {
    const cur = stopOrThrow(db, orgId, stopId);
    if (cur.archived_at === null) return cur;
    writeStopArchivedAt(db, orgId, stopId, null, nowIso());
    const stop = getStop(db, orgId, stopId)!;
    recordEvent(db, { organizationId: orgId, type: 'stop.unarchived', resourceType: 'stop', resourceId: stopId, data: stop });
    return stop;
  }).immediate();
}

/**
 * Deletes a stop that has no past: `pending`, no proof, nothing in its history but its creation. Any other stop
 * answers 409 `stop_closed` (details say why and where to archive it); 404 for an unknown stop.
 */
export function deleteStopWithoutPast(db: Db, orgId: string, stopId: string): void {
  db.transaction(() => {
    const cur = stopOrThrow(db, orgId, stopId);
    const historyEntries = stopHistoryLength(db, orgId, stopId);
    const hasProof = cur.proof !== null;
    if (cur.status !== 'pending' || hasProof || historyEntries > 1) {
      const why = hasProof ? 'has proof of delivery' : cur.status !== 'pending' ? `is ${cur.status}` : 'has a history beyond its creation';
      throw new DomainError('stop_closed', `Stop ${stopId} ${why}; it is kept as a record: archive it instead`, {
        stop_id: stopId,
        status: cur.status,
        has_proof: hasProof,
        history_entries: historyEntries,
        archive: `POST /api/v1/stops/${stopId}/archive`,
      });
    }
    deleteStop(db, orgId, stopId);
  }).immediate();
}
