/**
 * `POST /api/v1/vroom`: VROOM's problem JSON in, VROOM's solution JSON out (src/formats/vroom/), for clients
 * written for VROOM. Stateless: nothing is stored. The solve waits in the fair solver queue with the caller's
 * organization like every other solve; plan mode (`?plan=true`, VROOM's `-c`) only times the given routes.
 * Input errors answer in Milkrun's envelope, with VROOM's code and the key path in `details`.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { toDomainError } from '../../formats/vroom/errors.js';
import { VroomInput } from '../../formats/vroom/input-schema.js';
import { VroomSolution } from '../../formats/vroom/output-schema.js';
import { runVroom, VROOM_OBJECTIVE } from '../../formats/vroom/run.js';
import { issueDetails } from '../errors.js';
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

/**
 * The query string, parsed here: with `attachValidation` fastify hands over a failed query as it does a failed
 * body (and stops at the first failing part), so the query is checked again with the same schema and envelope.
 */
function parseQuery(raw: unknown): z.infer<typeof VroomQuery> {
  const parsed = VroomQuery.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    code: i.code,
    path: i.path.filter((k): k is string | number => typeof k !== 'symbol'),
    message: i.message,
    keys: i.code === 'unrecognized_keys' ? i.keys : undefined,
  }));
  const { code, details } = issueDetails(issues, raw, 'querystring.');
  const first = details[0]!;
  throw new DomainError(code, code === 'unknown_field' ? `Unknown query parameter: ${first.field}` : `Invalid ${first.field}: ${first.message}`, details);
}

export default async function vroomRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/vroom',
    {
      // The handler validates the request itself, so a body error names the key with VROOM's code (errors.ts).
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
      const query = parseQuery(req.query);
      const timeLimitS = Math.min(query.time_limit_s ?? DEFAULT_TIME_LIMIT_S, app.config.maxSolveTimeS);
      const signal = abortOnDisconnect(reply);
      const result = await runVroom(body, {
        plan: query.plan === 'true',
        solve: (problem) =>
          app.solver.solve(problem, { organizationId: req.auth.organizationId, timeLimitS, seed: 1, objective: VROOM_OBJECTIVE, signal }),
      });
      if (!result.ok) throw toDomainError(result.error);
      return result.value;
    },
  );
}
