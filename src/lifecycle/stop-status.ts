/**
 * The stop lifecycle, shared by REST (`POST /stops/:id/status`, route writes) and the driver WebSocket.
 * `pending → assigned → en_route → arrived → completed | failed`, `cancelled` from any open state; a stop can go
 * back to `pending` (unassigned, or a failed/cancelled stop re-queued).
 */
import { DomainError } from '../errors.js';
import type { Db } from '../store/db.js';
import { nowIso } from '../store/db.js';
import { recordEvent } from '../store/events.js';
import { markRouteUnoptimized, removeStopFromRoutes } from '../store/routes.js';
import {
  appendStopHistory,
  getStop,
  writeStopStatus,
  type ProofOfDelivery,
  type Stop,
  type StopStatus,
} from '../store/stops.js';
import { syncRouteStatus } from './route-status.js';

export const STOP_TRANSITIONS: Readonly<Record<StopStatus, readonly StopStatus[]>> = {
  pending: ['assigned', 'cancelled'],
  assigned: ['en_route', 'arrived', 'pending', 'cancelled', 'failed'],
  en_route: ['arrived', 'assigned', 'failed', 'cancelled'],
  arrived: ['completed', 'failed'],
  completed: [],
  failed: ['pending'],
  cancelled: ['pending'],
};

/** What comes with a status change; stored as given in the stop's history. */
export interface StatusDetails {
  /** Required with `failed`. */
  reason?: string;
  note?: string;
  proof?: ProofOfDelivery;
  /** With `assigned`: the route (and its driver) the stop joins. */
  route_id?: string;
  driver_id?: string | null;
}

/**
 * Moves a stop to `to`. In one transaction (the caller's, when there is one): checks the transition (409
 * `invalid_transition`), writes the stop and its history, emits `stop.status_changed` (and `stop.completed` /
 * `stop.failed` / `stop.assigned`), and keeps its route's status in step (route-status.ts).
 * `actor`: `token:tok_...`, `driver:drv_...` or `system`. Throws 404 for an unknown stop.
 */
export function changeStopStatus(
  db: Db,
  orgId: string,
  stopId: string,
  to: StopStatus,
  details: StatusDetails,
  actor: string,
): Stop {
  return db.transaction(() => {
    const cur = getStop(db, orgId, stopId);
    if (!cur) throw new DomainError('not_found', `Stop ${stopId} not found`);
    if (cur.archived_at !== null) {
      // Archived stops are records at rest (stop-archive.ts): they move only once unarchived.
      throw new DomainError('invalid_transition', `Stop ${stopId} is archived; unarchive it before changing its status`, {
        from: cur.status,
        to,
        archived_at: cur.archived_at,
      });
    }
    if (!STOP_TRANSITIONS[cur.status].includes(to)) {
      throw new DomainError('invalid_transition', `A ${cur.status} stop cannot become ${to}`, {
        from: cur.status,
        to,
        allowed: STOP_TRANSITIONS[cur.status],
      });
    }
    if (to === 'failed' && !details.reason) {
      throw new DomainError('validation_error', 'A failed stop needs a reason', [
        { field: 'reason', message: 'required when status is failed', value: details.reason ?? null },
      ]);
    }
    const now = nowIso();
    let routeId = cur.route_id;
    let driverId = cur.driver_id;
    if (to === 'assigned' && details.route_id !== undefined) {
      routeId = details.route_id;
      driverId = details.driver_id ?? null;
    }
    if (to === 'pending' || to === 'cancelled') {
      // Back in the pool (or out of the day): it no longer belongs to a route.
      if (cur.route_id) {
        removeStopFromRoutes(db, stopId);
        markRouteUnoptimized(db, cur.route_id, now);
      }
      routeId = null;
      driverId = null;
    }
    const closing = to === 'completed' || to === 'failed';
    writeStopStatus(
      db,
      stopId,
      {
        status: to,
        route_id: routeId,
        driver_id: driverId,
        failure_reason: to === 'failed' ? (details.reason ?? null) : null,
        failure_note: to === 'failed' ? (details.note ?? null) : null,
        proof: closing ? (details.proof || details.note ? proofOf(details) : null) : cur.proof,
      },
      now,
    );
    appendStopHistory(db, orgId, stopId, { from: cur.status, to, details, actor, at: now });
    const stop = getStop(db, orgId, stopId)!;
    const base = { organizationId: orgId, resourceType: 'stop', resourceId: stopId };
    recordEvent(db, { ...base, type: 'stop.status_changed', data: { from: cur.status, to, actor, stop } });
    if (to === 'assigned') recordEvent(db, { ...base, type: 'stop.assigned', data: stop });
    if (to === 'completed') recordEvent(db, { ...base, type: 'stop.completed', data: stop });
    if (to === 'failed') recordEvent(db, { ...base, type: 'stop.failed', data: stop });
    if (routeId) syncRouteStatus(db, orgId, routeId, to, now);
    return stop;
  }).immediate();
}

/** A closing stop's proof: the note given with the change, then the proof's own fields. */
function proofOf(details: StatusDetails): ProofOfDelivery {
  return { ...(details.note !== undefined && { note: details.note }), ...details.proof };
}
