import { afterEach, describe, expect, it } from 'vitest';
import { postWebhook } from '../../src/webhooks/deliver.js';
import { startReceiver, type Receiver } from './receiver.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const post = (url: string, extra: Partial<Parameters<typeof postWebhook>[0]> = {}) =>
  postWebhook({ url, body: '{"hello":"world"}', headers: { 'Content-Type': 'application/json', 'Milkrun-Event-Id': 'evt_x' }, timeoutMs: 2_000, allowPrivate: true, ...extra });

describe('postWebhook', () => {
  it('POSTs the exact body and headers and reports a 2xx', async () => {
    receiver = await startReceiver();
    const outcome = await post(receiver.url);
    expect(outcome).toMatchObject({ ok: true, statusCode: 200, error: null, retryAfterMs: null });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]?.body).toBe('{"hello":"world"}');
    expect(receiver.requests[0]?.headers['milkrun-event-id']).toBe('evt_x');
    expect(receiver.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('reports a 5xx with its Retry-After', async () => {
    receiver = await startReceiver((_req, _i, res) => {
      res.writeHead(503, { 'retry-after': '7' });
      res.end('busy');
      return 'handled';
    });
    expect(await post(receiver.url)).toMatchObject({ ok: false, statusCode: 503, error: 'HTTP 503', retryAfterMs: 7_000 });
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    receiver = await startReceiver((_req, _i, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/' });
      res.end();
      return 'handled';
    });
    expect(await post(receiver.url)).toMatchObject({ ok: false, statusCode: 302 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('gives up after the timeout when the receiver never answers', async () => {
    receiver = await startReceiver(() => 'handled');
    const outcome = await post(receiver.url, { timeoutMs: 150 });
    expect(outcome).toMatchObject({ ok: false, statusCode: null, error: 'timeout after 150 ms' });
  });

  it('reports a refused connection', async () => {
    receiver = await startReceiver();
    const url = receiver.url;
    await receiver.close();
    receiver = undefined;
    const outcome = await post(url);
    expect(outcome.ok).toBe(false);
    expect(outcome.statusCode).toBeNull();
    expect(outcome.error).toMatch(/ECONNREFUSED/);
  });

  it('refuses loopback destinations, literal or resolved, unless allowed', async () => {
    receiver = await startReceiver();
    const literal = await post(receiver.url, { allowPrivate: false });
    expect(literal).toMatchObject({ ok: false, statusCode: null });
    expect(literal.error).toMatch(/^private_address/);
    const viaDns = await post(receiver.url.replace('127.0.0.1', 'localhost'), { allowPrivate: false });
    expect(viaDns).toMatchObject({ ok: false, statusCode: null });
    expect(viaDns.error).toMatch(/EPRIVATEADDRESS/);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('postWebhook abort', () => {
  it('ends at once when its signal aborts', async () => {
    receiver = await startReceiver(() => 'handled');
    const controller = new AbortController();
    const pending = post(receiver.url, { timeoutMs: 20_000, signal: controller.signal });
    await receiver.waitFor(1);
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, statusCode: null, error: 'aborted' });
  });
});
