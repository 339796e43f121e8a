import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateDriver } from '../../src/store/drivers.js';
import { createToken, revokeToken } from '../../src/store/tokens.js';
import { revokeDriverToken } from '../../src/store/driver-tokens.js';
import { api, Client, ping, seedRoute, startServer, tempDir, upgradeStatus, type Server } from './helpers.js';

const temp = tempDir();
let server: Server;

beforeAll(async () => {
  // Revocations made outside this process are looked up with the outside changes: every 50 ms here.
  server = await startServer(temp.file, { flushDelayMs: 5, outsideChangesEveryMs: 50, maxClockAheadMs: 86_400_000 });
});
afterAll(async () => {
  await server.close();
  temp.remove();
});

async function issue(apiToken: string, driverId: string): Promise<{ id: string; token: string }> {
  const res = await api(server, apiToken, 'POST', `/api/v1/drivers/${driverId}/tokens`);
  expect(res.status).toBe(201);
  return { id: res.data.id, token: res.data.token };
}

describe('driver tokens: list and revoke', () => {
  it('lists a driver\'s tokens without their secrets, newest first', async () => {
    const f = seedRoute(server.db, Date.now());
    const a = await issue(f.apiToken, f.driverId);
    const b = await issue(f.apiToken, f.driverId);
    const res = await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/tokens`);
    expect(res.status).toBe(200);
    expect(res.data.next_cursor).toBeNull();
    expect(res.data.data.map((t: any) => t.id).sort()).toEqual([a.id, b.id].sort());
    for (const t of res.data.data) {
      expect(t).toEqual({ id: expect.any(String), driver_id: f.driverId, created_at: expect.any(String), revoked_at: null });
      expect(JSON.stringify(t)).not.toContain(a.token);
      expect(JSON.stringify(t)).not.toContain(b.token);
    }
    expect((await api(server, f.apiToken, 'GET', '/api/v1/drivers/drv_nope/tokens')).status).toBe(404);
  });

  it('closes an open connection with 1008 and refuses the token at the next connect; other tokens still work', async () => {
    const f = seedRoute(server.db, Date.now());
    const a = await issue(f.apiToken, f.driverId);
    const b = await issue(f.apiToken, f.driverId);
    const c = await Client.connect(`${server.ws}/ws/driver`, { authorization: `Bearer ${a.token}` });
    const other = await Client.connect(`${server.ws}/ws/driver?token=${b.token}`);
    c.send(ping(1, 52.001, Date.now()));
    expect(await c.waitFor((m) => m.type === 'ack' && m.seq === 1)).toEqual({ type: 'ack', seq: 1 });

    const res = await api(server, f.apiToken, 'DELETE', `/api/v1/drivers/${f.driverId}/tokens/${a.id}`);
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ id: a.id, driver_id: f.driverId, revoked_at: expect.any(String) });
    expect(await c.waitClosed()).toEqual({ code: 1008, reason: 'token revoked' });
    expect(await upgradeStatus(`${server.ws}/ws/driver`, { authorization: `Bearer ${a.token}` })).toBe(401);
    expect(await upgradeStatus(`${server.ws}/ws/driver?token=${a.token}`)).toBe(401);

    // The other token's connection is untouched and keeps working.
    expect(other.closed).toBeNull();
    other.send(ping(2, 52.002, Date.now()));
    expect(await other.waitFor((m) => m.type === 'ack' && m.seq === 2)).toEqual({ type: 'ack', seq: 2 });
    other.close();

    // Listed as revoked; revoking again keeps the first time.
    const listed = await api(server, f.apiToken, 'GET', `/api/v1/drivers/${f.driverId}/tokens`);
    expect(listed.data.data.find((t: any) => t.id === a.id).revoked_at).toBe(res.data.revoked_at);
    expect(listed.data.data.find((t: any) => t.id === b.id).revoked_at).toBeNull();
    const again = await api(server, f.apiToken, 'DELETE', `/api/v1/drivers/${f.driverId}/tokens/${a.id}`);
    expect(again.status).toBe(200);
    expect(again.data.revoked_at).toBe(res.data.revoked_at);
  });

  it('closes a connection whose token was revoked outside this process (read from the database)', async () => {
    const f = seedRoute(server.db, Date.now());
    const a = await issue(f.apiToken, f.driverId);
    const c = await Client.connect(`${server.ws}/ws/driver?token=${a.token}`);
    // Straight in the store, as another process sharing the database would: no in-process notice.
    expect(revokeDriverToken(server.db, f.orgId, f.driverId, a.id)?.revoked_at).toEqual(expect.any(String));
    expect((await c.waitClosed()).code).toBe(1008);
    expect(await upgradeStatus(`${server.ws}/ws/driver?token=${a.token}`)).toBe(401);
  });

  it('answers 404 for a token of another driver or an unknown one, 403 for a read-only API token', async () => {
    const f = seedRoute(server.db, Date.now());
    const g = seedRoute(server.db, Date.now());
    const a = await issue(f.apiToken, f.driverId);
    const other = await issue(g.apiToken, g.driverId);
    expect((await api(server, f.apiToken, 'DELETE', `/api/v1/drivers/${f.driverId}/tokens/tok_nope`)).status).toBe(404);
    // Another organization's driver is not found, and neither is another driver's token under this driver.
    expect((await api(server, f.apiToken, 'DELETE', `/api/v1/drivers/${g.driverId}/tokens/${other.id}`)).status).toBe(404);
    expect((await api(server, g.apiToken, 'DELETE', `/api/v1/drivers/${g.driverId}/tokens/${a.id}`)).status).toBe(404);
    const { token: readOnly } = createToken(server.db, f.orgId, { name: 'viewer', scope: 'read_only' });
    expect((await api(server, readOnly, 'DELETE', `/api/v1/drivers/${f.driverId}/tokens/${a.id}`)).status).toBe(403);
    expect((await api(server, readOnly, 'GET', `/api/v1/drivers/${f.driverId}/tokens`)).status).toBe(200);
    const c = await Client.connect(`${server.ws}/ws/driver?token=${a.token}`);
    c.send(ping(1, 52.001, Date.now()));
    expect(await c.waitFor((m) => m.seq === 1)).toEqual({ type: 'ack', seq: 1 });
    c.close();
  });
});

describe('API tokens and drivers: access ended closes their sockets', () => {
  const live = (token: string) => Client.connect(`${server.ws}/ws/live?token=${token}`);

  async function subscribed(c: Client): Promise<Client> {
    c.send({ type: 'subscribe', all: true });
    await c.waitFor((m) => m.type === 'subscribed');
    return c;
  }

  it('closes the /ws/live sockets of a revoked API token with 1008 and refuses it; other tokens keep theirs', async () => {
    const f = seedRoute(server.db, Date.now());
    const doomed = createToken(server.db, f.orgId, { name: 'wall screen', scope: 'read_only' });
    const a = await subscribed(await live(doomed.token));
    const b = await subscribed(await Client.connect(`${server.ws}/ws/live`, { authorization: `Bearer ${doomed.token}` }));
    const other = await subscribed(await live(f.apiToken));

    const res = await api(server, f.apiToken, 'DELETE', `/api/v1/tokens/${doomed.record.id}`);
    expect(res.status).toBe(200);
    expect(await a.waitClosed()).toEqual({ code: 1008, reason: 'token revoked' });
    expect(await b.waitClosed()).toEqual({ code: 1008, reason: 'token revoked' });
    expect(await upgradeStatus(`${server.ws}/ws/live?token=${doomed.token}`)).toBe(401);
    // The other token's socket still answers.
    other.send({ type: 'subscribe', drivers: [f.driverId] });
    await other.waitFor((m) => m.type === 'subscribed' && m.drivers.length === 1);
    expect(other.closed).toBeNull();
    other.close();
  });

  it('closes a /ws/live socket whose API token was revoked outside this process', async () => {
    const f = seedRoute(server.db, Date.now());
    const doomed = createToken(server.db, f.orgId, { name: 'kiosk', scope: 'read_only' });
    const c = await subscribed(await live(doomed.token));
    revokeToken(server.db, f.orgId, doomed.record.id);
    expect(await c.waitClosed()).toEqual({ code: 1008, reason: 'token revoked' });
  });

  async function patchDriver(apiToken: string, driverId: string, body: unknown): Promise<number> {
    const res = await fetch(`${server.base}/api/v1/drivers/${driverId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.body?.cancel();
    return res.status;
  }

  it('closes a deactivated driver\'s socket with 1008 and refuses it until reactivated', async () => {
    const f = seedRoute(server.db, Date.now());
    const a = await issue(f.apiToken, f.driverId);
    const c = await Client.connect(`${server.ws}/ws/driver?token=${a.token}`);
    c.send(ping(1, 52.001, Date.now()));
    await c.waitFor((m) => m.type === 'ack' && m.seq === 1);
    expect(await patchDriver(f.apiToken, f.driverId, { status: 'inactive' })).toBe(200);
    expect(await c.waitClosed()).toEqual({ code: 1008, reason: 'driver deactivated' });
    expect(await upgradeStatus(`${server.ws}/ws/driver?token=${a.token}`)).toBe(401);
    expect(await patchDriver(f.apiToken, f.driverId, { status: 'active' })).toBe(200);
    const again = await Client.connect(`${server.ws}/ws/driver?token=${a.token}`);
    again.send(ping(2, 52.002, Date.now()));
    await again.waitFor((m) => m.type === 'ack' && m.seq === 2);
    again.close();
  });

  it('closes a deleted driver\'s socket with 1008 and refuses its token', async () => {
    const f = seedRoute(server.db, Date.now());
    // A driver with no route, so it can be deleted.
    const created = await fetch(`${server.base}/api/v1/drivers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Temp' }),
    });
    const driverId = ((await created.json()) as { id: string }).id;
    const a = await issue(f.apiToken, driverId);
    const c = await Client.connect(`${server.ws}/ws/driver?token=${a.token}`);
    expect((await api(server, f.apiToken, 'DELETE', `/api/v1/drivers/${driverId}`)).status).toBe(200);
    expect(await c.waitClosed()).toEqual({ code: 1008, reason: 'driver deactivated' });
    expect(await upgradeStatus(`${server.ws}/ws/driver?token=${a.token}`)).toBe(401);
  });

  it('closes the socket of a driver deactivated outside this process', async () => {
    const f = seedRoute(server.db, Date.now());
    const a = await issue(f.apiToken, f.driverId);
    const c = await Client.connect(`${server.ws}/ws/driver?token=${a.token}`);
    c.send(ping(1, 52.001, Date.now()));
    await c.waitFor((m) => m.type === 'ack' && m.seq === 1);
    updateDriver(server.db, f.orgId, f.driverId, { status: 'inactive' });
    expect(await c.waitClosed()).toEqual({ code: 1008, reason: 'driver deactivated' });
  });
});
