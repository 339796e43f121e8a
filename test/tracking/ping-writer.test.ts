import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { changeStopStatus } from '../../src/store/stops.js';
import { trackOf } from '../../src/store/tracking.js';
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

function setup(lifecycle: ChangeStopStatus) {
  db = openDb(temp.file);
  const f = seedRoute(db, Date.now());
  const live = new LiveState(db);
  const writer = new PingWriter(db, live, lifecycle, { flushDelayMs: 1000, maxBatch: 1000 });
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
});
