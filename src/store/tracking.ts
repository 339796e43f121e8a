/**
 * Store of live tracking: driver tokens, the ping track, stop events received over the driver socket,
 * the live-state snapshot, and the planned route a driver is on. Routes and stops belong to the core
 * store; this module only reads them.
 */
import { createHash } from 'node:crypto';
import { nowIso, stmt, type Db } from './db.js';
import { newId, randomBase32 } from './ids.js';

/** Driver tokens are told apart from API tokens (`mk_...`) by their prefix. */
export const DRIVER_TOKEN_PREFIX = 'mkd_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues a driver token; the returned string is the only copy of the secret. */
export function createDriverToken(db: Db, organizationId: string, driverId: string): { id: string; token: string } {
  const token = `${DRIVER_TOKEN_PREFIX}${randomBase32(32)}`;
  const id = newId('tok');
  stmt(
    db,
    'INSERT INTO driver_tokens (id, organization_id, driver_id, hash, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(id, organizationId, driverId, hashToken(token), nowIso());
  return { id, token };
}

export interface DriverIdentity {
  driverId: string;
  organizationId: string;
}

/** The driver an unrevoked token belongs to (an inactive driver cannot connect), and which token it is. */
export function findDriverByToken(db: Db, token: string): (DriverIdentity & { tokenId: string }) | undefined {
  if (!token.startsWith(DRIVER_TOKEN_PREFIX)) return undefined;
  const row = stmt(
    db,
    `SELECT t.id, t.driver_id, t.organization_id FROM driver_tokens t JOIN drivers d ON d.id = t.driver_id
     WHERE t.hash = ? AND t.revoked_at IS NULL AND d.status = 'active'`,
  ).get(hashToken(token)) as { id: string; driver_id: string; organization_id: string } | undefined;
  return row && { driverId: row.driver_id, organizationId: row.organization_id, tokenId: row.id };
}

/** A driver token as listed (never the secret: only its hash is stored). */
export interface DriverTokenInfo {
  id: string;
  driver_id: string;
  created_at: string;
  revoked_at: string | null;
}

/** Every token issued to a driver, newest first, revoked ones included. */
export function listDriverTokens(db: Db, organizationId: string, driverId: string): DriverTokenInfo[] {
  return stmt(
    db,
    `SELECT id, driver_id, created_at, revoked_at FROM driver_tokens WHERE organization_id = ? AND driver_id = ?
     ORDER BY created_at DESC, id DESC`,
  ).all(organizationId, driverId) as DriverTokenInfo[];
}

/**
 * Revokes one of a driver's tokens (it is refused at the next connect; the hub closes sockets opened with it).
 * Revoking again keeps the first time. Undefined when the driver has no such token.
 */
export function revokeDriverToken(db: Db, organizationId: string, driverId: string, tokenId: string): DriverTokenInfo | undefined {
  stmt(
    db,
    `UPDATE driver_tokens SET revoked_at = ? WHERE id = ? AND organization_id = ? AND driver_id = ? AND revoked_at IS NULL`,
  ).run(nowIso(), tokenId, organizationId, driverId);
  return stmt(
    db,
    'SELECT id, driver_id, created_at, revoked_at FROM driver_tokens WHERE id = ? AND organization_id = ? AND driver_id = ?',
  ).get(tokenId, organizationId, driverId) as DriverTokenInfo | undefined;
}

/** Ids of tokens revoked at or after `sinceIso` (the hub closes sockets still open with them). */
export function driverTokensRevokedSince(db: Db, sinceIso: string): string[] {
  return (
    stmt(db, 'SELECT id FROM driver_tokens WHERE revoked_at IS NOT NULL AND revoked_at >= ?').all(sinceIso) as { id: string }[]
  ).map((r) => r.id);
}

export interface PingRow {
  driverId: string;
  seq: number;
  organizationId: string;
  routeId: string | null;
  lat: number;
  lng: number;
  /** Normalised ISO 8601 UTC. */
  ts: string;
  speedMps: number | null;
  heading: number | null;
  accuracyM: number | null;
  batteryPct: number | null;
  receivedAt: string;
}

const PING_COLUMNS = `driver_id, seq, organization_id, route_id, lat, lng, ts, speed_mps, heading, accuracy_m,
  battery_pct, received_at`;

const APPEND_PING = `INSERT INTO ping_journal (${PING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Appends a ping to the journal and returns its journal id. The caller has checked (driver, seq) is new
 * (see pingStored / maxSeqOf).
 */
export function appendPing(db: Db, p: PingRow): number {
  return Number(stmt(db, APPEND_PING).run(
    p.driverId,
    p.seq,
    p.organizationId,
    p.routeId,
    p.lat,
    p.lng,
    p.ts,
    p.speedMps,
    p.heading,
    p.accuracyM,
    p.batteryPct,
    p.receivedAt,
  ).lastInsertRowid);
}

/** The journal id range [first, last] present now, or null when the journal is empty. */
export function journalRange(db: Db): { first: number; last: number } | null {
  const row = stmt(db, 'SELECT MIN(id) AS first, MAX(id) AS last FROM ping_journal').get() as {
    first: number | null;
    last: number | null;
  };
  return row.first === null || row.last === null ? null : { first: row.first, last: row.last };
}

/**
 * The journal rows a compaction round copies: those with id > `after`, but for the journal's newest row, as ids
 * sorted by driver and seq (so each driver's track pages are written once per round); null when none.
 * The newest row stays behind because SQLite numbers a new row max(id) + 1: an emptied journal would hand out
 * ids from 1 again, and ids already reported as copied would then name new rows.
 */
export function planJournalRound(db: Db, after = 0): { ids: number[]; last: number } | null {
  const range = journalRange(db);
  if (range === null) return null;
  const first = Math.max(range.first, after + 1);
  const last = range.last - 1;
  if (last < first) return null;
  const ids = stmt(db, 'SELECT id FROM ping_journal WHERE id BETWEEN ? AND ? ORDER BY driver_id, seq')
    .pluck()
    .all(first, last) as number[];
  return ids.length === 0 ? null : { ids, last };
}

/**
 * Copies into the sorted store the journal rows with the given ids (sorted by driver and seq by the caller).
 * Rows stay in the journal until deleteJournalThrough; readers see them once (trackOf unions without
 * duplicates), and a (driver, seq) already in the store is dropped, not doubled.
 */
export function copyJournalRows(db: Db, ids: readonly number[]): void {
  if (ids.length === 0) return;
  stmt(
    db,
    `INSERT OR IGNORE INTO pings (${PING_COLUMNS}) SELECT ${PING_COLUMNS} FROM json_each(?) AS j
     JOIN ping_journal ON ping_journal.id = j.value ORDER BY j.key`,
  ).run(JSON.stringify(ids));
}

export function deleteJournalThrough(db: Db, last: number): void {
  stmt(db, 'DELETE FROM ping_journal WHERE id <= ?').run(last);
}

/**
 * Copies the whole journal into the track and empties it but for its newest row (see planJournalRound); returns
 * how many pings it held. Two transactions: the track is another file (track-file.ts), and the copy must be
 * committed before the rows leave the journal.
 */
export function compactPingJournal(db: Db): number {
  const range = journalRange(db);
  if (range === null) return 0;
  db.transaction(() => {
    stmt(db, `INSERT OR IGNORE INTO pings (${PING_COLUMNS}) SELECT ${PING_COLUMNS} FROM ping_journal WHERE id <= ? ORDER BY driver_id, seq`).run(range.last);
  })();
  const n = (stmt(db, 'SELECT COUNT(*) AS n FROM ping_journal WHERE id <= ?').get(range.last) as { n: number }).n;
  deleteJournalThrough(db, range.last - 1);
  return n;
}

/** True when (driver, seq) is in the sorted store. The journal is the caller's to check (it knows it). */
export function pingStored(db: Db, driverId: string, seq: number): boolean {
  return stmt(db, 'SELECT 1 FROM pings WHERE driver_id = ? AND seq = ?').get(driverId, seq) !== undefined;
}

/**
 * The highest seq in the sorted store and the stop events of a driver; 0 when none. The journal is not read
 * (it has no driver index): the writer compacts it on start and knows every row it appended since.
 */
export function maxSeqOf(db: Db, driverId: string): number {
  const row = stmt(
    db,
    `SELECT MAX(m) AS m FROM (
       SELECT MAX(seq) AS m FROM pings WHERE driver_id = ?
       UNION ALL SELECT MAX(seq) FROM driver_stop_events WHERE driver_id = ?)`,
  ).get(driverId, driverId) as { m: number | null };
  return row.m ?? 0;
}

export interface StoredStopEvent {
  errorCode: string | null;
  errorMessage: string | null;
}

/** The stored outcome of a stop event with this (driver, seq), or undefined when it is new. */
export function findStopEvent(db: Db, driverId: string, seq: number): StoredStopEvent | undefined {
  const row = stmt(db, 'SELECT error_code, error_message FROM driver_stop_events WHERE driver_id = ? AND seq = ?').get(
    driverId,
    seq,
  ) as { error_code: string | null; error_message: string | null } | undefined;
  return row && { errorCode: row.error_code, errorMessage: row.error_message };
}


export function insertStopEvent(
  db: Db,
  e: { driverId: string; seq: number; organizationId: string; stopId: string; event: string; ts: string },
  outcome: StoredStopEvent,
): void {
  stmt(
    db,
    `INSERT INTO driver_stop_events (driver_id, seq, organization_id, stop_id, event, error_code, error_message, ts,
       received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(e.driverId, e.seq, e.organizationId, e.stopId, e.event, outcome.errorCode, outcome.errorMessage, e.ts, nowIso());
}

export interface TrackPoint {
  seq: number;
  lat: number;
  lng: number;
  ts: string;
  speed_mps: number | null;
  heading: number | null;
  accuracy_m: number | null;
  battery_pct: number | null;
}

/** Stored pings (store and journal) of a driver with from <= ts < to, in time order, at most `limit`. */
export function trackOf(db: Db, driverId: string, fromIso: string, toIso: string, limit: number): TrackPoint[] {
  return stmt(
    db,
    `SELECT seq, lat, lng, ts, speed_mps, heading, accuracy_m, battery_pct FROM pings
       WHERE driver_id = ? AND ts >= ? AND ts < ?
     UNION
     SELECT seq, lat, lng, ts, speed_mps, heading, accuracy_m, battery_pct FROM ping_journal
       WHERE driver_id = ? AND ts >= ? AND ts < ?
     ORDER BY ts, seq LIMIT ?`,
  ).all(driverId, fromIso, toIso, driverId, fromIso, toIso, limit) as TrackPoint[];
}

/** The driver's newest ping by device time. */
export function latestPing(db: Db, driverId: string): PingRow | undefined {
  const row = stmt(
    db,
    `SELECT ${PING_COLUMNS} FROM (
       SELECT * FROM (SELECT ${PING_COLUMNS} FROM pings WHERE driver_id = ? ORDER BY ts DESC, seq DESC LIMIT 1)
       UNION ALL
       SELECT * FROM (SELECT ${PING_COLUMNS} FROM ping_journal WHERE driver_id = ? ORDER BY ts DESC, seq DESC LIMIT 1))
     ORDER BY ts DESC, seq DESC LIMIT 1`,
  ).get(driverId, driverId) as
    | {
        driver_id: string;
        seq: number;
        organization_id: string;
        route_id: string | null;
        lat: number;
        lng: number;
        ts: string;
        speed_mps: number | null;
        heading: number | null;
        accuracy_m: number | null;
        battery_pct: number | null;
        received_at: string;
      }
    | undefined;
  return (
    row && {
      driverId: row.driver_id,
      seq: row.seq,
      organizationId: row.organization_id,
      routeId: row.route_id,
      lat: row.lat,
      lng: row.lng,
      ts: row.ts,
      speedMps: row.speed_mps,
      heading: row.heading,
      accuracyM: row.accuracy_m,
      batteryPct: row.battery_pct,
      receivedAt: row.received_at,
    }
  );
}

/** Deletes pings older than `cutoffIso` (device time), driver by driver so each delete uses the index. */
export function deletePingsBefore(db: Db, cutoffIso: string): number {
  const drivers = stmt(db, 'SELECT DISTINCT driver_id FROM pings').all() as { driver_id: string }[];
  let deleted = 0;
  const del = stmt(db, 'DELETE FROM pings WHERE driver_id = ? AND ts < ?');
  for (const d of drivers) deleted += del.run(d.driver_id, cutoffIso).changes;
  stmt(db, 'DELETE FROM driver_stop_events WHERE received_at < ?').run(cutoffIso);
  return deleted;
}

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

/** Last known position on the driver row (re-optimisation restarts from it) and the latest ETA per stop. */
export function writeDriverPosition(db: Db, driverId: string, lat: number, lng: number, atIso: string): void {
  stmt(db, 'UPDATE drivers SET last_lat = ?, last_lng = ?, last_position_at = ? WHERE id = ?').run(lat, lng, atIso, driverId);
}

export function writeStopEta(db: Db, routeId: string, stopId: string, etaIso: string): void {
  stmt(db, 'UPDATE route_stops SET eta = ? WHERE route_id = ? AND stop_id = ?').run(etaIso, routeId, stopId);
}

/** One stop of the driver's current route, as stored. */
export interface RouteStopRow {
  stopId: string;
  lat: number;
  lng: number;
  status: string;
  serviceS: number;
  /** [{ from, to }] ISO. */
  windows: { from: string; to: string }[];
  plannedArrival: string | null;
  departure: string | null;
  distanceM: number;
  /** When the stop reached `arrived` / its final status: the driver's device time when it came over the
   * socket (what the live ETA used), else the server time in stop_history. */
  arrivedAt: string | null;
  finishedAt: string | null;
}

export interface ActiveRoute {
  routeId: string;
  status: string;
  start: { lat: number; lng: number } | null;
  stops: RouteStopRow[];
}

/**
 * The route a driver is working: the one in progress, else the earliest planned one.
 * (`+organization_id` keeps SQLite on the driver index: an organization can have thousands of routes.)
 */
export function activeRouteOf(db: Db, organizationId: string, driverId: string): ActiveRoute | undefined {
  const route = stmt(
    db,
    `SELECT r.id, r.status, COALESCE(v.start_lat, d.lat) AS start_lat, COALESCE(v.start_lng, d.lng) AS start_lng
     FROM routes r LEFT JOIN vehicles v ON v.id = r.vehicle_id LEFT JOIN depots d ON d.id = v.start_depot_id
     WHERE r.driver_id = ? AND +r.organization_id = ? AND r.status IN ('planned', 'in_progress')
     ORDER BY r.status = 'in_progress' DESC, r.date IS NULL, r.date, r.created_at LIMIT 1`,
  ).get(driverId, organizationId) as
    | { id: string; status: string; start_lat: number | null; start_lng: number | null }
    | undefined;
  if (!route) return undefined;
  const rows = stmt(
    db,
    `SELECT s.id, s.lat, s.lng, s.status, s.service_duration_s, s.time_windows_json, rs.planned_arrival,
       rs.departure, rs.distance_m,
       COALESCE(
         (SELECT MAX(e.ts) FROM driver_stop_events e WHERE e.stop_id = s.id AND e.event = 'arrived'
            AND e.error_code IS NULL),
         (SELECT MAX(created_at) FROM stop_history h WHERE h.stop_id = s.id AND h.to_status = 'arrived')) AS arrived_at,
       COALESCE(
         (SELECT MAX(e.ts) FROM driver_stop_events e WHERE e.stop_id = s.id AND e.event IN ('completed', 'failed')
            AND e.error_code IS NULL),
         (SELECT MAX(created_at) FROM stop_history h WHERE h.stop_id = s.id
            AND h.to_status IN ('completed', 'failed', 'cancelled'))) AS finished_at
     FROM route_stops rs JOIN stops s ON s.id = rs.stop_id WHERE rs.route_id = ? ORDER BY rs.position`,
  ).all(route.id) as {
    id: string;
    lat: number;
    lng: number;
    status: string;
    service_duration_s: number;
    time_windows_json: string;
    planned_arrival: string | null;
    departure: string | null;
    distance_m: number;
    arrived_at: string | null;
    finished_at: string | null;
  }[];
  return {
    routeId: route.id,
    status: route.status,
    start: route.start_lat !== null && route.start_lng !== null ? { lat: route.start_lat, lng: route.start_lng } : null,
    stops: rows.map((r) => ({
      stopId: r.id,
      lat: r.lat,
      lng: r.lng,
      status: r.status,
      serviceS: r.service_duration_s,
      windows: JSON.parse(r.time_windows_json) as { from: string; to: string }[],
      plannedArrival: r.planned_arrival,
      departure: r.departure,
      distanceM: r.distance_m,
      arrivedAt: r.arrived_at,
      finishedAt: r.finished_at,
    })),
  };
}

export function routeStatus(db: Db, routeId: string): string | undefined {
  const row = stmt(db, 'SELECT status FROM routes WHERE id = ?').get(routeId) as { status: string } | undefined;
  return row?.status;
}

/** True when the stop is this driver's: assigned to them directly or on a route they drive. */
export function stopBelongsToDriver(db: Db, organizationId: string, stopId: string, driverId: string): boolean {
  return (
    stmt(
      db,
      `SELECT 1 FROM stops s LEFT JOIN routes r ON r.id = s.route_id
       WHERE s.organization_id = ? AND s.id = ? AND (s.driver_id = ? OR r.driver_id = ?)`,
    ).get(organizationId, stopId, driverId, driverId) !== undefined
  );
}

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
