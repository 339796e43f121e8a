import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../errors.js';
import { findActiveToken, tokenRevocations, touchToken } from '../../store/tokens.js';
import { TokenCache } from '../token-cache.js';
import '../types.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** last_used_at is written at most this often per token, so reads stay write-free. */
const TOUCH_EVERY_MS = 60_000;
/** How long a token checked against the database is trusted without asking again (revocations here: at once). */
export const TOKEN_CACHE_MS = 1_000;

export function isWrite(method: string): boolean {
  return WRITE_METHODS.has(method);
}

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new DomainError('unauthorized', 'Missing Authorization header (expected "Bearer mk_live_...")');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new DomainError('unauthorized', 'Authorization header must be "Bearer <token>"');
  return match[1]!;
}

/**
 * Adds an onRequest hook to the instance it is called on: every request needs a valid, unrevoked token;
 * writes need `full_access`. Sets `request.auth`.
 */
export function addAuth(app: FastifyInstance): void {
  const lastTouch = new Map<string, number>();
  const cache = new TokenCache(TOKEN_CACHE_MS, 10_000);
  app.decorateRequest('auth', null as unknown as FastifyRequest['auth']);
  const authenticate = (request: FastifyRequest): void => {
    const token = bearer(request);
    const now = Date.now();
    const generation = tokenRevocations();
    let found = cache.get(token, generation, now);
    if (!found) {
      found = token.startsWith('mk_') ? findActiveToken(app.db, token) : undefined;
      if (!found) throw new DomainError('unauthorized', 'Invalid or revoked token');
      cache.set(token, generation, now, found);
    }
    request.auth = { organizationId: found.organizationId, tokenId: found.id, scope: found.scope };
    if (isWrite(request.method) && found.scope !== 'full_access') {
      throw new DomainError('forbidden', 'This token is read-only; writes need a full_access token');
    }
    if ((lastTouch.get(found.id) ?? 0) + TOUCH_EVERY_MS < now) {
      lastTouch.set(found.id, now);
      touchToken(app.db, found.id, new Date(now).toISOString());
    }
  };
  // Callback style: every API request passes here, and an async hook would add a promise and a microtask.
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      authenticate(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
}
