/**
 * Ingest cost without sockets: parse + group commit + live state for pings of `--drivers` drivers, in process.
 * Shows how much of the server's budget the write path takes (the rest is WebSocket framing).
 *   npx tsx bench/ws-load/ingest.ts [--drivers 5000] [--pings 100000] [--batch 500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDb } from '../../src/store/db.js';
import { findDriverByToken, type DriverIdentity } from '../../src/store/driver-tokens.js';
import { LiveState } from '../../src/tracking/live-state.js';
import { driverFrame, parseFrame } from '../../src/tracking/messages.js';
import { PingWriter } from '../../src/tracking/ping-writer.js';
import { seedFleet } from './seed.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const DRIVERS = arg('drivers', 5000);
const PINGS = arg('pings', 100_000);
const BATCH = arg('batch', 500);

const dir = mkdtempSync(join(tmpdir(), 'milkrun-ingest-'));
try {
  const db = openDb(join(dir, 'ingest.db'));
  if (arg('cache-mb', 0) > 0) db.pragma(`cache_size = -${arg('cache-mb', 0) * 1024}`);
  const who: DriverIdentity[] = seedFleet(db, DRIVERS, 20, Date.now()).map((t) => findDriverByToken(db, t)!);
  const live = new LiveState(db);
  const writer = new PingWriter(db, live, () => undefined, { flushDelayMs: 10_000, maxBatch: BATCH });
  let acks = 0;
  const compactMs: number[] = [];
  const reply = () => {
    acks++;
  };
  const ts = new Date().toISOString();
  const run = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const d = i % DRIVERS;
      const text = `{"type":"ping","seq":${i + 1},"lat":52.5${d % 1000},"lng":13.4,"ts":"${ts}","speed_mps":8}`;
      const parsed = parseFrame(text, driverFrame);
      if (parsed.ok && parsed.frame.type === 'ping') writer.enqueuePing(who[d]!, parsed.frame, reply);
      if ((i + 1) % compactEvery === 0) {
        writer.flush();
        const c0 = performance.now();
        writer.compact();
        compactMs.push(performance.now() - c0);
      }
    }
    writer.flush();
  };
  const compactEvery = Math.max(1, Math.round(arg('compact-every', 20_000) / BATCH)) * BATCH;
  // First ping of every driver loads its route: measured apart from the steady state.
  let t = performance.now();
  run(0, DRIVERS);
  const firstMs = performance.now() - t;
  t = performance.now();
  run(DRIVERS, DRIVERS + PINGS);
  const steadyMs = performance.now() - t;
  console.table([
    { phase: 'first ping per driver (route load)', pings: DRIVERS, per_s: Math.round(DRIVERS / (firstMs / 1000)) },
    { phase: `steady state, batch ${BATCH}`, pings: PINGS, per_s: Math.round(PINGS / (steadyMs / 1000)) },
  ]);
  if (compactMs.length > 0) {
    console.log(`compactions of ${compactEvery} pings: max ${Math.max(...compactMs).toFixed(1)} ms, mean ${(compactMs.reduce((a, b) => a + b, 0) / compactMs.length).toFixed(1)} ms`);
  }
  if (acks !== DRIVERS + PINGS) throw new Error(`acks ${acks}`);
  writer.close();
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
