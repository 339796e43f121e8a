import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/api/log-redaction.js';
import { makeApp, orgWithToken, removeDir, type TestApp } from './helpers.js';

let t: TestApp;
let token: string;
const lines: string[] = [];

beforeAll(async () => {
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  t = await makeApp({ logLevel: 'info' }, { logStream });
  token = orgWithToken(t.db, 'Logged').token;
});
afterAll(async () => {
  await t.close();
  removeDir(t.dir);
});

describe('log lines', () => {
  it('never carry a token: not from ?token=, not from Authorization, not from headers logged by hand', async () => {
    expect((await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/v1/me?token=${token}` })).statusCode).toBe(401);
    expect((await t.app.inject({ url: `/nowhere?page=2&%74oken=${token}&ACCESS_TOKEN=${token}` })).statusCode).toBe(404);
    t.app.log.info({ headers: { authorization: `Bearer ${token}`, cookie: `session=${token}` } }, 'by hand');
    t.app.log.info({ request: { headers: { authorization: `Bearer ${token}` } } }, 'nested');

    const logged = lines.map((l) => JSON.parse(l) as Record<string, any>);
    const urls = logged.filter((l) => l.msg === 'incoming request').map((l) => l.req.url);
    // The requests were logged (so the absence below means something), their URLs masked.
    expect(urls).toEqual([
      '/api/v1/me',
      '/api/v1/me?token=[redacted]',
      '/nowhere?page=2&%74oken=[redacted]&ACCESS_TOKEN=[redacted]',
    ]);
    expect(logged.find((l) => l.msg === 'by hand')!.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]' });
    expect(logged.find((l) => l.msg === 'nested')!.request.headers.authorization).toBe('[redacted]');
    const secret = token.slice(token.lastIndexOf('_') + 1);
    expect(lines.filter((l) => l.includes(secret))).toEqual([]);
  });
});

describe('redactUrl', () => {
  it('masks credential parameters only, keeping the rest as sent', () => {
    expect(redactUrl('/ws/live?token=mk_live_abc')).toBe('/ws/live?token=[redacted]');
    expect(redactUrl('/x?a=1&token&b=%20+2#token=frag')).toBe('/x?a=1&token=[redacted]&b=%20+2#token=frag');
    expect(redactUrl('/x?tokens=1&my_token=2&api_key=3')).toBe('/x?tokens=1&my_token=2&api_key=[redacted]');
    expect(redactUrl('/plain')).toBe('/plain');
  });
});
