import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { createToken } from '../../src/store/tokens.js';
import { Client, eventually, FAST, seedRoute, startServer, tempDir, type Server } from './helpers.js';

const temp = tempDir();
let server: Server;
let port: number;

beforeAll(async () => {
  server = await startServer(
    temp.file,
    { ...FAST, maxLiveSocketsPerToken: 2 },
    { timeouts: { ...DEFAULT_CONFIG.timeouts, headersMs: 300, requestMs: 1000 } },
  );
  port = Number(new URL(server.base).port);
});
afterAll(async () => {
  await server.close();
  temp.remove();
});

/** A raw TCP connection that keeps its own side open when the server ends (as a careless or hostile client). */
function rawSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/**
 * Resolves once the server has let go of the connection: it ended its side, and what the client writes after
 * that is refused (a half-open socket kept by the server would swallow it).
 */
async function serverLetGo(s: Socket): Promise<void> {
  s.on('error', () => {});
  s.resume();
  if (!s.readableEnded) {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the server kept the connection')), 5000);
      s.once('end', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
  await eventually(() => {
    if (!s.destroyed) s.write('x');
    return s.destroyed;
  });
}

describe('idle and unauthenticated connections', () => {
  it('closes a connection that sends nothing, or never finishes its upgrade request', async () => {
    const silent = await rawSocket();
    const partial = await rawSocket();
    partial.write('GET /ws/live HTTP/1.1\r\nHost: milkrun\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n');
    await Promise.all([serverLetGo(silent), serverLetGo(partial)]);
  });

  it('destroys the socket of a refused upgrade even when the client keeps its side open', async () => {
    const s = await rawSocket();
    let answer = '';
    s.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    s.write(
      'GET /ws/live?token=mk_live_nope HTTP/1.1\r\nHost: milkrun\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await serverLetGo(s);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
  });
});

describe('/ws/live sockets per token', () => {
  it('closes one socket over the cap with 1013 and a reason; other tokens and freed slots connect', async () => {
    const f = seedRoute(server.db, Date.now());
    const url = (token: string) => `${server.ws}/ws/live?token=${token}`;
    const base = server.tracking.hub.connections;
    const a = await Client.connect(url(f.apiToken));
    const b = await Client.connect(url(f.apiToken));
    const over = await Client.connect(url(f.apiToken));
    expect(await over.waitClosed()).toEqual({ code: 1013, reason: 'too many /ws/live sockets for this token (limit 2)' });

    const other = createToken(server.db, f.orgId, { name: 'second screen', scope: 'read_only' });
    const c = await Client.connect(url(other.token));
    c.send({ type: 'subscribe', all: true });
    await c.waitFor((m) => m.type === 'subscribed');

    a.close();
    await a.waitClosed();
    await eventually(() => server.tracking.hub.connections === base + 2);
    const again = await Client.connect(url(f.apiToken));
    again.send({ type: 'subscribe', all: true });
    await again.waitFor((m) => m.type === 'subscribed');
    expect(b.closed).toBeNull();
    for (const x of [b, c, again]) x.close();
  });
});
