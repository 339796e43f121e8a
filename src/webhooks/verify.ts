import { timingSafeEqual } from 'node:crypto';
import { computeSignatureV1 } from './sign.js';

export type VerifyFailureCode = 'missing_header' | 'malformed_header' | 'timestamp_outside_tolerance' | 'no_matching_signature';

export type VerifyResult = { ok: true; timestampS: number } | { ok: false; code: VerifyFailureCode };

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * Checks a `Milkrun-Signature` header against the raw request body (exactly the bytes received, before any JSON
 * parsing). Accepts the header when `t` is within `toleranceSeconds` of now (either side, to absorb clock skew)
 * and any `v1` entry matches; several `v1` entries appear while a secret is being rotated.
 * Comparison is constant-time so the check leaks nothing about the expected signature.
 */
export function verifyWebhook(
  rawBody: string | Buffer,
  header: string | null | undefined,
  secret: string,
  toleranceSeconds = 300,
  nowS: number = Math.floor(Date.now() / 1000),
): VerifyResult {
  if (header === undefined || header === null || header === '') return { ok: false, code: 'missing_header' };
  let timestampS: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return { ok: false, code: 'malformed_header' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || timestampS !== null) return { ok: false, code: 'malformed_header' };
      timestampS = Number(value);
    } else if (key === 'v1') {
      // Unknown schemes are ignored so a future `v2` does not break old receivers; a v1 that is not hex is skipped.
      if (HEX_SHA256.test(value)) candidates.push(value);
    }
  }
  if (timestampS === null || candidates.length === 0) return { ok: false, code: 'malformed_header' };
  if (Math.abs(nowS - timestampS) > toleranceSeconds) return { ok: false, code: 'timestamp_outside_tolerance' };

  const expected = Buffer.from(computeSignatureV1(secret, timestampS, rawBody), 'hex');
  let matched = false;
  // Compare against every candidate (no early exit) so timing does not reveal which entry matched.
  for (const candidate of candidates) {
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  return matched ? { ok: true, timestampS } : { ok: false, code: 'no_matching_signature' };
}
