import type { ErrorCode } from '../../errors.js';

/**
 * What each operation of `/api/v1` is for, as the OpenAPI document shows it: a summary, a description (a route's
 * own `schema.description` wins when it has one) and the error codes particular to it. The codes every operation
 * shares (authentication, validation, rate limit, server fault; on writes also the body, `Idempotency-Key` and
 * stored-data conflicts; with an `{id}` also `not_found`) are added by `docs.ts`. Keyed by `METHOD /path` as the
 * document spells it; a test walks the document and fails on any operation missing here.
 */
export interface OperationDoc {
  summary: string;
  description?: string;
  errors?: readonly ErrorCode[];
}

const STOP_PLACE: readonly ErrorCode[] = ['outside_service_area', 'geocoding_failed', 'unavailable'];

export const OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'GET /api/v1/me': { summary: 'Who am I', description: 'The organization and the API token this request was made with.' },
  'GET /api/v1/organization': { summary: 'Get the organization and its settings' },
  'PATCH /api/v1/organization': { summary: 'Change the organization’s settings' },

  'GET /api/v1/tokens': { summary: 'List API tokens', description: 'Every API token of the organization, revoked ones included; never the secret.' },
  'POST /api/v1/tokens': { summary: 'Create an API token', description: 'Creates a `read_only` or `full_access` token. The secret is in this answer only.' },
  'DELETE /api/v1/tokens/{id}': { summary: 'Revoke an API token', description: 'Revokes the token at once in this process; other processes refuse it within a second.' },

  'GET /api/v1/depots': { summary: 'List depots', description: 'Depots of the organization, oldest first, paginated with `cursor`.' },
  'POST /api/v1/depots': { summary: 'Create or update a depot', description: 'Creates a depot (201); an existing `external_id` updates that depot instead (200).' },
  'GET /api/v1/depots/{id}': { summary: 'Get a depot', description: 'One depot by id.' },
  'PATCH /api/v1/depots/{id}': { summary: 'Update a depot', description: 'Changes the fields sent; `null` clears an optional field.' },
  'DELETE /api/v1/depots/{id}': { summary: 'Delete a depot', description: 'Deletes the depot; vehicles starting or ending there keep their coordinates.' },

  'GET /api/v1/vehicles': { summary: 'List vehicles', description: 'Vehicles of the organization, oldest first, paginated with `cursor`; archived ones only with `include=archived`.' },
  'POST /api/v1/vehicles': { summary: 'Create or update a vehicle', description: 'Creates a vehicle (201); an existing `external_id` updates that vehicle instead (200).' },
  'GET /api/v1/vehicles/{id}': { summary: 'Get a vehicle', description: 'One vehicle by id.' },
  'PATCH /api/v1/vehicles/{id}': { summary: 'Update a vehicle', description: 'Changes the fields sent; `null` clears an optional field.' },
  'DELETE /api/v1/vehicles/{id}': {
    summary: 'Delete (or archive) a vehicle',
    description:
      'Deletes a vehicle no route has used: `{ id, deleted: true }`. A vehicle that routes point at is kept for them and archived instead: `{ id, deleted: false, archived: true, archived_at }`; it still answers by id, is listed only with `include=archived`, takes no new route and is left out of auto-optimize.',
  },
  'POST /api/v1/vehicles/{id}/unarchive': { summary: 'Unarchive a vehicle', description: 'Brings an archived vehicle back into lists and planning; a live vehicle is answered as it is.' },

  'GET /api/v1/drivers': { summary: 'List drivers', description: 'Drivers of the organization, oldest first, paginated with `cursor`; archived ones only with `include=archived`.' },
  'POST /api/v1/drivers': { summary: 'Create or update a driver', description: 'Creates a driver (201); an existing `external_id` updates that driver instead (200).' },
  'GET /api/v1/drivers/{id}': { summary: 'Get a driver', description: 'One driver by id, with the last known position.' },
  'PATCH /api/v1/drivers/{id}': { summary: 'Update a driver', description: 'Changes the fields sent; `null` clears an optional field. An archived driver cannot be made `active` (409).' },
  'DELETE /api/v1/drivers/{id}': {
    summary: 'Delete (or archive) a driver',
    description:
      'Deletes a driver no route or stop names: `{ id, deleted: true }`. A driver that routes or stops point at is kept for them and archived instead: `{ id, deleted: false, archived: true, archived_at }`, with `status` `inactive`; they still answer by id, are listed only with `include=archived` and take no new route.',
  },
  'POST /api/v1/drivers/{id}/unarchive': { summary: 'Unarchive a driver', description: 'Brings an archived driver back into lists, still `inactive` until switched on; a live driver is answered as it is.' },

  'GET /api/v1/stops': {
    summary: 'List stops',
    description: 'Stops of the organization, filtered by status (one or a comma list), driver, route, date or external id; paginated with `cursor`. Archived stops only with `include=archived`. Answers carry an ETag for `If-None-Match`.',
  },
  'POST /api/v1/stops': {
    summary: 'Create or update a stop',
    description: 'Creates a stop (201); an existing `external_id` updates that stop instead (200). Coordinates are required unless a geocoder is configured and `address` is given. `priority` 0 means unset and counts as 5.',
    errors: STOP_PLACE,
  },
  'POST /api/v1/stops/bulk': { summary: 'Create or update stops in bulk', errors: STOP_PLACE },
  'GET /api/v1/stops/{id}': { summary: 'Get a stop', description: 'One stop by id, with its route, driver, failure reason and proof of delivery.' },
  'PATCH /api/v1/stops/{id}': { summary: 'Update a stop', description: 'Changes the fields sent; new coordinates are checked against the service areas.', errors: STOP_PLACE },
  'DELETE /api/v1/stops/{id}': {
    summary: 'Delete a stop',
    description:
      'Deletes a stop that has no past: `pending`, no proof of delivery, nothing in its history but its creation. Any other stop is a record: 409 `stop_closed` (details say why); archive it instead.',
    errors: ['stop_closed'],
  },
  'POST /api/v1/stops/{id}/archive': {
    summary: 'Archive a stop',
    description:
      'Hides the stop from lists (unless `include=archived`) and keeps it with its history and proof; it still answers by id and stays on its route. Only a `pending` stop or a done one (`completed`, `failed`, `cancelled`) may be archived: a stop on an open route answers 409 `invalid_transition`. An archived stop changes no status until unarchived. Emits `stop.archived`; archiving an archived stop changes nothing.',
    errors: ['invalid_transition'],
  },
  'POST /api/v1/stops/{id}/unarchive': { summary: 'Unarchive a stop', description: 'Brings an archived stop back into lists (emits `stop.unarchived`); a live stop is answered as it is.' },
  'POST /api/v1/stops/{id}/status': { summary: 'Change a stop status', errors: ['invalid_transition'] },
  'GET /api/v1/stops/{id}/history': { summary: 'Stop history', description: 'Every status change of the stop, oldest first, with who made it.' },

  'GET /api/v1/routes': { summary: 'List routes', description: 'Routes of the organization, filtered by date, status, driver or vehicle; paginated with `cursor`.' },
  'POST /api/v1/routes': { summary: 'Create a route', errors: ['wrong_zone'] },
  'GET /api/v1/routes/{id}': { summary: 'Get a route', description: 'One route with its stops in order, planned times and live ETAs.' },
  'DELETE /api/v1/routes/{id}': { summary: 'Delete a route', description: 'Deletes the route; its open stops become pending again.' },
  'PUT /api/v1/routes/{id}/stops': { summary: 'Add stops to a route', errors: ['wrong_zone'] },
  'DELETE /api/v1/routes/{id}/stops/{stopIds}': { summary: 'Remove stops from a route' },
  'PUT /api/v1/routes/{id}/order': { summary: 'Reorder a route' },
  'PUT /api/v1/routes/{id}/driver': { summary: 'Assign a driver', description: 'Sets (or with `null` clears) the route’s driver.', errors: ['wrong_zone'] },
  'PUT /api/v1/routes/{id}/vehicle': { summary: 'Assign a vehicle', description: 'Sets the route’s vehicle and recomputes the planned times with it.', errors: ['wrong_zone'] },
  'GET /api/v1/routes/{id}/timeline': { summary: 'Route timeline', description: 'The events of the route and its stops, oldest first.' },
  'GET /api/v1/routes/{id}/geometry': { summary: 'Route geometry' },

  'POST /api/v1/routes/plan': {
    summary: 'Plan without saving',
    description: 'Solve the given stops (ids or inline) with the given vehicles; writes nothing. With `?async=true` the answer is 202 and a job to poll.',
    errors: ['unsolvable'],
  },
  'POST /api/v1/vroom': {
    summary: 'Solve a VROOM problem',
    description:
      'VROOM’s problem JSON in, VROOM’s solution JSON out; stateless, solved on the fair solver queue. `?plan=true` is VROOM’s plan mode: each vehicle’s `steps` are timed in that order and every broken rule is reported as a violation. Coordinates without `matrices` travel in straight lines (`matrix_source`). A documented VROOM key Milkrun does not support yet, or one VROOM does not document, is an input error naming the key path; `details` carries VROOM’s code (`vroom_code`).',
    errors: ['unsolvable', 'unavailable'],
  },
  'POST /api/v1/routes/auto-optimize': { summary: 'Plan a day', errors: ['unsolvable'] },
  'POST /api/v1/routes/{id}/reoptimize': { summary: 'Re-optimize a route', errors: ['unsolvable'] },
  'GET /api/v1/jobs/{id}': {
    summary: 'Get a job',
    description: 'An asynchronous plan: its status, its place in the solver queue while it waits (`queue_position`, 0 = next), progress and, when done, its result or error.',
  },
  'DELETE /api/v1/jobs/{id}': {
    summary: 'Cancel a job',
    description: 'Cancels a queued or running asynchronous plan; it ends as `cancelled` and writes nothing. 409 when it already finished.',
    errors: ['conflict'],
  },

  'POST /api/v1/drivers/{id}/tokens': { summary: 'Issue a driver token', description: 'A token for the driver app’s `/ws/driver` socket. The secret is in this answer only.' },
  'GET /api/v1/drivers/{id}/tokens': { summary: 'List driver tokens', description: 'The driver’s tokens without their secrets.' },
  'DELETE /api/v1/drivers/{id}/tokens/{tokenId}': {
    summary: 'Revoke a driver token',
    description: 'Refused at the next connect; a `/ws/driver` socket open with it is closed with 1008.',
  },
  'GET /api/v1/drivers/{id}/live': { summary: 'Live position', description: 'The driver’s last position, current stop and ETAs of the remaining stops.' },
  'GET /api/v1/drivers/{id}/track': { summary: 'GPS track', description: 'Pings between `from` and `to`, as a list (next page: pass `next_cursor` as `from`) or a GeoJSON LineString.' },

  'POST /api/v1/webhooks': {
    summary: 'Create a webhook endpoint',
    description: 'Events of the given topics are POSTed to the URL, signed with the secret shown in this answer only.',
    errors: ['webhook_url_refused', 'webhook_limit_reached'],
  },
  'GET /api/v1/webhooks': { summary: 'List webhook endpoints', description: 'Endpoints of the organization, oldest first, paginated with `cursor`.' },
  'GET /api/v1/webhooks/{id}': { summary: 'Get a webhook endpoint', description: 'One endpoint by id, without its secret.' },
  'PATCH /api/v1/webhooks/{id}': { summary: 'Update a webhook endpoint', description: 'Changes URL, topics or `active`; re-enabling resumes its queue.', errors: ['webhook_url_refused'] },
  'DELETE /api/v1/webhooks/{id}': { summary: 'Delete a webhook endpoint', description: 'Deletes the endpoint and its delivery log.' },
  'POST /api/v1/webhooks/{id}/rotate-secret': { summary: 'Rotate a webhook secret', description: 'A new secret; the previous one keeps signing for a grace period.' },
  'POST /api/v1/webhooks/{id}/test': { summary: 'Send a test event', description: 'Queues a `webhook.test` event for this endpoint (409 when it is not active).' },
  'GET /api/v1/webhooks/{id}/deliveries': { summary: 'Webhook delivery log', description: 'Deliveries to the endpoint, newest first, with their recent attempts; paginated with `cursor`.' },
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': {
    summary: 'Redeliver a webhook event',
    description: 'Queues a finished delivery again (409 while it is still being attempted).',
  },

  'GET /api/v1/service-areas': { summary: 'List service areas', description: 'Service areas of the organization, oldest first, paginated with `cursor`.' },
  'POST /api/v1/service-areas': { summary: 'Create or update a service area', errors: ['invalid_geometry'] },
  'GET /api/v1/service-areas/lookup': { summary: 'Areas at a point' },
  'GET /api/v1/service-areas/{id}': { summary: 'Get a service area', description: 'One service area with its MultiPolygon and bounding box.' },
  'PATCH /api/v1/service-areas/{id}': { summary: 'Update a service area', description: 'Changes name, external id or geometry; stops are filed again under the new shape.', errors: ['invalid_geometry'] },
  'DELETE /api/v1/service-areas/{id}': { summary: 'Delete a service area', description: 'Deletes the area; its stops are filed under another area or none.' },
  'GET /api/v1/vehicles/{id}/service-areas': { summary: 'Vehicle service areas', description: 'The areas the vehicle may serve; empty means every area.' },
  'PUT /api/v1/vehicles/{id}/service-areas': { summary: 'Limit a vehicle to service areas' },
  'GET /api/v1/drivers/{id}/service-areas': { summary: 'Driver service areas', description: 'The areas the driver may serve; empty means every area.' },
  'PUT /api/v1/drivers/{id}/service-areas': { summary: 'Limit a driver to service areas' },
};
