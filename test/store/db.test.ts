import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDb } from '../../src/store/db.js';
import { recordEvent } from '../../src/store/events.js';
import { newId } from '../../src/store/ids.js';
import { migrations } from '../../src/store/migrations/index.js';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'milkrun-db-'));
  dirs.push(dir);
  return join(dir, 'nested', 'm.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('openDb and migrations', () => {
  it('creates the folder, uses WAL and foreign keys, applies every migration once', () => {
    const file = tempFile();
    const db = openDb(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const versions = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
    expect(versions).toEqual(migrations.map((m) => m.version).sort((a, b) => a - b));
    expect(migrate(db, migrations)).toEqual([]);
    db.close();
    const again = openDb(file);
    expect(migrate(again, migrations)).toEqual([]);
    again.close();
  });

  it('a failing migration leaves nothing half-applied', () => {
    const db = openDb(tempFile());
    const bad = { version: 999, name: 'bad', sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;' };
    expect(() => migrate(db, [...migrations, bad])).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(db.prepare('SELECT 1 FROM schema_migrations WHERE version = 999').get()).toBeUndefined();
    db.close();
  });

  it('recordEvent appends to the outbox in order and rolls back with its transaction', () => {
    const db = openDb(tempFile());
    const ev = (type: string) => recordEvent(db, { organizationId: 'org_x', type, resourceType: 'stop', resourceId: 'stp_1', data: { n: 1 } });
    ev('stop.created');
    expect(() =>
      db.transaction(() => {
        ev('stop.updated');
        throw new Error('change failed');
      })(),
    ).toThrow('change failed');
    ev('stop.deleted');
    const rows = db.prepare('SELECT seq, type, data_json FROM events ORDER BY seq').all() as { seq: number; type: string; data_json: string }[];
    expect(rows.map((r) => r.type)).toEqual(['stop.created', 'stop.deleted']);
    expect(rows[0]!.seq).toBeLessThan(rows[1]!.seq);
    expect(JSON.parse(rows[0]!.data_json)).toEqual({ n: 1 });
    db.close();
  });

  it('ids carry their prefix and 20 base32 characters', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('stp')));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^stp_[a-z2-7]{20}$/);
  });
});
