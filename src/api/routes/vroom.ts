/**
 * `POST /api/v1/vroom`: VROOM's problem JSON in, VROOM's solution JSON out (src/formats/vroom/), for clients
 * written for VROOM. Stateless: nothing is stored. The solve waits in the fair solver queue with the caller's
 * organization like every other solve; plan mode (`?plan=true`, VROOM's `-c`) only times the given routes.
 * Input errors answer in Milkrun's envelope, with VROOM's code and the key path in `details`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toDomainError } from '../../formats/vroom/errors.js';
import { VroomInput } from '../../formats/vroom/input-schema.js';
import { VroomSolution } from '../../formats/vroom/output-schema.js';
import { runVroom, VROOM_OBJECTIVE } from '../../formats/vroom/run.js';
import { errorResponses } from '../schemas/common.js';
import { abortOnDisconnect } from './planning.js';

const DEFAULT_TIME_LIMIT_S = 2;

const VroomQuery = z.strictObject({
  plan: z.enum(['true', 'false']).optional().describe('`true`: VROOM’s plan mode (`-c`): time each vehicle’s `steps` and report violations'),
  time_limit_s: z.coerce
    .number()
    .min(0.05)
    .optional()
    .describe(`Solver budget in seconds (default ${DEFAULT_TIME_LIMIT_S}), capped at the server’s maximum solve time`),
});

export default async function vroomRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/vroom',
    {
      // The handler validates the body itself, so an error names the key with VROOM's code (errors.ts).
      attachValidation: true,
      schema: {
        tags: ['optimization'],
        querystring: VroomQuery,
        body: VroomInput,
        response: { 200: VroomSolution, ...errorResponses },
      },
    },
    async (req, reply) => {
      const body: unknown = req.body;
      const timeLimitS = Math.min(req.query.time_limit_s ?? DEFAULT_TIME_LIMIT_S, app.config.maxSolveTimeS);
      const signal = abortOnDisconnect(reply);
      const result = await runVroom(body, {
        plan: req.query.plan === 'true',
        solve: (problem) =>
          app.solver.solve(problem, { organizationId: req.auth.organizationId, timeLimitS, seed: 1, objective: VROOM_OBJECTIVE, signal }),
      });
      if (!result.ok) throw toDomainError(result.error);
      return result.value;
    },
  );
}
