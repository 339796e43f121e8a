import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

import { DomainError, type ErrorCode } from '../errors.js';
import { randomBase32 } from '../store/ids.js';

/** HTTP status of each error code (the codes and their meaning live in `src/errors.ts`). */
export const ERROR_STATUS = {
  validation_error: 400,
  unknown_field: 400,
  bad_request: 400,
  invalid_geometry: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  invalid_transition: 409,
  idempotency_conflict: 409,
  idempotency_in_progress: 409,
  idempotency_answer_lost: 409,
  wrong_zone: 409,
  webhook_limit_reached: 409,
  stop_closed: 409,
  outside_service_area: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  headers_too_large: 431,
  request_timeout: 408,
  unsolvable: 422,
  geocoding_failed: 422,
  webhook_url_refused: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<ErrorCode, number>;

export type { ErrorCode };

export interface ErrorEnvelope {
  error: { code: string; message: string; details: unknown; requestId: string };
}

/** One failing input: where it is, what was wrong, and the value that was sent. */
export interface FieldIssue {
  field: string;
  message: string;
  value?: unknown;
}

/** Reads `path` (e.g. ['stops', 3, 'lat']) out of a request part, so validation details can show the bad value. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** `/stops/3/lat` → `stops[3].lat`, the spelling clients see in `details[].field`. */
export function fieldName(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number' || /^\d+$/.test(String(key))) out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** A zod issue as both zod and fastify-type-provider-zod report it: where, what, and for unknown keys, which. */
export interface SchemaIssue {
  code: string;
  path: readonly (string | number)[];
  message: string;
  /** Only with `unrecognized_keys`: the keys the schema does not know. */
  keys?: readonly string[] | undefined;
}

function joinField(prefix: string, path: readonly (string | number)[]): string {
  const name = fieldName(path);
  if (prefix === '') return name;
  if (name === '') return prefix.replace(/\.$/, '');
  return name.startsWith('[') ? `${prefix.replace(/\.$/, '')}${name}` : `${prefix}${name}`;
}

/**
 * Zod issues → the envelope's `details`, one entry per field: an `unrecognized_keys` issue becomes one entry per
 * unknown key (`stops[0].time_window`), listed first, and makes the code `unknown_field` (a misspelt field usually
 * explains the other errors: `time_window` sent, `time_windows` missing). `prefix` names the request part
 * (`querystring.`) or the item of a bulk request (`stops[3].`); `root` is what the path is read from.
 */
export function issueDetails(
  issues: readonly SchemaIssue[],
  root: unknown,
  prefix = '',
): { code: 'unknown_field' | 'validation_error'; details: FieldIssue[] } {
  const unknown: FieldIssue[] = [];
  const invalid: FieldIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      for (const key of issue.keys) {
        unknown.push({ field: joinField(prefix, [...issue.path, key]), message: 'unknown field' });
      }
      continue;
    }
    invalid.push({ field: joinField(prefix, issue.path), message: issue.message, value: valueAt(root, issue.path) });
  }
  return { code: unknown.length > 0 ? 'unknown_field' : 'validation_error', details: [...unknown, ...invalid] };
}

function issueSummary(code: 'unknown_field' | 'validation_error', details: readonly FieldIssue[], context: string | undefined): string {
  if (code === 'unknown_field') {
    const names = details.filter((d) => d.message === 'unknown field').map((d) => d.field);
    return `Unknown field${names.length > 1 ? 's' : ''}: ${names.join(', ')}`;
  }
  const first = details[0];
  return first ? `Invalid ${first.field || context || 'request'}: ${first.message}` : 'Invalid request';
}

function requestPart(request: FastifyRequest, context: string | undefined): unknown {
  switch (context) {
    case 'querystring':
      return request.query;
    case 'params':
      return request.params;
    case 'headers':
      return request.headers;
    default:
      return request.body;
  }
}

/** Fastify's own error codes that are the client's fault, and ours they map to. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'validation_error',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_VALIDATION: 'validation_error',
  FST_ERR_BAD_URL: 'bad_request',
  // A path parameter longer than the router allows (100 characters): the same 400 as one over the schema's limit.
  FST_ERR_MAX_PARAM_LENGTH: 'validation_error',
};

/** Turns anything thrown into the status and the envelope. 5xx never leak internals. */
export function toEnvelope(
  error: FastifyError | DomainError | Error,
  request: FastifyRequest,
): { status: number; body: ErrorEnvelope } {
  const requestId = String(request.id);
  if (error instanceof DomainError) {
    return {
      status: ERROR_STATUS[error.code],
      body: { error: { code: error.code, message: error.message, details: error.details, requestId } },
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as FastifyError).validationContext;
    const issues: SchemaIssue[] = error.validation.map((v) => ({
      code: v.keyword,
      path: v.instancePath.split('/').filter((s: string) => s !== ''),
      message: v.message ?? 'invalid',
      keys: Array.isArray(v.params.keys) ? (v.params.keys as string[]) : undefined,
    }));
    const prefix = context === 'body' || !context ? '' : `${context}.`;
    const { code, details } = issueDetails(issues, requestPart(request, context), prefix);
    return { status: 400, body: { error: { code, message: issueSummary(code, details, context), details, requestId } } };
  }
  const fe = error as FastifyError;
  if (typeof fe.code === 'string' && fe.code.startsWith('SQLITE_CONSTRAINT')) {
    // A uniqueness or reference rule the checks before the write did not catch (e.g. an external_id taken by another
    // resource): the request conflicts with stored data.
    const what = fe.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ? 'refers to a resource that does not exist' : 'conflicts with stored data';
    return {
      status: 409,
      body: { error: { code: 'conflict', message: `The request ${what}`, details: { constraint: fe.message }, requestId } },
    };
  }
  if (fe.code === 'RATE_LIMITED' || fe.statusCode === 429) {
    return {
      status: 429,
      body: { error: { code: 'rate_limited', message: fe.message, details: null, requestId } },
    };
  }
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) {
    return {
      status: ERROR_STATUS[mapped],
      body: { error: { code: mapped, message: fe.message, details: null, requestId } },
    };
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    // A client error fastify raised (malformed JSON and similar): keep its status, say it plainly.
    const code: ErrorCode = fe.statusCode === 404 ? 'not_found' : fe.statusCode === 413 ? 'payload_too_large' : 'bad_request';
    return {
      status: fe.statusCode,
      body: { error: { code, message: fe.message, details: null, requestId } },
    };
  }
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'Internal server error', details: null, requestId } },
  };
}

/** The one error handler: logs server faults, renders the envelope for everything. */
export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toEnvelope(error, request);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  void reply.status(status).type('application/json; charset=utf-8').send(body);
}

/** Answers unknown routes with the same envelope. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const body: ErrorEnvelope = {
    error: {
      code: 'not_found',
      message: `No route ${request.method} ${request.url.split('?')[0]}`,
      details: null,
      requestId: String(request.id),
    },
  };
  void reply.status(404).send(body);
}

/**
 * Errors fastify raises before a route is found (a URL that is not valid percent-encoding, a path parameter over
 * the router's length limit): the same envelope and `X-Request-Id` as any other answer.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  errorHandler(error, request, reply);
}

/**
 * Errors Node's HTTP parser raises before there is a request (headers over the size limit, a malformed request
 * line, a client too slow to send its headers): written straight to the socket, in the envelope, then closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message]: [number, ErrorCode, string] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request headers are larger than allowed']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request was not received in time']
        : [400, 'bad_request', 'The request could not be read'];
  const requestId = `req_${randomBase32(16)}`;
  const body = JSON.stringify({ error: { code, message, details: null, requestId } } satisfies ErrorEnvelope);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
