import { createHmac } from 'node:crypto';

/** Header carrying `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`. */
export const SIGNATURE_HEADER = 'Milkrun-Signature';
/** Header carrying the event id; identical on every attempt so receivers can de-duplicate. */
export const EVENT_ID_HEADER = 'Milkrun-Event-Id';

/** Hex HMAC-SHA256 of `"<t>.<raw body>"` with `secret`: the `v1` scheme. */
export function computeSignatureV1(secret: string, timestampS: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampS}.`).update(rawBody).digest('hex');
}

/**
 * The full `Milkrun-Signature` value. Several secrets give several `v1` entries: while a rotated-out secret is
 * still in its grace period, receivers holding either secret can verify.
 */
export function signatureHeader(rawBody: string | Buffer, secrets: readonly string[], timestampS: number): string {
  const parts = [`t=${timestampS}`];
  for (const secret of secrets) parts.push(`v1=${computeSignatureV1(secret, timestampS, rawBody)}`);
  return parts.join(',');
}
