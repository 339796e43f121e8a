/**
 * What a driver sends over the socket, each message numbered by the driver (`seq`): GPS pings and stop events.
 * Pings are appended to `ping_journal` (main file) and copied in rounds to the sorted track `pings` (the attached
 * track file, track-file.ts); stop events keep their outcome in `driver_stop_events` so a resent one is answered
 * the same way.
 */
import { nowIso, stmt, type Db } from './db.js';

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
