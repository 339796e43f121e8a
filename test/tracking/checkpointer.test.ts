import { statSync } from 'node:fs';
import { expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { startCheckpointer } from '../../src/tracking/checkpointer.js';
import { eventually, tempDir } from './helpers.js';

it('checkpoints the WAL from a worker thread instead of the committing connection', async () => {
  const t = tempDir();
  const db = openDb(t.file);
  try {
    const stop = startCheckpointer(db, 20);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    db.exec('CREATE TABLE filler (a TEXT)');
    const insert = db.prepare('INSERT INTO filler VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run('x'.repeat(200));
    })();
    const before = statSync(t.file).size;
    // Only the worker can have copied the WAL into the database file: this connection never checkpoints now.
    await eventually(() => statSync(t.file).size > before + 500_000);
    await stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  } finally {
    db.close();
    t.remove();
  }
});
