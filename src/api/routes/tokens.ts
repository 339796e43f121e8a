import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { createToken, listTokens, revokeToken } from '../../store/tokens.js';

const tags = ['auth'];
const Scope = z.enum(['read_only', 'full_access']);
const TokenRecord = z.object({
  id: z.string(),
  name: z.string(),
  scope: Scope,
  prefix: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
const TokenCreate = z.strictObject({
  name: z.string().min(1).max(200),
  scope: Scope,
  mode: z.enum(['live', 'test']).default('live'),
});
/** The created token: the only answer that ever carries the secret. */
const TokenCreated = TokenRecord.extend({ token: z.string() });

export default async function tokenRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/tokens',
    { schema: { tags, response: { 200: z.object({ data: z.array(TokenRecord), next_cursor: z.null() }), ...errorResponses } } },
    async (req) => ({ data: listTokens(app.db, req.auth.organizationId), next_cursor: null }),
  );

  app.post('/tokens', { schema: { tags, body: TokenCreate, response: { 201: TokenCreated, ...errorResponses } } }, async (req, reply) => {
    const { token, record } = createToken(app.db, req.auth.organizationId, req.body);
    return reply.status(201).send({ ...record, token });
  });

  app.delete('/tokens/:id', { schema: { tags, params: IdParams, response: { 200: TokenRecord, ...errorResponses } } }, async (req) => {
    const record = revokeToken(app.db, req.auth.organizationId, req.params.id);
    if (!record) throw new DomainError('not_found', `Token ${req.params.id} not found`);
    // Its open /ws/live sockets are closed (1008) at once, not at their next reconnect.
    app.tracking.tokenRevoked(record.id);
    return record;
  });
}
