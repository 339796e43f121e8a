import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { ERROR_CODES, type ErrorCode } from '../../errors.js';
import { ERROR_STATUS } from '../errors.js';
import { asyncApiDocument } from '../schemas/asyncapi.js';
import { OPERATIONS } from '../schemas/operations.js';

/** Codes any operation can answer: the request could not be read or validated, no token, too many requests, a fault. */
const EVERY_OPERATION: readonly ErrorCode[] = ['bad_request', 'validation_error', 'unknown_field', 'unauthorized', 'rate_limited', 'internal'];
/** And every write: read-only token, body not JSON or too large, an Idempotency-Key reused or still running, stored data in the way. */
const EVERY_WRITE: readonly ErrorCode[] = [
  'forbidden',
  'unsupported_media_type',
  'payload_too_large',
  'idempotency_conflict',
  'idempotency_in_progress',
  'idempotency_answer_lost',
  'conflict',
];
const WRITES = new Set(['post', 'put', 'patch', 'delete']);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  summary?: string;
  description?: string;
  parameters?: Record<string, unknown>[];
  responses?: Record<string, { description?: string; headers?: Record<string, unknown>; content?: unknown }>;
  'x-error-codes'?: ErrorCode[];
}
interface OpenApiDocument {
  paths?: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  components?: Record<string, Record<string, unknown> | undefined>;
}

const REQUEST_ID_HEADER = {
  description: 'The request id (the caller’s `X-Request-Id` when it is 1–64 characters of `A-Za-z0-9._:-`), also in every error envelope as `requestId`.',
  schema: { type: 'string' },
};
const REQUEST_ID_PARAMETER = {
  name: 'X-Request-Id',
  in: 'header',
  required: false,
  description: 'Your id for this request (1–64 characters of `A-Za-z0-9._:-`); answered back in `X-Request-Id` and logged, so logs can be joined across services. Otherwise the server makes one.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' },
};
const IDEMPOTENCY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Makes the write safe to retry: the first answer is stored for this key and replayed (with `Idempotent-Replayed: true`) to a request with the same method, path and body (key order does not matter); another request with the key answers 409 `idempotency_conflict`, one while the first still runs 409 `idempotency_in_progress`. 5xx answers of requests that wrote nothing are not stored. Safe across a server crash: a retry runs the write if it never committed, and answers 409 `idempotency_answer_lost` (stored, so every retry gets it) if it committed but its answer was lost; a write is never performed twice.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};
const REPLAYED_HEADER = { description: '`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.', schema: { type: 'string', enum: ['true'] } };

/** The error codes an operation can answer, in the order of the table in `src/errors.ts`. */
export function errorCodesOf(method: string, path: string): ErrorCode[] {
  const codes = new Set<ErrorCode>(EVERY_OPERATION);
  if (WRITES.has(method)) for (const code of EVERY_WRITE) codes.add(code);
  if (path.includes('{')) codes.add('not_found');
  for (const code of OPERATIONS[`${method.toUpperCase()} ${path}`]?.errors ?? []) codes.add(code);
  return (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => codes.has(code));
}

/**
 * Completes the generated document: each operation gets its summary and description (`schema/operations.ts`), the
 * error codes it can answer (`x-error-codes`, listed in the description, one response per status with the
 * envelope), the `Idempotency-Key` (writes) and `X-Request-Id` request headers and the response headers.
 */
export function completeOpenApi(doc: OpenApiDocument): OpenApiDocument {
  doc.components = {
    ...doc.components,
    schemas: {
      ...doc.components?.schemas,
      ErrorEnvelope: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message', 'details', 'requestId'],
            properties: {
              code: { type: 'string', enum: Object.keys(ERROR_CODES), description: 'What went wrong; clients switch on it.' },
              message: { type: 'string', description: 'For people; may change.' },
              details: { description: 'Per code: for `validation_error` and `unknown_field` a list of `{ field, message, value? }`, field paths like `stops[0].time_window`.' },
              requestId: { type: 'string' },
            },
          },
        },
      },
    },
  };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const write = WRITES.has(method);
      const known = OPERATIONS[`${method.toUpperCase()} ${path}`];
      if (known) {
        op.summary ??= known.summary;
        op.description ??= known.description;
      }
      const codes = errorCodesOf(method, path);
      op['x-error-codes'] = codes;
      const listed = codes.map((code) => `\`${code}\` (${ERROR_STATUS[code]})`).join(', ');
      if (op.description !== undefined) op.description = `${op.description}\n\nError codes: ${listed}.`;
      op.parameters = [...(op.parameters ?? []), ...(write ? [IDEMPOTENCY_PARAMETER] : []), REQUEST_ID_PARAMETER];

      const responses: NonNullable<Operation['responses']> = {};
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (Number(status) >= 400) continue; // rebuilt below from the codes this operation can answer
        responses[status] = {
          ...response,
          headers: { ...response.headers, 'X-Request-Id': REQUEST_ID_HEADER, ...(write ? { 'Idempotent-Replayed': REPLAYED_HEADER } : {}) },
        };
      }
      const byStatus = new Map<number, ErrorCode[]>();
      for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
      for (const [status, statusCodes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
        responses[String(status)] = {
          description: statusCodes.map((code) => `\`${code}\`: ${ERROR_CODES[code]}`).join('; '),
          headers: { 'X-Request-Id': REQUEST_ID_HEADER },
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
        };
      }
      op.responses = responses;
    }
  }
  return doc;
}

/** The API documents: `/openapi.json` (OpenAPI 3.0 from the routes' zod schemas), `/docs` (its UI), `/asyncapi.json` (the WebSockets). */
export async function addApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Milkrun API',
        version: '1',
        description:
          'Route optimization and live tracking. Authenticate with `Authorization: Bearer mk_live_...`. Requests are strict: a body field or query parameter an operation does not know answers 400 `unknown_field`; bodies are JSON (`application/json`, else 415). Errors answer `{ error: { code, message, details, requestId } }`. The WebSocket protocols are in `/asyncapi.json`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) =>
      'openapiObject' in input ? (completeOpenApi(input.openapiObject as OpenApiDocument) as typeof input.openapiObject) : input.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  const asyncApi = asyncApiDocument();
  app.get('/asyncapi.json', { schema: { hide: true } }, async () => asyncApi);
}
