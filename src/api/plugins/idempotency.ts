import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../errors.js';
import { isWrite } from './auth.js';
import { MAX_JSON_DEPTH } from './contracts.js';
import {
  claimIdempotency,
  completeIdempotency,
  findIdempotency,
  releaseIdempotency,
} from '../../store/idempotency.js';

/** A claim whose request has not answered after this long is treated as abandoned. */
const STALE_CLAIM_MS = 5 * 60_000;
const MAX_KEY_LENGTH = 255;

const claimedKey = new WeakMap<FastifyRequest, string>();

/**
 * JSON with every object's keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. Recursive but
 * bounded: bodies come from the JSON parser, which refuses nesting deeper than `MAX_JSON_DEPTH`.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_JSON_DEPTH) throw new DomainError('bad_request', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v, depth + 1)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      if (record[key] !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(record[key], depth + 1)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function bodyHash(body: unknown): string {
  return createHash('sha256')
    .update(body === undefined ? '' : canonicalJson(body))
    .digest('hex');
}

/**
 * `Idempotency-Key` on writes: the first request's answer (status, body) is stored per organization and key;
 * a replay with the same method, path and body gets it back with `Idempotent-Replayed: true`, anything else
 * with that key answers 409 `idempotency_conflict`. 5xx answers are not stored, so they can be retried.
 * Must be called after the auth hook so `request.auth` is set.
 */
export function addIdempotency(app: FastifyInstance): void {
  const claim = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.headers['idempotency-key'];
    if (raw === undefined) return;
    const key = Array.isArray(raw) ? raw[0]! : raw;
    if (key === '' || key.length > MAX_KEY_LENGTH) {
      throw new DomainError('validation_error', `Idempotency-Key must be 1–${MAX_KEY_LENGTH} characters`, [
        { field: 'headers.idempotency-key', message: 'invalid length', value: key },
      ]);
    }
    const orgId = request.auth.organizationId;
    const hash = bodyHash(request.body);
    const existing = findIdempotency(app.db, orgId, key);
    if (existing) {
      const stale = existing.status === null && Date.parse(existing.created_at) + STALE_CLAIM_MS < Date.now();
      if (!stale) {
        if (existing.method !== request.method || existing.path !== request.url || existing.body_hash !== hash) {
          throw new DomainError('idempotency_conflict', 'This Idempotency-Key was used with a different request', {
            key,
            original: { method: existing.method, path: existing.path },
          });
        }
        if (existing.status === null) {
          throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still running', { key });
        }
        reply.header('idempotent-replayed', 'true');
        if (existing.content_type) reply.header('content-type', existing.content_type);
        return reply.status(existing.status).send(existing.response);
      }
    }
    claimIdempotency(app.db, orgId, key, { method: request.method, path: request.url, bodyHash: hash });
    claimedKey.set(request, key);
  };

  const record = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const key = claimedKey.get(request);
    if (key === undefined) return payload;
    claimedKey.delete(request);
    const orgId = request.auth.organizationId;
    if (reply.statusCode >= 500 || (typeof payload !== 'string' && payload !== null && payload !== undefined)) {
      releaseIdempotency(app.db, orgId, key);
      return payload;
    }
    const contentType = reply.getHeader('content-type');
    completeIdempotency(app.db, orgId, key, {
      status: reply.statusCode,
      response: typeof payload === 'string' ? payload : '',
      contentType: typeof contentType === 'string' ? contentType : null,
    });
    return payload;
  };

  // Only write routes carry the hooks, so reads pay nothing for them. `record` goes first among the route's onSend
  // hooks: it must store the answer as JSON text, before the compression plugin's hook encodes it for this client.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some(isWrite)) return;
    route.preValidation = [...hookList(route.preValidation), claim];
    route.onSend = [record, ...hookList(route.onSend)];
  });
}

function hookList<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}
