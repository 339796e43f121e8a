import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { changeStopStatus } from '../../src/lifecycle/stop-status.js';
import { appendPing, trackOf } from '../../src/store/pings.js';
import { LiveState } from '../../src/tracking/live-state.js';
import { PingWriter, type ChangeStopStatus, type Reply } from '../../src/tracking/ping-writer.js';
import type { PingFrame, StopEventFrame } from '../../src/tracking/messages.js';
import { seedRoute, tempDir } from './helpers.js';

const temp = tempDir();
let db: Db;
afterEach(() => {
  db?.close();
});
afterAll(() => temp.remove());

function setup(lifecycle: ChangeStopStatus, compactEveryMs = 0, file = temp.file) {
  db = openDb(file);
  const f = seedRoute(db, Date.now());
  const live = new LiveState(db);
  const writer = new PingWriter(db, live, lifecycle, {
    flushDelayMs: 1000,
    maxBatch: 1000,
    compactEveryMs,
    compactSlices: 4,
  });
  const who = { driverId: f.driverId, organizationId: f.orgId };
  const replies: Reply[] = [];
  const ping = (seq: number, lat: number): PingFrame => ({ type: 'ping', seq, lat, lng: 13, ts: new Date(Date.now() + seq).toISOString() });
  const arrived = (seq: number): StopEventFrame => ({ type: 'stop_event', seq, stop_id: f.stopIds[0]!, event: 'arrived' });
  return { f, live, writer, who, replies, ping, arrived };
}

describe('PingWriter', () => {
  it('holds replies until the batch commits and dedupes within and across batches', () => {
    const { f, writer, who, replies, ping } = setup(changeStopStatus);
    writer.enqueuePing(who, ping(1, 52.1), (r) => replies.push(r));
    writer.enqueuePing(who, ping(1, 52.9), (r) => replies.push(r));
    expect(replies).toEqual([]);
    writer.flush();
    expect(replies).toEqual([
      { type: 'ack', seq: 1 },
      { type: 'ack', seq: 1 },
    ]);
    writer.compact();
    writer.enqueuePing(who, ping(1, 52.5), (r) => replies.push(r));
    writer.flush();
    expect(trackOf(db, f.driverId, '0', '9', 100).map((p) => p.lat)).toEqual([52.1]);
  });

  it('answers a failed batch with errors, stores none of it, and accepts the resend once', () => {
    let fail = true;
    const flaky: ChangeStopStatus = (...args) => {
      if (fail) throw new Error('disk on fire');
      return changeStopStatus(...args);
    };
    const { f, live, writer, who, replies, ping, arrived } = setup(flaky);
    writer.enqueuePing(who, ping(1, 52.1), (r) => replies.push(r));
    writer.enqueueStopEvent(who, arrived(2), (r) => replies.push(r));
    writer.flush();
    expect(replies.map((r) => [r.type, r.seq])).toEqual([
      ['error', 1],
      ['error', 2],
    ]);
    expect(trackOf(db, f.driverId, '0', '9', 100)).toEqual([]);
    expect(live.get(f.driverId)?.online ?? false).toBe(false);

    fail = false;
    replies.length = 0;
    writer.enqueuePing(who, ping(1, 52.1), (r) => replies.push(r));
    writer.enqueueStopEvent(who, arrived(2), (r) => replies.push(r));
    writer.flush();
    expect(replies).toEqual([
      { type: 'ack', seq: 1 },
      { type: 'ack', seq: 2 },
    ]);
    expect(trackOf(db, f.driverId, '0', '9', 100).map((p) => p.seq)).toEqual([1]);
    const stop = db.prepare('SELECT status FROM stops WHERE id = ?').get(f.stopIds[0]) as { status: string };
    expect(stop.status).toBe('arrived');
    expect(live.get(f.driverId)?.online).toBe(true);
  });

  // A file database compacts in a worker thread on its own connection; an in-memory one on the main thread.
  it.each([
    ['a worker thread', undefined],
    ['the main thread', ':memory:'],
  ])('moves every journal row but the newest in %s, including rows it did not append, and still dedupes after', async (_, file) => {
    const { f, writer, who, replies, ping } = setup(changeStopStatus, 20, file);
    const journal = () => (db.prepare('SELECT seq FROM ping_journal ORDER BY id').all() as { seq: number }[]).map((r) => r.seq);
    const stored = () => (db.prepare('SELECT seq FROM pings WHERE driver_id = ? ORDER BY seq').all(f.driverId) as { seq: number }[]).map((r) => r.seq);
    const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    for (let seq = 1; seq <= 30; seq++) writer.enqueuePing(who, ping(seq, 52 + seq / 100), (r) => replies.push(r));
    writer.flush();
    // A row the writer does not know of: rounds are planned from the journal itself, so it moves too.
    appendPing(db, {
      driverId: f.driverId,
      seq: 100,
      organizationId: f.orgId,
      routeId: null,
      lat: 53,
      lng: 13,
      ts: new Date(Date.now() + 100).toISOString(),
      speedMps: null,
      heading: null,
      accuracyM: null,
      batteryPct: null,
      receivedAt: new Date().toISOString(),
    });
    // The newest row waits for a later round: an empty journal would number new rows from 1 again.
    await vi.waitFor(() => {
      expect(journal()).toEqual([100]);
    }, { timeout: 5000 });
    expect(stored()).toEqual(upTo(30));
    // Commits while rounds run: writes interleave through the gate and nothing is lost.
    for (let seq = 31; seq <= 40; seq++) {
      writer.enqueuePing(who, ping(seq, 52.5), (r) => replies.push(r));
      writer.flush();
      await new Promise((r) => setTimeout(r, 3));
    }
    await vi.waitFor(() => {
      expect(journal()).toEqual([40]);
    }, { timeout: 5000 });
    expect(stored()).toEqual([...upTo(39), 100]);
    const maxId = (db.prepare('SELECT MAX(id) AS id FROM ping_journal').get() as { id: number }).id;
    expect(maxId).toBeGreaterThan(31);
    // Moved pings are still known: a replay is acknowledged and not stored again.
    writer.enqueuePing(who, ping(35, 51), (r) => replies.push(r));
    writer.flush();
    expect(replies.at(-1)).toEqual({ type: 'ack', seq: 35 });
    expect(replies.filter((r) => r.type === 'ack')).toHaveLength(41);
    await writer.close();
    expect(stored()).toEqual([...upTo(40), 100]);
    expect(trackOf(db, f.driverId, '0', '9', 100).filter((p) => p.seq === 40)).toHaveLength(1);
  });
});
