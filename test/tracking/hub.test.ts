import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  Client,
  driverToken,
  eventsOf,
  eventually,
  ping,
  seedRoute,
  startServer,
  tempDir,
  upgradeStatus,
  type Fixture,
  type Server,
} from './helpers.js';

const MIN = 60_000;
const temp = tempDir();
let server: Server;

beforeAll(async () => {
  server = await startServer(temp.file, {
    flushDelayMs: 5,
    offlineAfterMs: 60_000,
    liveIntervalMs: 20,
    maxFramesPerS: 50,
    burstFrames: 30,
    maxPayloadBytes: 4096,
    maxClockAheadMs: 86_400_000,
  });
});
afterAll(async () => {
  await server.close();
  temp.remove();
});

async function connectDriver(): Promise<{ f: Fixture; c: Client; token: string }> {
  const f = seedRoute(server.db, Date.now());
  const token = await driverToken(server, f);
  const c = await Client.connect(`${server.ws}/ws/driver`, { authorization: `Bearer ${token}` });
  return { f, c, token };
}

describe('driver connection', () => {
  it('refuses a missing, wrong or API token with 401 before the upgrade', async () => {
    const f = seedRoute(server.db, Date.now());
    const token = await driverToken(server, f);
    expect(await upgradeStatus(`${server.ws}/ws/driver`)).toBe(401);
    expect(await upgradeStatus(`${server.ws}/ws/driver?token=mkd_nope`)).toBe(401);
    expect(await upgradeStatus(`${server.ws}/ws/driver`, { authorization: `Bearer ${f.apiToken}` })).toBe(401);
    expect(await upgradeStatus(`${server.ws}/ws/live?token=${token}`)).toBe(401);
    // The browser form (?token=) is accepted.
    const c = await Client.connect(`${server.ws}/ws/driver?token=${token}`);
    c.close();
  });

  it('acks after commit and acks a replayed seq without applying it twice', async () => {
    const { f, c } = await connectDriver();
    const t0 = Date.now();
    c.send(ping(1, 52.001, t0, { speed_mps: 8, battery_pct: 77 }));
    await c.waitFor((m) => m.type === 'ack' && m.seq === 1);
    c.send(ping(1, 52.3, t0 + 1000));
    c.send(ping(2, 52.002, t0 + 2000));
    await c.waitFor((m) => m.type === 'ack' && m.seq === 2);
    expect(c.frames.filter((m) => m.type === 'ack').map((m) => m.seq)).toEqual([1, 1, 2]);
    const track = await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/track`);
    expect(track.status).toBe(200);
    expect(track.data.data.map((p: any) => [p.seq, p.lat])).toEqual([
      [1, 52.001],
      [2, 52.002],
    ]);
    const live = await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/live`);
    expect(live.data).toMatchObject({ driver_id: f.driverId, lat: 52.002, lng: 13, online: true, route_id: f.routeId });
    expect(live.data.battery_pct).toBeNull();
    expect(eventsOf(server.db, 'driver.online', f.driverId)).toHaveLength(1);
    // After the journal moved into the sorted track, a replay is still recognised (by lookup now).
    expect(server.tracking.writer.compact()).toBeGreaterThan(0);
    c.send(ping(2, 52.9, t0 + 2000));
    c.send(ping(1, 52.9, t0 + 1000));
    await c.waitFor((m) => m.type === 'ack' && m.seq === 1 && c.frames.filter((x) => x.seq === 1).length === 3);
    const again = await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/track`);
    expect(again.data.data.map((p: any) => [p.seq, p.lat])).toEqual([
      [1, 52.001],
      [2, 52.002],
    ]);
    c.close();
  });

  it('stores an out-of-order ping in the track without moving the live position', async () => {
    const { f, c } = await connectDriver();
    const t0 = Date.now();
    c.send(ping(10, 52.01, t0));
    c.send(ping(11, 52.02, t0 - 60_000));
    await c.waitFor((m) => m.type === 'ack' && m.seq === 11);
    const live = await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/live`);
    expect([live.data.lat, live.data.updated_at]).toEqual([52.01, new Date(t0).toISOString()]);
    const track = await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/track?format=geojson`);
    expect(track.data.geometry).toEqual({
      type: 'LineString',
      coordinates: [
        [13, 52.02],
        [13, 52.01],
      ],
    });
    const from = new Date(t0 - 1000).toISOString();
    const later = await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/track?from=${from}`);
    expect(later.data.data.map((p: any) => p.seq)).toEqual([10]);
    c.close();
  });

  it('answers malformed and unknown frames with an error frame and keeps the connection', async () => {
    const { c } = await connectDriver();
    c.send('{not json');
    expect(await c.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'invalid_json' });
    c.send({ type: 'teleport', seq: 5 });
    expect(await c.waitFor((m) => m.code === 'unknown_type')).toMatchObject({ seq: 5 });
    c.send({ type: 'ping', seq: 6, lat: 123, lng: 13, ts: new Date().toISOString() });
    expect(await c.waitFor((m) => m.seq === 6)).toMatchObject({ type: 'error', code: 'invalid_frame' });
    expect((await c.waitFor((m) => m.seq === 6)).message).toContain('lat');
    c.send(ping(8, 52, Date.now() + 2 * 86_400_000));
    expect(await c.waitFor((m) => m.seq === 8)).toMatchObject({ type: 'error', code: 'invalid_frame' });
    c.send(ping(7, 52, Date.now()));
    await c.waitFor((m) => m.type === 'ack' && m.seq === 7);
    expect(c.closed).toBeNull();
    c.close();
  });

  it('closes a flooding client with 1008 and an oversized frame with 1009', async () => {
    const { c: flood } = await connectDriver();
    for (let i = 0; i < 200; i++) flood.send(ping(100 + i, 52, Date.now()));
    expect((await flood.waitClosed()).code).toBe(1008);
    const { c: big } = await connectDriver();
    big.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(5000) }));
    expect((await big.waitClosed()).code).toBe(1009);
  });

  it('acknowledges every ping it stored from a flooding client before the 1008 close', async () => {
    const { f, c } = await connectDriver();
    const t0 = Date.now();
    for (let i = 1; i <= 200; i++) c.send(ping(i, 52, t0 + i));
    expect(await c.waitClosed()).toEqual({ code: 1008, reason: 'rate limit exceeded' });
    const acked = c.frames.filter((m) => m.type === 'ack').map((m) => m.seq);
    expect(acked.length).toBeGreaterThan(0);
    // Whatever is still queued is committed now: nothing may be stored beyond what was acknowledged.
    server.tracking.writer.flush();
    const track = await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/track`);
    expect(track.data.data.map((p: any) => p.seq)).toEqual(acked);
  });

  it('drives the stop lifecycle from stop events, with the REST history and events', async () => {
    const { f, c } = await connectDriver();
    const [s0] = f.stopIds;
    c.send({ type: 'stop_event', seq: 1, stop_id: s0, event: 'arrived' });
    await c.waitFor((m) => m.type === 'ack' && m.seq === 1);
    c.send({ type: 'stop_event', seq: 2, stop_id: s0, event: 'completed', pod: { signee: 'Ann', note: 'porch' } });
    await c.waitFor((m) => m.type === 'ack' && m.seq === 2);
    // Replay of seq 2: acked, not applied again. A new seq with an impossible transition: refused.
    c.send({ type: 'stop_event', seq: 2, stop_id: s0, event: 'completed' });
    c.send({ type: 'stop_event', seq: 3, stop_id: s0, event: 'arrived' });
    expect(await c.waitFor((m) => m.seq === 3)).toMatchObject({ type: 'error', code: 'invalid_transition' });
    c.send({ type: 'stop_event', seq: 4, stop_id: 'stp_aaaaaaaaaaaaaaaaaaaa', event: 'arrived' });
    expect(await c.waitFor((m) => m.seq === 4)).toMatchObject({ type: 'error', code: 'not_found' });
    const stop = await api(server, f.apiToken, 'GET', `/api/v1/stops/${s0}`);
    expect(stop.data.status).toBe('completed');
    const history = server.db
      .prepare('SELECT to_status, actor FROM stop_history WHERE stop_id = ? ORDER BY seq')
      .all(s0) as { to_status: string; actor: string }[];
    expect(history).toEqual([
      { to_status: 'arrived', actor: `driver:${f.driverId}` },
      { to_status: 'completed', actor: `driver:${f.driverId}` },
    ]);
    expect(eventsOf(server.db, 'stop.completed', s0)).toHaveLength(1);
    const live = await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/live`);
    expect(live.data.current_stop_id).toBe(f.stopIds[1]);
    expect(live.data.remaining.map((r: any) => r.stop_id)).toEqual(f.stopIds.slice(1));
    c.close();
  });

  it('pushes later ETAs and raises stop.eta_late once when the driver is slower than planned', async () => {
    const { f, c } = await connectDriver();
    const t0 = f.startMs;
    c.send(ping(1, 52, t0));
    await c.waitFor((m) => m.seq === 1);
    const before = (await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/live`)).data;
    expect(before.remaining.map((r: any) => r.window_missed)).toEqual([false, false, false]);
    // The first 10-minute leg takes 25 minutes.
    c.send(ping(2, 52.05, t0 + 25 * MIN));
    c.send({ type: 'stop_event', seq: 3, stop_id: f.stopIds[0], event: 'arrived', ts: new Date(t0 + 25 * MIN).toISOString() });
    await c.waitFor((m) => m.seq === 3);
    const after = (await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/live`)).data;
    expect(after.pace).toBeGreaterThan(1.3);
    const delayMin = (i: number) => (Date.parse(after.remaining[i].eta) - Date.parse(before.remaining[i].eta)) / MIN;
    expect(delayMin(1)).toBeGreaterThan(15);
    expect(delayMin(2)).toBeGreaterThan(delayMin(1));
    expect(after.remaining[2].window_missed).toBe(true);
    c.send(ping(4, 52.05, t0 + 26 * MIN));
    await c.waitFor((m) => m.seq === 4);
    const late = eventsOf(server.db, 'stop.eta_late', f.stopIds[2]);
    expect(late).toHaveLength(1);
    expect(late[0]!.data).toMatchObject({ driver_id: f.driverId, route_id: f.routeId });
    c.close();
  });
});

describe('dispatcher connection', () => {
  it('sends coalesced position and ETA updates for the subscribed drivers only', async () => {
    const { f, c } = await connectDriver();
    const other = await connectDriver();
    const d = await Client.connect(`${server.ws}/ws/live`, { authorization: `Bearer ${f.apiToken}` });
    d.send({ type: 'subscribe', drivers: [f.driverId] });
    await d.waitFor((m) => m.type === 'subscribed');
    const t0 = Date.now();
    const sentAt = performance.now();
    for (let i = 1; i <= 5; i++) c.send(ping(i, 52 + i / 1000, t0 + i * 1000));
    other.c.send(ping(1, 52, t0));
    await c.waitFor((m) => m.seq === 5);
    const update = await d.waitFor((m) => m.type === 'driver.update' && m.lat === 52.005);
    const ticks = Math.ceil((performance.now() - sentAt) / 20);
    expect(update).toMatchObject({ driver_id: f.driverId, online: true, current_stop_id: f.stopIds[0] });
    expect(update.remaining).toHaveLength(3);
    // Coalesced: at most one update per live interval that passed (one may be cut mid-burst), and in any case
    // fewer updates than pings; however slow the machine, never one per ping.
    expect(d.frames.filter((m) => m.type === 'driver.update').length).toBeLessThanOrEqual(Math.min(4, ticks + 1));
    // The other driver's ping is stored, and an update of the subscribed driver sent after it has arrived: any
    // update of the other driver would have gone out by now. Then its absence means something.
    await other.c.waitFor((m) => m.seq === 1);
    c.send(ping(6, 52.006, t0 + 6000));
    await d.waitFor((m) => m.type === 'driver.update' && m.lat === 52.006);
    expect(d.frames.every((m) => m.type !== 'driver.update' || m.driver_id === f.driverId)).toBe(true);
    d.send({ type: 'subscribe', drivers: 'all' });
    expect(await d.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'invalid_frame' });
    c.close();
    other.c.close();
    d.close();
  });
});
