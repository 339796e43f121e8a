/**
 * The one table of error codes Milkrun answers with, and what each means. It sits below every layer (store,
 * domain, transport), so a store function can refuse a write without knowing about HTTP; the API maps each code
 * to a status (`src/api/errors.ts`) and renders the envelope. Clients switch on `code`; messages are for people.
 */
export const ERROR_CODES = {
  validation_error: 'The request body, query or parameters break a rule; `details` names each field',
  unknown_field: 'The request has a field or parameter this operation does not know; `details` names each',
  bad_request: 'The request could not be read (malformed JSON, bad encoding, unusable header)',
  invalid_geometry: 'A GeoJSON geometry is not a valid polygon',
  unauthorized: 'No valid API token was sent',
  forbidden: 'The token may not do this (read-only token on a write)',
  not_found: 'No such resource in this organization',
  method_not_allowed: 'The path exists but not with this method',
  conflict: 'The request conflicts with stored data',
  invalid_transition: 'The resource cannot move from its current status to the one asked for',
  idempotency_conflict: 'The Idempotency-Key was used before with another request',
  idempotency_in_progress: 'A request with this Idempotency-Key is still running',
  idempotency_answer_lost:
    'The request with this Idempotency-Key was performed once, but the server stopped before storing its answer',
  wrong_zone: 'The vehicle or driver may not serve a stop in that service area',
  webhook_limit_reached: 'The organization has as many webhook endpoints as allowed',
  stop_closed: 'The stop has history or proof of delivery and cannot be deleted; archive it instead',
  payload_too_large: 'The request body is larger than allowed',
  headers_too_large: 'The request headers are larger than allowed',
  request_timeout: 'The request (its headers or body) was not received in time',
  unsupported_media_type: 'The body is not JSON (or its encoding is not gzip, deflate or br)',
  unsolvable: 'There is nothing the solver could plan (no vehicle, no stop)',
  geocoding_failed: 'The address could not be turned into coordinates',
  outside_service_area: 'The stop lies outside every service area of the organization',
  webhook_url_refused: 'The webhook URL is not allowed (private address, bad scheme)',
  rate_limited: 'Too many requests; retry after the time given',
  internal: 'A fault on the server; the request id helps find it in the logs',
  unavailable: 'The server cannot take the work now (queue full, shutting down)',
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error meant for the caller: its code says what went wrong, `details` which input was wrong. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details ?? null;
  }
}
