import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { getJob } from '../../store/jobs.js';

const Job = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  progress: z.number(),
  result: z.unknown(),
  error: z.unknown(),
  created_at: z.string(),
  updated_at: z.string(),
});

export default async function jobRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get('/jobs/:id', { schema: { tags: ['jobs'], params: IdParams, response: { 200: Job, ...errorResponses } } }, async (req) => {
    const job = getJob(app.db, req.auth.organizationId, req.params.id);
    if (!job) throw new DomainError('not_found', `Job ${req.params.id} not found`);
    return job;
  });
}
