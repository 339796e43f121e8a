import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeSignatureV1, signatureHeader } from '../../src/webhooks/sign.js';
import { verifyWebhook } from '../../src/webhooks/verify.js';

const body = '{"id":"evt_1","type":"stop.created"}';
const secret = 'whsec_test_secret';
const t = 1_800_000_000;

describe('signing', () => {
  it('is the hex HMAC-SHA256 of "<t>.<raw body>"', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(computeSignatureV1(secret, t, body)).toBe(expected);
    expect(signatureHeader(body, [secret], t)).toBe(`t=${t},v1=${expected}`);
  });

  it('lists one v1 per secret during rotation', () => {
    const header = signatureHeader(body, ['new', 'old'], t);
    expect(header.split(',')).toHaveLength(3);
    expect(verifyWebhook(body, header, 'new', 300, t)).toEqual({ ok: true, timestampS: t });
    expect(verifyWebhook(body, header, 'old', 300, t)).toEqual({ ok: true, timestampS: t });
    expect(verifyWebhook(body, header, 'other', 300, t)).toEqual({ ok: false, code: 'no_matching_signature' });
  });
});

describe('verifyWebhook', () => {
  const header = signatureHeader(body, [secret], t);

  it('accepts a fresh, correct signature with a string or Buffer body', () => {
    expect(verifyWebhook(body, header, secret, 300, t + 10)).toEqual({ ok: true, timestampS: t });
    expect(verifyWebhook(Buffer.from(body), header, secret, 300, t - 10).ok).toBe(true);
  });

  it('rejects a changed body, a wrong secret and a tampered signature', () => {
    expect(verifyWebhook(body.replace('stop', 'route'), header, secret, 300, t)).toEqual({ ok: false, code: 'no_matching_signature' });
    expect(verifyWebhook(body, header, 'wrong', 300, t)).toEqual({ ok: false, code: 'no_matching_signature' });
    const flipped = header.slice(0, -1) + (header.endsWith('0') ? '1' : '0');
    expect(verifyWebhook(body, flipped, secret, 300, t)).toEqual({ ok: false, code: 'no_matching_signature' });
  });

  it('rejects a timestamp outside the tolerance, either side', () => {
    expect(verifyWebhook(body, header, secret, 300, t + 301)).toEqual({ ok: false, code: 'timestamp_outside_tolerance' });
    expect(verifyWebhook(body, header, secret, 300, t - 301)).toEqual({ ok: false, code: 'timestamp_outside_tolerance' });
    expect(verifyWebhook(body, header, secret, 300, t + 300).ok).toBe(true);
  });

  it('rejects a re-signed timestamp that the signature does not cover', () => {
    const replayed = header.replace(`t=${t}`, `t=${t + 1000}`);
    expect(verifyWebhook(body, replayed, secret, 300, t + 1000)).toEqual({ ok: false, code: 'no_matching_signature' });
  });

  it('reports missing and malformed headers', () => {
    expect(verifyWebhook(body, undefined, secret)).toEqual({ ok: false, code: 'missing_header' });
    expect(verifyWebhook(body, '', secret)).toEqual({ ok: false, code: 'missing_header' });
    expect(verifyWebhook(body, 'garbage', secret)).toEqual({ ok: false, code: 'malformed_header' });
    expect(verifyWebhook(body, `v1=${'a'.repeat(64)}`, secret)).toEqual({ ok: false, code: 'malformed_header' });
    expect(verifyWebhook(body, `t=${t}`, secret, 300, t)).toEqual({ ok: false, code: 'malformed_header' });
    expect(verifyWebhook(body, `t=abc,v1=${'a'.repeat(64)}`, secret)).toEqual({ ok: false, code: 'malformed_header' });
    expect(verifyWebhook(body, `t=${t},v1=short`, secret, 300, t)).toEqual({ ok: false, code: 'malformed_header' });
  });

  it('ignores unknown schemes next to a valid v1', () => {
    const withV2 = `${header},v2=whatever`;
    expect(verifyWebhook(body, withV2, secret, 300, t).ok).toBe(true);
  });
});
