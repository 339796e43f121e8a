import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Client, ping, startServer, tempDir } from './helpers.js';

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * Starts `tsx src/server.ts` on a new database and reads its address and admin token from stdout.
 * Node runs the server itself (`--import tsx`): the tsx CLI would sit between, and SIGKILL would hit only it.
 */
async function startChild(file: string, extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, MILKRUN_DB: file, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', MILKRUN_SEED_DEMO: '1',
      MILKRUN_TRACKING_MAX_FRAMES_PER_S: '100000', MILKRUN_TRACKING_BURST_FRAMES: '100000', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const deadline = Date.now() + 25_000;
  while (!/listening on (http:\/\/127\.0\.0\.1:\d+)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
  const token = /Admin token \(shown once\): (\S+)/.exec(out)![1]!;
  return { child, base, token };
}

describe('crash safety', () => {
  it('keeps every acknowledged ping after a SIGKILL during a ping stream', async () => {
    const temp = tempDir();
    const { child, base, token } = await startChild(temp.file);
    try {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const driver = await (await fetch(`${base}/api/v1/drivers`, { method: 'POST', headers, body: '{"name":"Kim"}' })).json();
      const issued = await (await fetch(`${base}/api/v1/drivers/${driver.id}/tokens`, { method: 'POST', headers: { authorization: headers.authorization } })).json();
      const c = await Client.connect(`${base.replace('http', 'ws')}/ws/driver?token=${issued.token}`);
      // Stream with up to 50 pings unacknowledged, like a driver app's resend window.
      // Device times one second apart, ending before now (the server refuses positions from the future).
      const t0 = Date.now() - 3_600_000;
      let seq = 0;
      const acked = () => c.frames.filter((m) => m.type === 'ack').length;
      while (acked() < 300) {
        for (let i = 0; i < 50; i++) {
          seq++;
          c.send(ping(seq, 52 + seq / 1e5, t0 + seq * 1000));
        }
        await c.waitFor(() => acked() >= seq - 50);
      }
      // Kill in the middle of a last burst, once part of it is acknowledged: the rest is queued or half written.
      // The burst is far larger than what the server commits in the moment the kill takes to land, so the kill
      // always interrupts it (1,000 was not: a fast server could acknowledge all of it first).
      const before = acked();
      for (let i = 0; i < 20_000; i++) {
        seq++;
        c.send(ping(seq, 52 + seq / 1e5, t0 + seq * 1000));
      }
      await c.waitFor(() => acked() >= before + 100);
      child.kill('SIGKILL');
      await once(child, 'exit');
      await c.waitClosed();
      const ackedSeqs = c.frames.filter((m) => m.type === 'ack').map((m) => m.seq as number);
      expect(ackedSeqs.length).toBeGreaterThanOrEqual(300);

      const server = await startServer(temp.file);
      try {
        const res = await fetch(`${server.base}/api/v1/drivers/${driver.id}/track?limit=10000`, {
          headers: { authorization: headers.authorization },
        });
        const stored = new Set(((await res.json()).data as { seq: number }[]).map((p) => p.seq));
        expect(ackedSeqs.filter((s) => !stored.has(s))).toEqual([]);
        expect(stored.size).toBeLessThanOrEqual(seq);
        expect(ackedSeqs.length).toBeLessThan(seq); // the kill did interrupt the stream
      } finally {
        await server.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      temp.remove();
    }
  });

  it('a fleet killed mid-stream, with stop events and the track copy running, comes back with every acknowledged ping, every acknowledged stop event and a live state that matches them', async () => {
    const temp = tempDir();
    // The journal-to-track copy runs every 50 ms in one slice, so a kill under load lands in or near a copy round.
    const { child, base, token } = await startChild(temp.file, { MILKRUN_TRACKING_COMPACT_EVERY_MS: '50', MILKRUN_TRACKING_COMPACT_SLICES: '1' });
    const sockets: Client[] = [];
    try {
      const auth = { authorization: `Bearer ${token}` };
      const json = { ...auth, 'content-type': 'application/json' };
      const get = async (path: string) => (await fetch(`${base}${path}`, { headers: auth })).json();
      // The demo's drivers have routes today; 30 more drivers add volume.
      const demoDrivers = (await get('/api/v1/drivers')).data as { id: string }[];
      const extra = await Promise.all(
        Array.from({ length: 30 }, async (_, i) =>
          (await (await fetch(`${base}/api/v1/drivers`, { method: 'POST', headers: json, body: JSON.stringify({ name: `Extra ${i}` }) })).json()) as { id: string },
        ),
      );
      const drivers = [...demoDrivers, ...extra];
      for (const d of drivers) {
        const issued = await (await fetch(`${base}/api/v1/drivers/${d.id}/tokens`, { method: 'POST', headers: auth })).json();
        sockets.push(await Client.connect(`${base.replace('http', 'ws')}/ws/driver?token=${issued.token}`));
      }
      const seqs = drivers.map(() => 0);
      const acked = (i: number) => sockets[i]!.frames.filter((m) => m.type === 'ack').length;

      // Each demo driver completes the first stop of its route (arrived, then completed), acknowledged.
      const completed: { driver: number; stopId: string }[] = [];
      for (let i = 0; i < demoDrivers.length; i++) {
        const routes = (await get(`/api/v1/routes?driver_id=${demoDrivers[i]!.id}`)).data as { id: string }[];
        if (routes.length === 0) continue;
        const route = await get(`/api/v1/routes/${routes[0]!.id}`);
        const stopId = route.stops[0].stop_id as string;
        for (const event of ['arrived', 'completed'] as const) {
          const seq = ++seqs[i]!;
          sockets[i]!.send({ type: 'stop_event', seq, stop_id: stopId, event });
          await sockets[i]!.waitFor((m) => m.type === 'ack' && m.seq === seq);
        }
        completed.push({ driver: i, stopId });
      }
      expect(completed.length).toBeGreaterThan(0);

      // Every driver streams positions one second apart (device time in the past), in rounds.
      const t0 = Date.now() - 3_600_000;
      const sendRound = (n: number) => {
        for (let i = 0; i < drivers.length; i++) {
          for (let k = 0; k < n; k++) {
            const seq = ++seqs[i]!;
            sockets[i]!.send(ping(seq, 59.4 + seq / 1e5, t0 + seq * 1000));
          }
        }
      };
      for (let round = 0; round < 5; round++) {
        sendRound(20);
        await Promise.all(sockets.map((c, i) => c.waitFor(() => acked(i) >= seqs[i]! - 20)));
      }
      // A last burst, and the kill once part of it is acknowledged.
      const before = sockets.reduce((a, _, i) => a + acked(i), 0);
      sendRound(400);
      await sockets[0]!.waitFor(() => sockets.reduce((a, _, i) => a + acked(i), 0) >= before + 200);
      child.kill('SIGKILL');
      await once(child, 'exit');
      await Promise.all(sockets.map((c) => c.waitClosed()));
      const ackedSeqs = sockets.map((c) => c.frames.filter((m) => m.type === 'ack').map((m) => m.seq as number));
      expect(ackedSeqs.reduce((a, s) => a + s.length, 0)).toBeLessThan(seqs.reduce((a, s) => a + s, 0)); // the kill interrupted

      const server = await startServer(temp.file);
      try {
        const read = async (path: string) => (await fetch(`${server.base}${path}`, { headers: auth })).json();
        for (let i = 0; i < drivers.length; i++) {
          const track = (await read(`/api/v1/drivers/${drivers[i]!.id}/track?limit=10000`)).data as { seq: number; lat: number; ts: string }[];
          const stored = new Set(track.map((p) => p.seq));
          // Nothing acknowledged is lost (the first two seqs of a driver that completed a stop were stop events)...
          const firstPing = completed.some((c) => c.driver === i) ? 3 : 1;
          expect(ackedSeqs[i]!.filter((s) => s >= firstPing && !stored.has(s))).toEqual([]);
          // ...and the live state, rebuilt from the store, shows the newest stored position.
          const newest = track.reduce((a, p) => (a === null || p.ts > a.ts ? p : a), null as (typeof track)[number] | null);
          const live = await read(`/api/v1/drivers/${drivers[i]!.id}/live`);
          if (newest) expect(live.lat).toBeCloseTo(newest.lat, 9);
        }
        for (const c of completed) {
          expect((await read(`/api/v1/stops/${c.stopId}`)).status).toBe('completed');
          const live = await read(`/api/v1/drivers/${drivers[c.driver]!.id}/live`);
          expect(live.current_stop_id).not.toBe(c.stopId);
        }
      } finally {
        await server.close();
      }
    } finally {
      for (const c of sockets) c.close();
      if (child.exitCode === null) child.kill('SIGKILL');
      temp.remove();
    }
  }, 120_000);
});
