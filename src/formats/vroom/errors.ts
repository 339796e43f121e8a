/**
 * VROOM's error answers as values. VROOM answers `{ code, error }` with code 2 for input errors and 3 for routing
 * errors (docs/API.md, "Code"); Milkrun names the key path in every message, so a client sees which key to fix.
 */
import type { z } from 'zod';
import { DomainError } from '../../errors.js';

export type VroomErrorCode = 2 | 3;

/**
 * - `unknown_key`: a key VROOM's documentation does not have (a typo, another engine's field);
 * - `unsupported`: a documented key (or value) Milkrun cannot honour yet: refused rather than dropped;
 * - `invalid`: a documented key with a value VROOM would refuse too.
 */
export type VroomErrorKind = 'unknown_key' | 'unsupported' | 'invalid';

export interface VroomError {
  code: VroomErrorCode;
  kind: VroomErrorKind;
  /** Key path in the input, `vehicles[0].breaks`; '' for the document itself. */
  path: string;
  /** Why, without the path. */
  reason: string;
}

/** VROOM's error body: `error` is the path and the reason in one sentence. */
export interface VroomErrorBody {
  code: VroomErrorCode;
  error: string;
}

export function inputError(path: string, kind: VroomErrorKind, reason: string): VroomError {
  return { code: 2, kind, path, reason };
}

export function errorMessage(e: VroomError): string {
  return e.path === '' ? e.reason : `${e.path}: ${e.reason}`;
}

export function errorBody(e: VroomError): VroomErrorBody {
  return { code: e.code, error: errorMessage(e) };
}

/** `vehicles[0].steps[2].id` from a key path. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** The first zod issue as a VROOM input error; an unknown key is named with its own path. */
export function fromZodError(error: z.ZodError): VroomError {
  const unknown = error.issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown && unknown.code === 'unrecognized_keys') {
    const key = unknown.keys[0]!;
    const more = unknown.keys.length > 1 ? ` (also ${unknown.keys.slice(1).join(', ')})` : '';
    return inputError(keyPath([...unknown.path, key]), 'unknown_key', `unknown key: VROOM's API does not document it${more}`);
  }
  const issue = error.issues[0]!;
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return inputError(keyPath(issue.path), 'invalid', `${issue.message}${more}`);
}

/**
 * The error for Milkrun's HTTP envelope: an unknown key is `unknown_field`, any other input error
 * `validation_error` (400); a routing error (code 3) is `unsolvable` (422). `details` names the key and carries
 * VROOM's code: `[{ field, message, vroom_code }]`.
 */
export function toDomainError(e: VroomError): DomainError {
  const details = [{ field: e.path, message: e.reason, vroom_code: e.code }];
  if (e.code === 3) return new DomainError('unsolvable', errorMessage(e), details);
  if (e.kind === 'unknown_key') return new DomainError('unknown_field', `Unknown field: ${e.path}`, details);
  return new DomainError('validation_error', errorMessage(e), details);
}
