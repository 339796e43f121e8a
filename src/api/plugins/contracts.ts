import type { FastifyInstance, preValidationHookHandler } from 'fastify';
import { DomainError } from '../../errors.js';
import { isWrite } from './auth.js';

/** Deepest nesting of objects and arrays a JSON body may have; real requests stay under 10. */
export const MAX_JSON_DEPTH = 64;

/**
 * The nesting depth of JSON text, stopping as soon as it passes `limit`: one pass over the characters, no
 * recursion, strings skipped (a `[` inside a string does not count). Invalid JSON is left to the parser.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/**
 * The JSON body parser, on the root instance: bodies nested deeper than `MAX_JSON_DEPTH` answer 400 before anything
 * walks them (the idempotency hash, zod, the serializer would each overflow the stack); an empty body is no body
 * (routes whose fields are all optional then read it as `{}`). Parsing itself is fastify's (prototype poisoning
 * refused). Only JSON is accepted: `text/plain` answers 415 like any other media type.
 */
export function addJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(new DomainError('bad_request', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, { max_depth: MAX_JSON_DEPTH }), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

function unknownFields(keys: readonly string[], prefix: string, what: string): DomainError {
  return new DomainError(
    'unknown_field',
    `Unknown ${what}${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`,
    keys.map((key) => ({ field: `${prefix}${key}`, message: `unknown ${what}` })),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A write sent without a body (or with an empty one) reads it as `{}`: all-optional bodies may be left out. */
const emptyBodyIsObject: preValidationHookHandler = (request, _reply, done) => {
  if (request.body === undefined) request.body = {};
  done();
};

/** A write that takes no body refuses one with fields (it would be ignored); `{}` or nothing is fine. */
const noBody: preValidationHookHandler = (request, _reply, done) => {
  const body = request.body;
  if (body === undefined || (isPlainObject(body) && Object.keys(body).length === 0)) {
    done();
    return;
  }
  if (isPlainObject(body)) {
    done(unknownFields(Object.keys(body), '', 'field'));
    return;
  }
  done(new DomainError('validation_error', 'This operation takes no body', [{ field: '', message: 'must be empty or {}', value: body }]));
};

/** An operation without query parameters refuses any (a misspelt filter must not return everything). */
const noQuery: preValidationHookHandler = (request, _reply, done) => {
  const query = request.query as Record<string, unknown> | undefined;
  if (query) {
    const keys = Object.keys(query);
    if (keys.length > 0) {
      done(unknownFields(keys, 'querystring.', 'query parameter'));
      return;
    }
  }
  done();
};

/**
 * Strict requests on every route of the instance, whatever its schema says: a write without a body schema takes
 * no body, a route without a query schema takes no query parameters, and a missing body on a write with a body
 * schema is `{}` (so an all-optional body may be left out; otherwise the schema names the required fields).
 * The zod schemas themselves are strict (`z.strictObject`), which covers the rest. Runs before the idempotency claim.
 */
export function addStrictRequests(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const checks: preValidationHookHandler[] = [];
    if (methods.some(isWrite)) checks.push(route.schema?.body === undefined ? noBody : emptyBodyIsObject);
    if (route.schema?.querystring === undefined) checks.push(noQuery);
    if (checks.length === 0) return;
    const existing = route.preValidation === undefined ? [] : Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation];
    route.preValidation = [...checks, ...existing];
  });
}
