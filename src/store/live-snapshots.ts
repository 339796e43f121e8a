/**
 * The live state's snapshot per driver (`driver_live`): online, pace and late stops, saved as they change so a
 * restarted server starts from them.
 */
import { nowIso, stmt, type Db } from './db.js';

export interface LiveSnapshot {
  driverId: string;
  organizationId: string;
  routeId: string | null;
  online: boolean;
  pace: number;
  lateStopIds: string[];
}

export function saveLiveSnapshot(db: Db, s: LiveSnapshot): void {
  stmt(
    db,
    `INSERT INTO driver_live (driver_id, organization_id, route_id, online, pace, late_stop_ids_json, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (driver_id) DO UPDATE SET organization_id = excluded.organization_id, route_id = excluded.route_id,
       online = excluded.online, pace = excluded.pace, late_stop_ids_json = excluded.late_stop_ids_json,
       updated_at = excluded.updated_at`,
  ).run(s.driverId, s.organizationId, s.routeId, s.online ? 1 : 0, s.pace, JSON.stringify(s.lateStopIds), nowIso());
}

export function loadLiveSnapshots(db: Db): LiveSnapshot[] {
  const rows = stmt(
    db,
    'SELECT driver_id, organization_id, route_id, online, pace, late_stop_ids_json FROM driver_live',
  ).all() as {
    driver_id: string;
    organization_id: string;
    route_id: string | null;
    online: number;
    pace: number;
    late_stop_ids_json: string;
  }[];
  return rows.map((r) => ({
    driverId: r.driver_id,
    organizationId: r.organization_id,
    routeId: r.route_id,
    online: r.online === 1,
    pace: r.pace,
    lateStopIds: JSON.parse(r.late_stop_ids_json) as string[],
  }));
}
