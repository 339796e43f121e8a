/**
 * What one dispatcher update costs in the server: live view (ETAs along the remaining stops) and its JSON, per
 * driver, for `--drivers` drivers with 20 planned stops each, in one process (no sockets).
 *   npx tsx bench/ws-load/view-cost.ts [--drivers 5000] [--rounds 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDb } from '../../src/store/db.js';
import { findDriverByToken } from '../../src/store/driver-tokens.js';
import { LiveState } from '../../src/tracking/live-state.js';
import { updateText } from '../../src/tracking/hub.js';
import { seedFleet } from './seed.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const DRIVERS = arg('drivers', 5000);
const ROUNDS = arg('rounds', 5);
const dir = mkdtempSync(join(tmpdir(), 'milkrun-view-'));
try {
  const db = openDb(join(dir, 'view.db'));
  const who = seedFleet(db, DRIVERS, 20, Date.now()).map((t) => findDriverByToken(db, t)!);
  const live = new LiveState(db);
  const now = Date.now();
  db.transaction(() => {
    for (const [k, w] of who.entries()) {
      live.applyPing(w, { lat: 52.4 + (k % 100) / 500, lng: 13.3, tsIso: new Date(now).toISOString(), tsMs: now, speedMps: 8, heading: null, batteryPct: null }, now);
    }
  })();
  const drivers = who.map((w) => live.get(w.driverId)!);
  let bytes = 0;
  const rows = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    for (const d of drivers) live.view(d, now + r);
    const viewUs = ((performance.now() - t) * 1000) / drivers.length;
    t = performance.now();
    for (const d of drivers) bytes += updateText(live, d, now + r).length;
    const textUs = ((performance.now() - t) * 1000) / drivers.length;
    rows.push({ round: r, view_us_per_driver: Math.round(viewUs * 10) / 10, update_text_us_per_driver: Math.round(textUs * 10) / 10 });
  }
  console.table(rows);
  console.log(`update text ${Math.round(bytes / ROUNDS / drivers.length)} bytes per driver`);
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
