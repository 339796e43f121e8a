import type { Migration } from './types.js';

/**
 * Core planner schema. Times are ISO 8601 UTC strings; JSON columns end in `_json`.
 * Every resource row carries `organization_id`; queries always filter by it (another organization's row is absent).
 */
export const migration: Migration = {
  version: 1,
  name: 'core',
  sql: `
CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('read_only', 'full_access')),
  -- shown in lists so a person can recognise a token: 'mk_live_' + first 4 random characters
  display_prefix TEXT NOT NULL,
  -- hex SHA-256 of the whole token; the token itself is never stored
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX tokens_org ON tokens(organization_id);

CREATE TABLE depots (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  external_id TEXT,
  name TEXT NOT NULL,
  address TEXT,
  lat REAL NOT NULL,
  lng REAL NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (organization_id, external_id)
);

CREATE TABLE vehicles (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  external_id TEXT,
  name TEXT NOT NULL,
  capacity_json TEXT NOT NULL DEFAULT '[]',
  skills_json TEXT NOT NULL DEFAULT '[]',
  shift_from TEXT,
  shift_to TEXT,
  start_depot_id TEXT REFERENCES depots(id) ON DELETE SET NULL,
  end_depot_id TEXT REFERENCES depots(id) ON DELETE SET NULL,
  start_lat REAL,
  start_lng REAL,
  end_lat REAL,
  end_lng REAL,
  -- { fixed, per_hour, per_km }
  costs_json TEXT NOT NULL DEFAULT '{}',
  max_stops INTEGER,
  speed_factor REAL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (organization_id, external_id)
);

CREATE TABLE drivers (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  external_id TEXT,
  name TEXT NOT NULL,
  phone TEXT,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  vehicle_id TEXT REFERENCES vehicles(id) ON DELETE SET NULL,
  -- last known GPS position, written by live tracking; route re-optimization restarts from here
  last_lat REAL,
  last_lng REAL,
  last_position_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (organization_id, external_id)
);

CREATE TABLE routes (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  external_id TEXT,
  name TEXT,
  -- service day, YYYY-MM-DD
  date TEXT,
  vehicle_id TEXT REFERENCES vehicles(id) ON DELETE SET NULL,
  driver_id TEXT REFERENCES drivers(id) ON DELETE SET NULL,
  status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'completed')),
  -- 1 when the stop order is the solver's answer for the current stop set
  optimized INTEGER NOT NULL DEFAULT 0,
  distance_m REAL NOT NULL DEFAULT 0,
  duration_s REAL NOT NULL DEFAULT 0,
  started_at TEXT,
  completed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (organization_id, external_id)
);
CREATE INDEX routes_org_date ON routes(organization_id, date);

CREATE TABLE stops (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  external_id TEXT,
  type TEXT NOT NULL DEFAULT 'delivery' CHECK (type IN ('delivery', 'pickup')),
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'assigned', 'en_route', 'arrived', 'completed', 'failed', 'cancelled')),
  address TEXT,
  lat REAL NOT NULL,
  lng REAL NOT NULL,
  customer_name TEXT,
  phone TEXT,
  notes TEXT,
  order_amount REAL,
  payment_method TEXT,
  -- [{ from, to }] in UTC ISO
  time_windows_json TEXT NOT NULL DEFAULT '[]',
  service_duration_s INTEGER NOT NULL DEFAULT 0,
  demand_json TEXT NOT NULL DEFAULT '[]',
  priority INTEGER NOT NULL DEFAULT 5,
  skills_json TEXT NOT NULL DEFAULT '[]',
  -- service day YYYY-MM-DD (given, or the local date of the first time window)
  date TEXT,
  service_area_id TEXT,
  route_id TEXT REFERENCES routes(id) ON DELETE SET NULL,
  driver_id TEXT REFERENCES drivers(id) ON DELETE SET NULL,
  failure_reason TEXT,
  failure_note TEXT,
  -- proof of delivery { note, signee, photo_urls }
  proof_json TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (organization_id, external_id)
);
CREATE INDEX stops_org_status ON stops(organization_id, status);
CREATE INDEX stops_org_date ON stops(organization_id, date);
CREATE INDEX stops_route ON stops(route_id);
CREATE INDEX stops_driver ON stops(driver_id);

CREATE TABLE stop_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id TEXT NOT NULL,
  stop_id TEXT NOT NULL REFERENCES stops(id) ON DELETE CASCADE,
  from_status TEXT,
  to_status TEXT NOT NULL,
  -- reason, note, proof, route ... whatever came with the change
  details_json TEXT NOT NULL DEFAULT '{}',
  -- 'token:tok_...', 'driver:drv_...', 'system'
  actor TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX stop_history_stop ON stop_history(stop_id, seq);

CREATE TABLE route_stops (
  route_id TEXT NOT NULL REFERENCES routes(id) ON DELETE CASCADE,
  stop_id TEXT NOT NULL UNIQUE REFERENCES stops(id) ON DELETE CASCADE,
  -- 0-based order along the route
  position INTEGER NOT NULL,
  planned_arrival TEXT,
  service_start TEXT,
  departure TEXT,
  -- leg from the previous stop (or the start) to this stop, metres
  distance_m REAL NOT NULL DEFAULT 0,
  -- latest estimate, updated by live tracking; null until a driver reports
  eta TEXT,
  PRIMARY KEY (route_id, stop_id)
);
CREATE INDEX route_stops_order ON route_stops(route_id, position);

CREATE TABLE idempotency (
  organization_id TEXT NOT NULL,
  key TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  -- hex SHA-256 of the raw request body
  body_hash TEXT NOT NULL,
  -- null while the first request is still running
  status INTEGER,
  response TEXT,
  content_type TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (organization_id, key)
);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  progress REAL NOT NULL DEFAULT 0,
  result_json TEXT,
  error_json TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- transactional outbox: written in the same transaction as the change; webhooks read it by seq
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  organization_id TEXT NOT NULL,
  type TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  data_json TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX events_org_seq ON events(organization_id, seq);
`,
};
