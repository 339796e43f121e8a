/** A route's status follows its stops: it starts with the first stop under way and completes when none is open. */
import type { Db } from '../store/db.js';
import { recordEvent } from '../store/events.js';
import { markRouteCompleted, markRouteStarted, openStopCount, routeStatusOf } from '../store/routes.js';
import type { StopStatus } from '../store/stops.js';

/**
 * Called by the stop lifecycle after a stop of `routeId` became `to` (in the same transaction); emits
 * `route.started` / `route.completed`.
 */
export function syncRouteStatus(db: Db, orgId: string, routeId: string, to: StopStatus, now: string): void {
  const status = routeStatusOf(db, orgId, routeId);
  if (status === undefined) return;
  const base = { organizationId: orgId, resourceType: 'route', resourceId: routeId };
  if (status === 'planned' && (to === 'en_route' || to === 'arrived' || to === 'completed' || to === 'failed')) {
    markRouteStarted(db, routeId, now);
    recordEvent(db, { ...base, type: 'route.started', data: { id: routeId, started_at: now } });
  }
  if ((to === 'completed' || to === 'failed') && openStopCount(db, routeId) === 0) {
    markRouteCompleted(db, routeId, now);
    recordEvent(db, { ...base, type: 'route.completed', data: { id: routeId, completed_at: now } });
  }
}
