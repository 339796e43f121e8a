/**
 * The GPS track (table `pings`) lives in its own SQLite file beside the main one, attached to every connection
 * as schema `track`. SQLite has one write lock per file: the compaction worker moves the ping journal into the
 * track on its own connection without ever holding the main file's lock, so ingest commits never wait for it.
 * Unqualified `pings` in queries resolves to `track.pings`.
 *
 * Databases made before the split kept `pings` in the main file (migration 003); `moveLegacyPings` copies it
 * into the track file, then drops it, in two transactions (a commit spanning two WAL files is atomic per file
 * only, so the copy must be durable before the drop).
 */
import type Database from 'better-sqlite3';

/** The table migration 003 made in the main file, now in the track file (migrations are never edited). */
const TRACK_SCHEMA = `
CREATE TABLE IF NOT EXISTS track.pings (
  driver_id TEXT NOT NULL,
  -- the driver app's sequence number; (driver_id, seq) is what makes a replay a no-op
  seq INTEGER NOT NULL,
  organization_id TEXT NOT NULL,
  route_id TEXT,
  lat REAL NOT NULL,
  lng REAL NOT NULL,
  -- device time, normalised ISO 8601 UTC (so text order is time order)
  ts TEXT NOT NULL,
  speed_mps REAL,
  heading REAL,
  accuracy_m REAL,
  battery_pct REAL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (driver_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS track.pings_driver_ts ON pings(driver_id, ts);
`;

const COLUMNS =
  'driver_id, seq, organization_id, route_id, lat, lng, ts, speed_mps, heading, accuracy_m, battery_pct, received_at';

/** `milkrun.db` → `milkrun.track.db`; in-memory databases get an in-memory track. */
export function trackFileOf(file: string): string {
  if (file === ':memory:' || file === '') return ':memory:';
  return file.endsWith('.db') ? `${file.slice(0, -3)}.track.db` : `${file}.track`;
}

/** Attaches the track file (creating it and its table when absent) as schema `track`. */
export function attachTrack(db: Database.Database, mainFile: string): void {
  db.prepare('ATTACH DATABASE ? AS track').run(trackFileOf(mainFile));
  if (!db.memory) {
    db.pragma('track.journal_mode = WAL');
    db.pragma('track.synchronous = NORMAL');
  }
  db.exec(TRACK_SCHEMA);
}

/** Moves a `pings` table left in the main file by an earlier version into the track file. */
export function moveLegacyPings(db: Database.Database): void {
  const legacy = db.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'pings'").get();
  if (legacy === undefined) return;
  db.transaction(() => {
    db.exec(`INSERT OR IGNORE INTO track.pings (${COLUMNS}) SELECT ${COLUMNS} FROM main.pings`);
  })();
  db.exec('DROP TABLE main.pings');
}
