import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Client, ping, startServer, tempDir } from './helpers.js';

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * Starts `tsx src/server.ts` on a new database and reads its address and admin token from stdout.
 * Node runs the server itself (`--import tsx`): the tsx CLI would sit between, and SIGKILL would hit only it.
 */
async function startChild(file: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, MILKRUN_DB: file, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', MILKRUN_SEED_DEMO: '1',
      MILKRUN_TRACKING_MAX_FRAMES_PER_S: '100000', MILKRUN_TRACKING_BURST_FRAMES: '100000' },
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
});
