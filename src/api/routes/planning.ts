import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import type { JobWorkControl } from '../../planning/jobs.js';
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
  Violation,
} from '../schemas/routes.js';
import { autoOptimize, reoptimizeRoute, resolvePlanInput, solvePlan } from '../../planning/planner.js';
import { actorOf } from './stops.js';
import { getRouteSummary } from '../../store/routes.js';

const tags = ['optimization'];
const ReoptimizeBody = z.strictObject({ options: PlanOptions.default({ time_limit_s: 2, minimize: 'cost' }) }).default({
  options: { time_limit_s: 2, minimize: 'cost' },
});
const ReoptimizeAnswer = z.object({
  route: Route,
  changed: z.boolean(),
  unassigned: z.array(z.object({ stop_id: z.string(), reason: z.string() })),
  /** Rules the new plan still breaks: a stop that can no longer be made on the route's day, with the reason. */
  violations: z.array(Violation),
});

/** Starts `work` as a job: the answer to `?async=true` is 202 with this, the result comes from `GET /api/v1/jobs/:id`. */
function startJob(
  app: FastifyInstance,
  orgId: string,
  kind: string,
  work: (control: JobWorkControl) => Promise<unknown>,
): { job_id: string; status_url: string } {
  const jobId = app.jobs.start(orgId, kind, work);
  return { job_id: jobId, status_url: `/api/v1/jobs/${jobId}` };
}

/**
 * The signal of a synchronous solve: it aborts when the client goes away before the answer is written, so the solve
 * leaves the queue (or stops) and frees its worker. The response's `close` is the one to watch: the request's fires
 * as soon as its body has been read (Node >= 16), the response's only when the answer is done or the socket closed.
 */
export function abortOnDisconnect(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableEnded) controller.abort();
  });
  return controller.signal;
}

/** `options.time_limit_s` as sent (before defaults), when it is a number. */
function timeLimitAsked(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null || !('options' in body)) return undefined;
  const options: unknown = body.options;
  if (typeof options !== 'object' || options === null || !('time_limit_s' in options)) return undefined;
  return typeof options.time_limit_s === 'number' ? options.time_limit_s : undefined;
}

/**
 * 400 when a request asks for a longer solve than the server allows (`maxSolveTimeS`), before any answer (also
 * before a 202). Checked on the body as sent: the default budget is capped quietly by the solve queue.
 */
function refuseLongSolves(app: FastifyInstance) {
  return (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const asked = timeLimitAsked(req.body);
    const max = app.config.maxSolveTimeS;
    if (asked === undefined || asked <= max) return done();
    done(
      new DomainError('validation_error', `time_limit_s may be at most ${max} s on this server`, [
        { field: 'options.time_limit_s', message: `at most ${max}`, value: asked },
      ]),
    );
  };
}

export default async function planningRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const preValidation = refuseLongSolves(root);

  app.post(
    '/routes/plan',
    {
      preValidation,
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
        return reply.status(202).send(startJob(app, orgId, 'plan', (control) => solvePlan(app, orgId, stops, vehicles, req.body.options, control)));
      }
      return solvePlan(app, orgId, stops, vehicles, req.body.options, { signal: abortOnDisconnect(reply) });
    },
  );

  app.post(
    '/routes/auto-optimize',
    {
      preValidation,
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
        return reply.status(202).send(startJob(app, orgId, 'auto-optimize', (control) => autoOptimize(app, orgId, req.body, actor, control)));
      }
      return reply.status(201).send(await autoOptimize(app, orgId, req.body, actorOf(req.auth), { signal: abortOnDisconnect(reply) }));
    },
  );

  app.post(
    '/routes/:id/reoptimize',
    {
      preValidation,
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
            startJob(app, orgId, 'reoptimize', (control) => reoptimizeRoute(app, orgId, req.params.id, req.body.options, control)),
          );
      }
      return reoptimizeRoute(app, orgId, req.params.id, req.body.options, { signal: abortOnDisconnect(reply) });
    },
  );
}
