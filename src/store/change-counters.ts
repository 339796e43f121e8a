import { stmt, type Db } from './db.js';

/** How many writes `table` has seen for the organization (kept by triggers, migration 005); 0 before the first. */
export function tableVersion(db: Db, organizationId: string, table: 'stops'): number {
  const row = stmt(db, 'SELECT version FROM change_counters WHERE organization_id = ? AND table_name = ?').get(
    organizationId,
    table,
  ) as { version: number } | undefined;
  return row?.version ?? 0;
}

export type VersionReader = (organizationId: string) => number;

const stopsReaders = new WeakMap<Db, VersionReader>();

/** Writes by another process become visible to `stopsVersionReader` within this time. */
export const EXTERNAL_WRITE_CHECK_MS = 100;

/**
 * Reads the same number as `tableVersion(db, org, 'stops')`, asking SQLite only when something may have changed it.
 * A list poller calls this on every request, and any SQLite read there opens a read transaction: two `fcntl`
 * calls on the WAL index plus the query, ~8 % of a cached page's time.
 * - Writes through this connection (the server's only one), by any module or raw SQL: TEMP triggers (this
 *   connection only, nothing stored in the file) call back into JS and mark the organization. Seen at once.
 * - Writes by another process on the same file (the CLI, a manual fix in sqlite3): `PRAGMA data_version` changes;
 *   it is read at most every `EXTERNAL_WRITE_CHECK_MS`, so such writes are seen within that time.
 * Either one makes the next call re-read the counter; otherwise the last value read is still the truth.
 */
export function stopsVersionReader(db: Db, now: () => number = () => Date.now()): VersionReader {
  const existing = stopsReaders.get(db);
  if (existing) return existing;

  const localWrites = new Map<string, number>();
  db.function('milkrun_stops_written', { deterministic: false }, (organizationId: unknown) => {
    if (typeof organizationId === 'string') localWrites.set(organizationId, (localWrites.get(organizationId) ?? 0) + 1);
    return null;
  });
  db.exec(`
    CREATE TEMP TRIGGER IF NOT EXISTS stops_written_insert AFTER INSERT ON main.stops
    BEGIN SELECT milkrun_stops_written(NEW.organization_id); END;
    CREATE TEMP TRIGGER IF NOT EXISTS stops_written_update AFTER UPDATE ON main.stops
    BEGIN SELECT milkrun_stops_written(OLD.organization_id); SELECT milkrun_stops_written(NEW.organization_id); END;
    CREATE TEMP TRIGGER IF NOT EXISTS stops_written_delete AFTER DELETE ON main.stops
    BEGIN SELECT milkrun_stops_written(OLD.organization_id); END;
  `);
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let seenDataVersion = dataVersion.get();
  let nextExternalCheck = now() + EXTERNAL_WRITE_CHECK_MS;
  let externalChanges = 0;
  const known = new Map<string, { version: number; local: number; external: number }>();

  const read: VersionReader = (organizationId) => {
    const at = now();
    if (at >= nextExternalCheck) {
      nextExternalCheck = at + EXTERNAL_WRITE_CHECK_MS;
      const current = dataVersion.get();
      if (current !== seenDataVersion) {
        seenDataVersion = current;
        externalChanges++;
      }
    }
    const local = localWrites.get(organizationId) ?? 0;
    const last = known.get(organizationId);
    if (last && last.local === local && last.external === externalChanges) return last.version;
    const version = tableVersion(db, organizationId, 'stops');
    known.set(organizationId, { version, local, external: externalChanges });
    return version;
  };
  stopsReaders.set(db, read);
  return read;
}
