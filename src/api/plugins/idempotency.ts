import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { DomainError } from '../../errors.js';
import { isWrite } from './auth.js';
import { MAX_JSON_DEPTH } from './contracts.js';
import {
  claimIdempotency,
  completeIdempotency,
  findIdempotency,
  releaseIdempotency,
  runInIdempotencyScope,
  takeOverIdempotency,
  trackIdempotentWrites,
  type IdempotencyRecord,
  type IdempotencyScope,
} from '../../store/idempotency.js';

/** A claim of another live process whose request has not answered after this long is treated as abandoned. */
const STALE_CLAIM_MS = 5 * 60_000;
const MAX_KEY_LENGTH = 255;
/** This process, as the owner of the claims it makes: a new boot id at every start, so a restart is told apart. */
export const CLAIM_OWNER = `${randomUUID()}:${process.pid}`;

/** The claim a request holds, from its claim until its answer is stored. */
const claims = new WeakMap<FastifyRequest, IdempotencyScope>();

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
 * True when the process that made a claim may still be answering it: this process, or another live process
 * sharing the file (then only until the claim is stale). A claim of an earlier run of this server (another boot
 * id, its pid gone or now ours) is abandoned: that process died before answering.
 */
function ownerMayBeRunning(existing: IdempotencyRecord, nowMs: number): boolean {
  if (existing.owner === CLAIM_OWNER) return true;
  if (Date.parse(existing.created_at) + STALE_CLAIM_MS < nowMs) return false;
  if (existing.owner === null) return true;
  const pid = Number(existing.owner.slice(existing.owner.lastIndexOf(':') + 1));
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sameRequest = (existing: IdempotencyRecord, request: FastifyRequest, hash: string): boolean =>
  existing.method === request.method && existing.path === request.url && existing.body_hash === hash;

/**
 * `Idempotency-Key` on writes: the first request's answer (status, body) is stored per organization and key;
 * a replay with the same method, path and body gets it back with `Idempotent-Replayed: true`, anything else
 * with that key answers 409 `idempotency_conflict`. 5xx answers of requests that wrote nothing are not stored,
 * so they can be retried. Must be called after the auth hook so `request.auth` is set.
 *
 * Crash safety (SIGKILL at any point): the claim names its process (`CLAIM_OWNER`), and the request's handler runs
 * in an `IdempotencyScope`, so each write transaction it commits also marks the claim `committed_at` in that same
 * transaction (`trackIdempotentWrites`). A retry of a claim whose process is gone then either runs the write (not
 * committed: it never happened) or, when it committed but the process died before storing the answer, answers
 * 409 `idempotency_answer_lost` and stores that answer: the write is performed exactly once either way.
 */
export function addIdempotency(app: FastifyInstance): void {
  trackIdempotentWrites(app.db);

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
    const mine = { method: request.method, path: request.url, bodyHash: hash, owner: CLAIM_OWNER };
    const scope: IdempotencyScope = { organizationId: orgId, key, owner: CLAIM_OWNER, open: true };
    const existing = findIdempotency(app.db, orgId, key);
    if (!existing) {
      claimIdempotency(app.db, orgId, key, mine);
      claims.set(request, scope);
      return;
    }
    const abandoned = existing.status === null && !ownerMayBeRunning(existing, Date.now());
    // An abandoned claim that never wrote is free: the key may serve this request (same as before or not).
    if (abandoned && existing.committed_at === null) {
      if (!takeOverIdempotency(app.db, orgId, key, existing, mine)) {
        throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still running', { key });
      }
      claims.set(request, scope);
      return;
    }
    if (!sameRequest(existing, request, hash)) {
      throw new DomainError('idempotency_conflict', 'This Idempotency-Key was used with a different request', {
        key,
        original: { method: existing.method, path: existing.path },
      });
    }
    if (existing.status !== null) {
      reply.header('idempotent-replayed', 'true');
      if (existing.content_type) reply.header('content-type', existing.content_type);
      return reply.status(existing.status).send(existing.response);
    }
    if (!abandoned) {
      throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still running', { key });
    }
    // The write committed, then the process died before storing the answer. The write is not run again; this
    // answer is stored for the key (onSend below), so every later retry gets the same one.
    if (!takeOverIdempotency(app.db, orgId, key, existing, mine)) {
      throw new DomainError('idempotency_in_progress', 'A request with this Idempotency-Key is still running', { key });
    }
    scope.open = false;
    claims.set(request, scope);
    throw new DomainError('idempotency_answer_lost', 'The request with this Idempotency-Key was performed, but the server stopped before storing its answer; read the resource to see the result', {
      key,
      committed_at: existing.committed_at,
    });
  };

  // The handler runs in the claim's scope, so the writes it commits mark the claim (see above).
  const inScope = (handler: RouteHandlerMethod): RouteHandlerMethod =>
    function (this: FastifyInstance, request, reply) {
      const scope = claims.get(request);
      return scope ? runInIdempotencyScope(scope, () => handler.call(this, request, reply)) : handler.call(this, request, reply);
    };

  const record = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const scope = claims.get(request);
    if (scope === undefined) return payload;
    claims.delete(request);
    // Writes made after this point (a job the request started) are no longer this request's to mark.
    scope.open = false;
    const orgId = request.auth.organizationId;
    const text = typeof payload === 'string' ? payload : payload === null || payload === undefined ? '' : null;
    // A failure on our side that wrote nothing frees the key for a retry; one after a committed write is kept.
    if ((reply.statusCode >= 500 || text === null) && releaseIdempotency(app.db, orgId, scope.key, scope.owner)) return payload;
    const contentType = reply.getHeader('content-type');
    completeIdempotency(app.db, orgId, scope.key, scope.owner, {
      status: reply.statusCode,
      response: text ?? '',
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
    route.handler = inScope(route.handler);
    route.onSend = [record, ...hookList(route.onSend)];
  });
}

function hookList<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}
