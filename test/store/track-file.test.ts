import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { migrate, openDb } from '../../src/store/db.js';
import { migrations } from '../../src/store/migrations/index.js';
import { trackFileOf } from '../../src/store/track-file.js';
import { appendPing, compactPingJournal, trackOf } from '../../src/store/pings.js';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'milkrun-track-'));
  dirs.push(dir);
  return join(dir, 'm.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ping = (seq: number) => ({
  driverId: 'd1',
  seq,
  organizationId: 'o1',
  routeId: null,
  lat: 52 + seq / 100,
  lng: 13,
  ts: `2026-11-25T08:00:0${seq}.000Z`,
  speedMps: null,
  heading: null,
  accuracyM: null,
  batteryPct: null,
  receivedAt: '2026-11-25T08:00:10.000Z',
});

const trackRows = (file: string) => {
  const track = new Database(trackFileOf(file), { readonly: true });
  try {
    return (track.prepare('SELECT seq FROM pings ORDER BY seq').all() as { seq: number }[]).map((r) => r.seq);
  } finally {
    track.close();
  }
};

it('keeps the track in its own WAL file beside the main one, and leaves the newest journal row behind', () => {
  const file = tempFile();
  expect(trackFileOf(file)).toBe(join(file, '..', 'm.track.db'));
  const db = openDb(file);
  expect(db.pragma('track.journal_mode', { simple: true })).toBe('wal');
  expect(db.prepare("SELECT COUNT(*) AS n FROM main.sqlite_master WHERE name = 'pings'").get()).toEqual({ n: 0 });
  for (const seq of [1, 2, 3]) appendPing(db, ping(seq));
  expect(compactPingJournal(db)).toBe(3);
  // The newest row is copied but stays in the journal (ids must never start over); readers see it once.
  expect(db.prepare('SELECT seq FROM ping_journal').all()).toEqual([{ seq: 3 }]);
  expect(trackOf(db, 'd1', '0', '9', 10).map((p) => p.seq)).toEqual([1, 2, 3]);
  db.close();
  expect(existsSync(trackFileOf(file))).toBe(true);
  expect(trackRows(file)).toEqual([1, 2, 3]);
});

it('moves the pings of a database made before the track file into it, once', () => {
  const file = tempFile();
  // An earlier version: every migration on a plain connection, so `pings` is a table of the main file.
  const old = new Database(file);
  old.pragma('journal_mode = WAL');
  migrate(old, migrations);
  const insert = old.prepare(
    `INSERT INTO pings (driver_id, seq, organization_id, route_id, lat, lng, ts, speed_mps, heading, accuracy_m,
       battery_pct, received_at) VALUES (?, ?, 'o1', NULL, 52, 13, ?, NULL, NULL, NULL, NULL, ?)`,
  );
  for (const seq of [1, 2]) insert.run('d1', seq, `2026-11-25T08:00:0${seq}.000Z`, '2026-11-25T08:00:10.000Z');
  old.close();

  const db = openDb(file);
  expect(db.prepare("SELECT COUNT(*) AS n FROM main.sqlite_master WHERE name = 'pings'").get()).toEqual({ n: 0 });
  expect(trackOf(db, 'd1', '0', '9', 10).map((p) => p.seq)).toEqual([1, 2]);
  db.close();
  expect(trackRows(file)).toEqual([1, 2]);
  // Opening again finds nothing left to move and keeps the track.
  const again = openDb(file);
  expect(trackOf(again, 'd1', '0', '9', 10).map((p) => p.seq)).toEqual([1, 2]);
  again.close();
});

it('gives an in-memory database an in-memory track', () => {
  const db = openDb(':memory:');
  appendPing(db, ping(1));
  appendPing(db, ping(2));
  compactPingJournal(db);
  expect(trackOf(db, 'd1', '0', '9', 10).map((p) => p.seq)).toEqual([1, 2]);
  db.close();
});
