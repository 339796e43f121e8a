import { describe, expect, it } from 'vitest';
import { api, Client, driverToken, eventsOf, eventually, ping, seedRoute, startServer, tempDir } from './helpers.js';

const MIN = 60_000;

describe('offline detection', () => {
  it('marks a silent driver offline, back online on the next ping, offline again when the route is done', async () => {
    const temp = tempDir();
    // Offline after 1 s: long enough that the first check (right after the ack) never races the sweep on a busy machine.
    const server = await startServer(temp.file, { flushDelayMs: 5, offlineAfterMs: 1000, liveIntervalMs: 20 });
    try {
      const f = seedRoute(server.db, Date.now());
      const c = await Client.connect(`${server.ws}/ws/driver`, { authorization: `Bearer ${await driverToken(server, f)}` });
      c.send(ping(1, 52, Date.now()));
      await c.waitFor((m) => m.seq === 1);
      expect((await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/live`)).data.online).toBe(true);
      await eventually(async () => !(await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/live`)).data.online);
      expect(eventsOf(server.db, 'driver.offline', f.driverId).map((e) => e.data.reason)).toEqual(['no_pings']);

      c.send(ping(2, 52.01, Date.now()));
      await c.waitFor((m) => m.seq === 2);
      expect(eventsOf(server.db, 'driver.online', f.driverId)).toHaveLength(2);
      // Finishing every stop closes the route: the driver goes offline with that reason.
      let seq = 3;
      for (const stopId of f.stopIds) {
        c.send({ type: 'stop_event', seq: seq++, stop_id: stopId, event: 'arrived' });
        c.send({ type: 'stop_event', seq: seq++, stop_id: stopId, event: 'completed' });
      }
      await c.waitFor((m) => m.seq === seq - 1);
      expect(c.frames.filter((m) => m.type === 'error')).toEqual([]);
      expect(eventsOf(server.db, 'driver.offline', f.driverId).map((e) => e.data.reason)).toEqual([
        'no_pings',
        'route_finished',
      ]);
      const route = server.db.prepare('SELECT status FROM routes WHERE id = ?').get(f.routeId) as { status: string };
      expect(route.status).toBe('completed');
      c.close();
    } finally {
      await server.close();
      temp.remove();
    }
  });
});

describe('route closed over REST', () => {
  it('takes the driver offline when the route is completed through the API', async () => {
    const temp = tempDir();
    const server = await startServer(temp.file, {
      flushDelayMs: 5,
      offlineAfterMs: 60_000,
      outsideChangesEveryMs: 30,
      liveIntervalMs: 20,
    });
    try {
      const f = seedRoute(server.db, Date.now());
      const c = await Client.connect(`${server.ws}/ws/driver?token=${await driverToken(server, f)}`);
      c.send(ping(1, 52, Date.now()));
      await c.waitFor((m) => m.seq === 1);
      const setStatus = async (stopId: string, status: string) => {
        const res = await fetch(`${server.base}/api/v1/stops/${stopId}/status`, {
          method: 'POST',
          headers: { authorization: `Bearer ${f.apiToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ status }),
        });
        expect(res.status).toBe(200);
      };
      const live = async () => (await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/live`)).data;
      // A stop finished over REST moves the live state on, as one finished over the socket would.
      await setStatus(f.stopIds[0]!, 'arrived');
      await setStatus(f.stopIds[0]!, 'completed');
      await eventually(async () => (await live()).current_stop_id === f.stopIds[1], 8000);
      expect((await live()).remaining.map((r: any) => r.stop_id)).toEqual(f.stopIds.slice(1));
      for (const stopId of f.stopIds.slice(1)) {
        await setStatus(stopId, 'arrived');
        await setStatus(stopId, 'completed');
      }
      const offline = await eventually(() => eventsOf(server.db, 'driver.offline', f.driverId)[0], 8000);
      expect(offline.data).toMatchObject({ reason: 'route_closed', route_id: f.routeId });
      // Pinging on after the route is closed does not make the driver online again.
      c.send(ping(2, 52.2, Date.now()));
      await c.waitFor((m) => m.seq === 2);
      expect((await live()).online).toBe(false);
      expect(eventsOf(server.db, 'driver.online', f.driverId)).toHaveLength(1);
      c.close();
    } finally {
      await server.close();
      temp.remove();
    }
  });
});

describe('restart', () => {
  it('rebuilds the live state (position, online, learned pace, progress) from the database', async () => {
    const temp = tempDir();
    let server = await startServer(temp.file);
    const f = seedRoute(server.db, Date.now());
    try {
      const c = await Client.connect(`${server.ws}/ws/driver`, { authorization: `Bearer ${await driverToken(server, f)}` });
      const t0 = Date.now();
      c.send(ping(1, 52, t0));
      c.send(ping(2, 52.05, t0 + 20 * MIN, { speed_mps: 9.5, heading: 12, battery_pct: 64 }));
      c.send({ type: 'stop_event', seq: 3, stop_id: f.stopIds[0], event: 'arrived', ts: new Date(t0 + 20 * MIN).toISOString() });
      await c.waitFor((m) => m.seq === 3);
      const before = (await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/live`)).data;
      expect(before.pace).toBeGreaterThan(1.2);
      c.close();
      await server.close();

      server = await startServer(temp.file);
      // Written back on close: the driver's last position (re-planning starts there) and the stop ETAs.
      expect(server.db.prepare('SELECT last_lat, last_lng FROM drivers WHERE id = ?').get(f.driverId)).toEqual({
        last_lat: 52.05,
        last_lng: 13,
      });
      const etas = server.db.prepare('SELECT stop_id, eta FROM route_stops WHERE route_id = ? ORDER BY position').all(f.routeId);
      expect(etas).toEqual(before.remaining.map((r: any) => ({ stop_id: r.stop_id, eta: expect.any(String) })));
      const after = (await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/live`)).data;
      const stable = (v: any) => ({ ...v, eta_minutes: null, remaining: v.remaining.map((r: any) => r.stop_id) });
      expect(stable(after)).toEqual(stable(before));
      expect(after).toMatchObject({ lat: 52.05, speed_mps: 9.5, heading: 12, battery_pct: 64, online: true });
      expect(after.current_stop_id).toBe(f.stopIds[0]);
      // The stop the driver stands at keeps its arrival time across the restart.
      expect(after.remaining[0].eta).toBe(before.remaining[0].eta);
    } finally {
      await server.close();
      temp.remove();
    }
  });
});

describe('heartbeat and retention', () => {
  it('terminates a connection that stops answering protocol pings', async () => {
    const temp = tempDir();
    const server = await startServer(temp.file, { flushDelayMs: 5, heartbeatMs: 40, offlineAfterMs: 60_000 });
    try {
      const f = seedRoute(server.db, Date.now());
      const token = await driverToken(server, f);
      const alive = await Client.connect(`${server.ws}/ws/driver?token=${token}`);
      const dead = await Client.connect(`${server.ws}/ws/driver?token=${token}`, {}, { autoPong: false });
      let alivePings = 0;
      alive.ws.on('ping', () => alivePings++);
      expect((await dead.waitClosed()).code).toBe(1006);
      // Positive signal first: the heartbeat has pinged the answering socket three times (so it checked its pongs
      // at least twice, as it did the silent one's), then the absence: it is still open.
      await eventually(() => alivePings >= 3);
      expect(alive.closed).toBeNull();
      alive.close();
    } finally {
      await server.close();
      temp.remove();
    }
  });

  it('needs no protocol ping from a driver that keeps sending, and drops it an interval after it goes quiet', async () => {
    const temp = tempDir();
    const server = await startServer(temp.file, { flushDelayMs: 5, heartbeatMs: 40, offlineAfterMs: 60_000 });
    try {
      const f = seedRoute(server.db, Date.now());
      // Answers no protocol pings: only its messages keep it connected.
      const talker = await Client.connect(`${server.ws}/ws/driver?token=${await driverToken(server, f)}`, {}, { autoPong: false });
      let protocolPings = 0;
      talker.ws.on('ping', () => protocolPings++);
      // Paced by the server, not by a timer: each ping is sent once the previous one is acknowledged, for at
      // least eight heartbeat intervals, so a message lands within every interval however slow the machine.
      const startedAt = Date.now();
      let seq = 0;
      while (Date.now() - startedAt < 8 * 40 || seq < 20) {
        seq++;
        talker.send(ping(seq, 52, Date.now()));
        await talker.waitFor((m) => m.seq === seq);
      }
      expect(talker.closed).toBeNull();
      // Quiet now: one interval to notice the silence and ping once, one more for the missing pong. (While it
      // talked, a stalled event loop may have cost a ping, never a drop: that takes two silent intervals.)
      const pingsWhileTalking = protocolPings;
      expect((await talker.waitClosed()).code).toBe(1006);
      expect(protocolPings).toBe(pingsWhileTalking + 1);
    } finally {
      await server.close();
      temp.remove();
    }
  });

  it('deletes pings older than the retention period and keeps the rest', async () => {
    const temp = tempDir();
    const server = await startServer(temp.file, { flushDelayMs: 5, retentionDays: 30 });
    try {
      const f = seedRoute(server.db, Date.now());
      const c = await Client.connect(`${server.ws}/ws/driver?token=${await driverToken(server, f)}`);
      const now = Date.now();
      c.send(ping(1, 52, now - 31 * 24 * 3_600_000));
      c.send(ping(2, 52.01, now - 29 * 24 * 3_600_000));
      c.send(ping(3, 52.02, now));
      await c.waitFor((m) => m.seq === 3);
      server.tracking.writer.compact();
      expect(server.tracking.hub.applyRetention(now)).toBe(1);
      const track = await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/track`);
      expect(track.data.data.map((p: any) => p.seq)).toEqual([2, 3]);
      c.close();
    } finally {
      await server.close();
      temp.remove();
    }
  });
});
