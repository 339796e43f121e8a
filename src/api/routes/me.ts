import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../schemas/common.js';
import { getOrganization } from '../../store/organizations.js';
import { getToken } from '../../store/tokens.js';

const Me = z.object({
  organization: z.object({ id: z.string(), name: z.string(), created_at: z.string() }),
  token: z.object({
    id: z.string(),
    name: z.string(),
    scope: z.enum(['read_only', 'full_access']),
    prefix: z.string(),
    created_at: z.string(),
  }),
});

export default async function meRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get('/me', { schema: { tags: ['auth'], response: { 200: Me, ...errorResponses } } }, async (req) => {
    const organization = getOrganization(app.db, req.auth.organizationId)!;
    const token = getToken(app.db, req.auth.organizationId, req.auth.tokenId)!;
    return {
      organization,
      token: { id: token.id, name: token.name, scope: token.scope, prefix: token.prefix, created_at: token.created_at },
    };
  });
}
