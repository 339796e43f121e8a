import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, IdParams } from '../schemas/common.js';
import {
  AsyncQuery,
  AutoOptimizeAnswer,
  AutoOptimizeBody,
  JobAccepted,
  PlanAnswer,
  PlanBody,
  PlanOptions,
  Route,
} from '../schemas/routes.js';
import { autoOptimize, reoptimizeRoute, resolvePlanInput, solvePlan } from '../../planning/planner.js';
import { actorOf } from './stops.js';
import { DomainError } from '../../errors.js';
import { getRouteSummary } from '../../store/routes.js';

const tags = ['optimization'];
const ReoptimizeBody = z.strictObject({ options: PlanOptions.default({ time_limit_s: 2, minimize: 'cost' }) }).default({
  options: { time_limit_s: 2, minimize: 'cost' },
});
const ReoptimizeAnswer = z.object({
  route: Route,
  changed: z.boolean(),
  unassigned: z.array(z.object({ stop_id: z.string(), reason: z.string() })),
});

/** Starts `work` as a job: the answer to `?async=true` is 202 with this, the result comes from `GET /api/v1/jobs/:id`. */
function startJob(
  app: FastifyInstance,
  orgId: string,
  kind: string,
  work: (progress: (fraction: number) => void, signal: AbortSignal) => Promise<unknown>,
): { job_id: string; status_url: string } {
  const jobId = app.jobs.start(orgId, kind, work);
  return { job_id: jobId, status_url: `/api/v1/jobs/${jobId}` };
}

export default async function planningRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/routes/plan',
    {
      schema: {
        tags,
        description: 'Solve the given stops (ids or inline) with the given vehicles; writes nothing.',
        querystring: AsyncQuery,
        body: PlanBody,
        response: { 200: PlanAnswer, 202: JobAccepted, ...errorResponses },
      },
    },
    async (req, reply) => {
      const orgId = req.auth.organizationId;
      const { stops, vehicles } = resolvePlanInput(app, orgId, req.body);
      if (req.query.async === 'true') {
        return reply.status(202).send(startJob(app, orgId, 'plan', (onProgress, signal) => solvePlan(app, stops, vehicles, req.body.options, { onProgress, signal })));
      }
      return solvePlan(app, stops, vehicles, req.body.options);
    },
  );

  app.post(
    '/routes/auto-optimize',
    {
      schema: {
        tags,
        description: "Plan a day's pending stops with the free vehicles and create the routes (stops become assigned).",
        querystring: AsyncQuery,
        body: AutoOptimizeBody,
        response: { 201: AutoOptimizeAnswer, 202: JobAccepted, ...errorResponses },
      },
    },
    async (req, reply) => {
      const orgId = req.auth.organizationId;
      if (req.query.async === 'true') {
        const actor = actorOf(req.auth);
        return reply.status(202).send(startJob(app, orgId, 'auto-optimize', (onProgress, signal) => autoOptimize(app, orgId, req.body, actor, { onProgress, signal })));
      }
      return reply.status(201).send(await autoOptimize(app, orgId, req.body, actorOf(req.auth)));
    },
  );

  app.post(
    '/routes/:id/reoptimize',
    {
      schema: {
        tags,
        description:
          'Re-plan the stops not yet done from the driver’s last known position (or the depot); done stops keep their place. A no-op when already optimized.',
        params: IdParams,
        querystring: AsyncQuery,
        body: ReoptimizeBody,
        response: { 200: ReoptimizeAnswer, 202: JobAccepted, ...errorResponses },
      },
    },
    async (req, reply) => {
      const orgId = req.auth.organizationId;
      if (req.query.async === 'true') {
        // A 202 promises a job that can succeed: an unknown (or another organization's) route is 404 now.
        if (!getRouteSummary(app.db, orgId, req.params.id)) throw new DomainError('not_found', `Route ${req.params.id} not found`);
        return reply
          .status(202)
          .send(
            startJob(app, orgId, 'reoptimize', (onProgress, signal) =>
              reoptimizeRoute(app, orgId, req.params.id, req.body.options, { onProgress, signal }),
            ),
          );
      }
      return reoptimizeRoute(app, orgId, req.params.id, req.body.options);
    },
  );
}
