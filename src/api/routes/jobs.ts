import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { getJob, type JobRecord } from '../../store/jobs.js';

const tags = ['jobs'];

const Job = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  /** Solves that start before this one (0: it is next); null once running or finished. */
  queue_position: z.number().int().min(0).nullable(),
  progress: z.number(),
  result: z.unknown(),
  error: z.unknown(),
  created_at: z.string(),
  updated_at: z.string(),
});

export default async function jobRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const withPosition = (job: JobRecord): z.infer<typeof Job> => ({
    ...job,
    queue_position: job.status === 'queued' ? app.jobs.queuePosition(job.id) : null,
  });

  app.get(
    '/jobs/:id',
    {
      schema: {
        tags,
        description:
          'An async job (`?async=true` on plan, auto-optimize, reoptimize). `queue_position` counts the solves that start before its own (0: it starts next; organizations take turns); null once it runs or has finished, and for a moment after the 202 while its solve is being prepared.',
        params: IdParams,
        response: { 200: Job, ...errorResponses },
      },
    },
    async (req) => {
      const job = getJob(app.db, req.auth.organizationId, req.params.id);
      if (!job) throw new DomainError('not_found', `Job ${req.params.id} not found`);
      return withPosition(job);
    },
  );

  app.delete(
    '/jobs/:id',
    {
      schema: {
        tags,
        description:
          'Cancels a queued or running job: its solve leaves the queue or stops, nothing is written, and the job answers with status `cancelled`. 404 for an unknown job (or another organization’s), 409 `conflict` when it has already finished.',
        params: IdParams,
        response: { 200: Job, ...errorResponses },
      },
    },
    async (req) => withPosition(app.jobs.cancel(req.auth.organizationId, req.params.id)),
  );
}
