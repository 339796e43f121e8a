import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { parseRetryAfterMs } from './backoff.js';
import { checkUrlSyntax, guardedLookup } from './url-guard.js';

export interface WebhookPost {
  url: string;
  /** Exactly the bytes that were signed. */
  body: string;
  headers: Record<string, string>;
  /** Whole exchange: connect, send, response head and body. */
  timeoutMs: number;
  allowPrivate: boolean;
  /** Aborting ends the attempt at once with the error 'aborted' (server shutdown). */
  signal?: AbortSignal;
}

/** What one attempt did. `ok` means a 2xx answer; anything else is retried. */
export interface AttemptOutcome {
  ok: boolean;
  /** Null when no HTTP answer arrived (refused address, network error, timeout). */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** From a Retry-After header on a non-2xx answer. */
  retryAfterMs: number | null;
}

/** Response bodies are read and thrown away; cap them so a chatty receiver cannot hold memory or the slot. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs one webhook. Never throws: every failure becomes an outcome with an error text, because the dispatcher
 * records it and schedules a retry. Redirects are not followed (a 3xx is a failure) so a public endpoint cannot
 * bounce the request to a private address.
 */
export function postWebhook(post: WebhookPost, nowMs: () => number = Date.now): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const syntax = checkUrlSyntax(post.url, { allowPrivate: post.allowPrivate });
  if (!syntax.ok) {
    return Promise.resolve({ ok: false, statusCode: null, durationMs: 0, error: `${syntax.code}: ${syntax.message}`, retryAfterMs: null });
  }
  const url = syntax.url;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<AttemptOutcome, 'durationMs'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, durationMs: elapsed() });
    };

    const req = send(url, {
      method: 'POST',
      headers: { ...post.headers, 'Content-Length': String(Buffer.byteLength(post.body)) },
      lookup: guardedLookup({ allowPrivate: post.allowPrivate }),
    });

    const timer = setTimeout(() => {
      finish({ ok: false, statusCode: null, error: `timeout after ${post.timeoutMs} ms`, retryAfterMs: null });
      req.destroy();
    }, post.timeoutMs);

    const onAbort = (): void => {
      finish({ ok: false, statusCode: null, error: 'aborted', retryAfterMs: null });
      req.destroy();
    };
    if (post.signal?.aborted) onAbort();
    post.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => post.signal?.removeEventListener('abort', onAbort));

    req.on('error', (err: NodeJS.ErrnoException) => {
      finish({ ok: false, statusCode: null, error: err.code ? `${err.code}: ${err.message}` : err.message, retryAfterMs: null });
    });

    req.on('response', (res: IncomingMessage) => {
      const statusCode = res.statusCode ?? 0;
      const ok = statusCode >= 200 && statusCode < 300;
      const retryAfterHeader = res.headers['retry-after'];
      const retryAfterMs = ok ? null : parseRetryAfterMs(retryAfterHeader, nowMs());
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) {
          // The status is all we need; stop reading rather than let a large body keep the attempt open.
          finish({ ok, statusCode, error: ok ? null : `HTTP ${statusCode}`, retryAfterMs });
          req.destroy();
        }
      });
      res.on('end', () => finish({ ok, statusCode, error: ok ? null : `HTTP ${statusCode}`, retryAfterMs }));
      res.on('error', (err) => finish({ ok: false, statusCode, error: `response aborted: ${err.message}`, retryAfterMs }));
    });

    req.end(post.body);
  });
}
