import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations as allMigrations, type Migration } from './migrations/index.js';
import { attachTrack, moveLegacyPings } from './track-file.js';

export type Db = Database.Database;

/*
 * Write transactions are opened IMMEDIATE (`db.transaction(fn).immediate()`): the write lock is taken first, waiting
 * in the busy handler, so a transaction never reads first and then fails to upgrade to a writer (SQLITE_BUSY with
 * no wait) because the checkpoint or compaction worker moved the log in between. Seen as 1 in ~3,000 concurrent
 * `POST /stops` answering 500 under load.
 */

/**
 * Opens (creating when absent) the SQLite file with WAL, foreign keys and a busy timeout, attaches the track
 * file beside it (track-file.ts), then applies the migrations it has not seen yet. `':memory:'` works too
 * (tests of pure store logic).
 */
export function openDb(file: string, migrations: Migration[] = allMigrations): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // WAL makes NORMAL durable across application crashes; only a power loss can drop the last commits.
  db.pragma('synchronous = NORMAL');
  attachTrack(db, file);
  migrate(db, migrations);
  moveLegacyPings(db);
  return db;
}

/** Applies pending migrations in version order, each in its own transaction; returns the versions applied. */
export function migrate(db: Db, migrations: Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const done: number[] = [];
  for (const m of sorted) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    })();
    done.push(m.version);
  }
  return done;
}

/** True when the file has no organizations yet (a new database: the server seeds the demo then). */
export function isEmpty(db: Db): boolean {
  const row = db.prepare('SELECT COUNT(*) AS n FROM organizations').get() as { n: number };
  return row.n === 0;
}

const statementCache = new WeakMap<Db, Map<string, Database.Statement>>();

/** A prepared statement for `sql`, prepared once per connection (preparing costs more than running). */
export function stmt(db: Db, sql: string): Database.Statement {
  let perDb = statementCache.get(db);
  if (!perDb) {
    perDb = new Map();
    statementCache.set(db, perDb);
  }
  let s = perDb.get(sql);
  if (!s) {
    s = db.prepare(sql);
    perDb.set(sql, s);
  }
  return s;
}

/** Now as stored: ISO 8601 UTC with milliseconds. */
export function nowIso(): string {
  return new Date().toISOString();
}
