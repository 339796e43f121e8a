import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { changeStopStatus } from '../../src/store/stops.js';
import { appendPing, trackOf } from '../../src/store/tracking.js';
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

function setup(lifecycle: ChangeStopStatus, compactEveryMs = 0) {
  db = openDb(temp.file);
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

  it('moves every journal row in slices, including rows it did not append, and still dedupes after', async () => {
    const { f, writer, who, replies, ping } = setup(changeStopStatus, 20);
    for (let seq = 1; seq <= 30; seq++) writer.enqueuePing(who, ping(seq, 52 + seq / 100), (r) => replies.push(r));
    writer.flush();
    // A row the writer does not know of: the slices are then selected in SQL, and nothing is lost.
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
    await vi.waitFor(() => {
      expect(db.prepare('SELECT COUNT(*) AS n FROM ping_journal').get()).toEqual({ n: 0 });
    }, { timeout: 5000 });
    const stored = () => (db.prepare('SELECT seq FROM pings WHERE driver_id = ? ORDER BY seq').all(f.driverId) as { seq: number }[]).map((r) => r.seq);
    expect(stored()).toEqual([...Array.from({ length: 30 }, (_, i) => i + 1), 100]);
    for (let seq = 31; seq <= 40; seq++) writer.enqueuePing(who, ping(seq, 52.5), (r) => replies.push(r));
    writer.flush();
    await vi.waitFor(() => {
      expect(db.prepare('SELECT COUNT(*) AS n FROM ping_journal').get()).toEqual({ n: 0 });
    }, { timeout: 5000 });
    writer.enqueuePing(who, ping(35, 51), (r) => replies.push(r));
    writer.flush();
    expect(replies.at(-1)).toEqual({ type: 'ack', seq: 35 });
    expect(stored()).toEqual([...Array.from({ length: 40 }, (_, i) => i + 1), 100]);
    writer.close();
  });
});
