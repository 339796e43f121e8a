import type { Migration } from './types.js';

/**
 * Live tracking: the GPS track (a sorted store plus an append-only journal in front of it), driver tokens, stop events received over the driver WebSocket (for replay
 * dedupe) and a small live-state snapshot so a restart resumes pace and online flags.
 * Pings carry no foreign keys: ingest is the hot path, and a ping outliving its driver is harmless.
 */
export const migration: Migration = {
  version: 3,
  name: 'tracking',
  sql: `
CREATE TABLE pings (
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
CREATE INDEX pings_driver_ts ON pings(driver_id, ts);

-- Ingest appends here (rowid order: each commit writes a few sequential pages). Moved into pings, sorted by
-- driver, every second or so, so each driver's pages are written once per move rather than once per ping.
CREATE TABLE ping_journal (
  id INTEGER PRIMARY KEY,
  driver_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  organization_id TEXT NOT NULL,
  route_id TEXT,
  lat REAL NOT NULL,
  lng REAL NOT NULL,
  ts TEXT NOT NULL,
  speed_mps REAL,
  heading REAL,
  accuracy_m REAL,
  battery_pct REAL,
  received_at TEXT NOT NULL
);

CREATE TABLE driver_stop_events (
  driver_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  organization_id TEXT NOT NULL,
  stop_id TEXT NOT NULL,
  event TEXT NOT NULL,
  -- null when the change was applied; else the code the driver was told (a replay gets the same answer)
  error_code TEXT,
  error_message TEXT,
  ts TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (driver_id, seq)
) WITHOUT ROWID;
CREATE INDEX driver_stop_events_stop ON driver_stop_events(stop_id);

CREATE TABLE driver_tokens (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  driver_id TEXT NOT NULL REFERENCES drivers(id) ON DELETE CASCADE,
  -- hex SHA-256 of the token; the token itself is never stored
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX driver_tokens_driver ON driver_tokens(driver_id);

-- Tracking looks up a driver's active route on every (re)connect; core only indexes routes by date.
CREATE INDEX routes_driver_status ON routes(driver_id, status);

CREATE TABLE driver_live (
  driver_id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL,
  route_id TEXT,
  online INTEGER NOT NULL DEFAULT 0,
  -- learned ratio of actual to planned travel
  pace REAL NOT NULL DEFAULT 1,
  -- stop ids whose ETA is currently past their window (stop.eta_late fires once per crossing)
  late_stop_ids_json TEXT NOT NULL DEFAULT '[]',
  updated_at TEXT NOT NULL
);
`,
};
