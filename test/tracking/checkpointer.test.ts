import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { startCheckpointer } from '../../src/tracking/checkpointer.js';
import { WriteGate } from '../../src/tracking/write-gate.js';
import { eventually, tempDir } from './helpers.js';

it('checkpoints the WAL from a worker thread instead of the committing connection', async () => {
  const t = tempDir();
  const db = openDb(t.file);
  try {
    const stop = startCheckpointer(db, 20, new WriteGate());
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

it('makes the WAL start over under a steady stream of commits, so it does not grow without end', async () => {
  const t = tempDir();
  const db = openDb(t.file);
  try {
    // A restart after 64 frames (256 KB).
    const stop = startCheckpointer(db, 10, new WriteGate(), 64);
    db.exec('CREATE TABLE filler (a TEXT)');
    const insert = db.prepare('INSERT INTO filler VALUES (?)');
    const batch = db.transaction(() => {
      for (let i = 0; i < 50; i++) insert.run('x'.repeat(200));
    });
    // Commits keep coming while the worker checkpoints on its own thread, as under ingest, until the log is seen
    // to start over: a positive signal, not a timing. The WAL header's checkpoint sequence number and salt change
    // exactly when the log restarts (sqlite.org/fileformat2.html#walformat); reading the file does not touch
    // SQLite, whereas a checkpoint from this connection would let this connection restart the log itself.
    const walHeader = (): string => {
      const fd = openSync(`${t.file}-wal`, 'r');
      try {
        const b = Buffer.alloc(20);
        readSync(fd, b, 0, 20, 0);
        return b.subarray(12, 20).toString('hex');
      } finally {
        closeSync(fd);
      }
    };
    const deadline = Date.now() + 30_000;
    let commits = 0;
    let first: string | null = null;
    let restarted = false;
    while (!restarted && Date.now() < deadline) {
      batch();
      commits++;
      first ??= walHeader();
      if (commits % 10 === 0) restarted = walHeader() !== first;
      await new Promise((r) => setTimeout(r, 1));
    }
    await stop();
    expect(restarted).toBe(true);
    // Every commit wrote at least 3 pages (10 KB of rows), so an unbounded log would hold over 3 frames per
    // commit; `log` counts only the frames since the WAL last started over.
    const [wal] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(wal!.log).toBeLessThan(commits * 3);
    expect((db.prepare('SELECT COUNT(*) AS n FROM filler').get() as { n: number }).n).toBe(commits * 50);
  } finally {
    db.close();
    t.remove();
  }
});
