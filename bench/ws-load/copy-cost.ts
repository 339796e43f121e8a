/**
 * What moving the ping journal into the per-driver track costs per row as the track grows: rounds of
 * `--rows` journal rows over `--drivers` drivers, each copied in `--slices` steps (CopyRound, as the compaction
 * worker runs them) then trimmed, on one connection with the worker's page cache and a checkpoint per round.
 *   npx tsx bench/ws-load/copy-cost.ts [--drivers 5000] [--rows 40000] [--rounds 20] [--slices 32]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDb } from '../../src/store/db.js';
import { appendPing, deleteJournalThrough } from '../../src/store/pings.js';
import { CopyRound } from '../../src/tracking/journal-compaction.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const DRIVERS = arg('drivers', 5000);
const ROWS = arg('rows', 40_000);
const ROUNDS = arg('rounds', 20);
const SLICES = arg('slices', 32);

const dir = mkdtempSync(join(tmpdir(), 'milkrun-copy-cost-'));
try {
  const db = openDb(join(dir, 'copy.db'));
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('track.cache_size = -65536');
  const drivers = Array.from({ length: DRIVERS }, (_, i) => `drv_${String((i * 7919) % 1_000_003).padStart(20, '0')}`);
  const ts = new Date().toISOString();
  let seq = 0;
  const table: Record<string, number | string>[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    db.transaction(() => {
      for (let i = 0; i < ROWS; i++) {
        appendPing(db, {
          driverId: drivers[i % DRIVERS]!,
          seq: ++seq,
          organizationId: 'org_aaaaaaaaaaaaaaaaaaaa',
          routeId: 'rte_bbbbbbbbbbbbbbbbbbbb',
          lat: 52.5,
          lng: 13.4,
          ts,
          speedMps: 8,
          heading: 90,
          accuracyM: 5,
          batteryPct: 80,
          receivedAt: ts,
        });
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const plan = CopyRound.plan(db, SLICES)!;
    let longest = 0;
    const started = performance.now();
    while (!plan.done) {
      const t = performance.now();
      plan.step(db);
      longest = Math.max(longest, performance.now() - t);
    }
    const copyMs = performance.now() - started;
    deleteJournalThrough(db, plan.last);
    if (round === 1 || round % Math.max(1, Math.floor(ROUNDS / 5)) === 0) {
      table.push({ round, track_rows: round * ROWS, copy_ms: Math.round(copyMs), us_per_row: Number(((copyMs * 1000) / ROWS).toFixed(2)), longest_step_ms: Number(longest.toFixed(1)) });
    }
  }
  console.table(table);
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
