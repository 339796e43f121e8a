import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { Deleted, errorResponses, IdParams } from '../schemas/common.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  enqueueWebhookTest,
  getWebhookDelivery,
  getWebhookEndpoint,
  listWebhookAttempts,
  listWebhookDeliveries,
  listWebhookEndpoints,
  redeliverWebhook,
  rotateWebhookSecret,
  updateWebhookEndpoint,
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from '../../store/webhooks.js';
import { loadWebhookConfig } from '../../webhooks/config.js';
import { webhookTopicSchema, WEBHOOK_TOPICS } from '../../webhooks/topics.js';
import { checkWebhookUrl } from '../../webhooks/url-guard.js';
import { ringWebhookDispatcher } from '../../webhooks/wake.js';

const tags = ['webhooks'];

const Topics = z.array(webhookTopicSchema).min(1).max(WEBHOOK_TOPICS.length);
const Url = z.string().min(1).max(2048);

const WebhookInput = z.strictObject({ url: Url, topics: Topics, active: z.boolean().default(true) });
const WebhookPatch = z.strictObject({ url: Url.optional(), topics: Topics.optional(), active: z.boolean().optional() });

const Webhook = z.object({
  id: z.string(),
  url: z.string(),
  topics: z.array(z.string()),
  active: z.boolean(),
  /** Why Milkrun turned the endpoint off; null while active or when turned off by hand. */
  disabled_reason: z.string().nullable(),
  disabled_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
const WebhookWithSecret = Webhook.extend({ secret: z.string(), previous_secret_expires_at: z.string().nullable() });

const Attempt = z.object({
  attempt: z.number(),
  attempted_at: z.string(),
  status_code: z.number().nullable(),
  duration_ms: z.number(),
  error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
});
const Delivery = z.object({
  id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number(),
  next_attempt_at: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  last_status_code: z.number().nullable(),
  last_duration_ms: z.number().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  recent_attempts: z.array(Attempt),
});

const ListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().min(1).optional() });
const DeliveryParams = z.object({ id: z.string().min(1).max(64), deliveryId: z.string().min(1).max(64) });

function invalidCursor(value: string | undefined): DomainError {
  return new DomainError('validation_error', 'Invalid cursor', [
    { field: 'querystring.cursor', message: 'not a cursor from a previous page', value },
  ]);
}
/** Attempts shown per delivery in the list. */
const ATTEMPTS_PER_DELIVERY = 10;

function webhookView(row: WebhookEndpointRow): z.infer<typeof Webhook> {
  return {
    id: row.id,
    url: row.url,
    topics: JSON.parse(row.topics_json) as string[],
    active: row.active === 1,
    disabled_reason: row.disabled_reason,
    disabled_at: row.disabled_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function deliveryView(row: WebhookDeliveryRow, attempts: WebhookAttemptRow[]): z.infer<typeof Delivery> {
  return {
    id: row.id,
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.next_attempt_at,
    last_attempt_at: row.last_attempt_at,
    last_status_code: row.last_status_code,
    last_duration_ms: row.last_duration_ms,
    last_error: row.last_error,
    created_at: row.created_at,
    recent_attempts: attempts.map(({ attempt, attempted_at, status_code, duration_ms, error, next_attempt_at }) => ({
      attempt,
      attempted_at,
      status_code,
      duration_ms,
      error,
      next_attempt_at,
    })),
  };
}

/** `POST/GET/PATCH/DELETE /webhooks`, secret rotation, test events, the delivery log and manual redelivery. */
export default async function webhookRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const config = loadWebhookConfig();

  async function acceptableUrl(url: string): Promise<string> {
    const check = await checkWebhookUrl(url, { allowPrivate: config.allowPrivate });
    if (!check.ok) {
      throw new DomainError('webhook_url_refused', `Webhook URL refused: ${check.message}`, [{ field: 'url', message: check.code, value: url }]);
    }
    return check.url.href;
  }

  function endpointOr404(orgId: string, id: string): WebhookEndpointRow {
    const row = getWebhookEndpoint(app.db, orgId, id);
    if (!row) throw new DomainError('not_found', `Webhook ${id} not found`);
    return row;
  }

  app.post('/webhooks', { schema: { tags, body: WebhookInput, response: { 201: WebhookWithSecret, ...errorResponses } } }, async (req, reply) => {
    const url = await acceptableUrl(req.body.url);
    const row = createWebhookEndpoint(
      app.db,
      { organizationId: req.auth.organizationId, url, topics: req.body.topics, active: req.body.active },
      config.maxEndpointsPerOrg,
    );
    if (row === 'limit_reached') {
      throw new DomainError('webhook_limit_reached', `An organization can have at most ${config.maxEndpointsPerOrg} webhook endpoints`, {
        limit: config.maxEndpointsPerOrg,
      });
    }
    // The only answer that ever contains the secret (besides rotation).
    return reply.status(201).send({ ...webhookView(row), secret: row.secret, previous_secret_expires_at: null });
  });

  app.get(
    '/webhooks',
    { schema: { tags, querystring: ListQuery, response: { 200: z.object({ data: z.array(Webhook), next_cursor: z.string().nullable() }), ...errorResponses } } },
    async (req) => {
      // The cursor is the last endpoint of the previous page: one of this organization's, else it is not a cursor.
      if (req.query.cursor !== undefined && !getWebhookEndpoint(app.db, req.auth.organizationId, req.query.cursor)) throw invalidCursor(req.query.cursor);
      const rows = listWebhookEndpoints(app.db, req.auth.organizationId, req.query.limit + 1, req.query.cursor ?? null);
      const page = rows.slice(0, req.query.limit);
      return { data: page.map(webhookView), next_cursor: rows.length > req.query.limit ? (page[page.length - 1]?.id ?? null) : null };
    },
  );

  app.get('/webhooks/:id', { schema: { tags, params: IdParams, response: { 200: Webhook, ...errorResponses } } }, async (req) =>
    webhookView(endpointOr404(req.auth.organizationId, req.params.id)),
  );

  app.patch('/webhooks/:id', { schema: { tags, params: IdParams, body: WebhookPatch, response: { 200: Webhook, ...errorResponses } } }, async (req) => {
    endpointOr404(req.auth.organizationId, req.params.id);
    const url = req.body.url === undefined ? undefined : await acceptableUrl(req.body.url);
    const row = updateWebhookEndpoint(app.db, req.auth.organizationId, req.params.id, {
      ...(url !== undefined && { url }),
      ...(req.body.topics !== undefined && { topics: req.body.topics }),
      ...(req.body.active !== undefined && { active: req.body.active }),
    });
    if (!row) throw new DomainError('not_found', `Webhook ${req.params.id} not found`);
    // Re-enabled endpoints resume their queue now rather than at the next poll.
    if (req.body.active === true) ringWebhookDispatcher();
    return webhookView(row);
  });

  app.delete('/webhooks/:id', { schema: { tags, params: IdParams, response: { 200: Deleted, ...errorResponses } } }, async (req) => {
    if (!deleteWebhookEndpoint(app.db, req.auth.organizationId, req.params.id)) throw new DomainError('not_found', `Webhook ${req.params.id} not found`);
    return { id: req.params.id, deleted: true as const };
  });

  app.post(
    '/webhooks/:id/rotate-secret',
    { schema: { tags, params: IdParams, response: { 200: WebhookWithSecret, ...errorResponses } } },
    async (req) => {
      const row = rotateWebhookSecret(app.db, req.auth.organizationId, req.params.id, config.secretGraceMs);
      if (!row) throw new DomainError('not_found', `Webhook ${req.params.id} not found`);
      return { ...webhookView(row), secret: row.secret, previous_secret_expires_at: row.previous_secret_expires_at };
    },
  );

  app.post(
    '/webhooks/:id/test',
    { schema: { tags, params: IdParams, response: { 202: z.object({ event_id: z.string() }), ...errorResponses } } },
    async (req, reply) => {
      const row = endpointOr404(req.auth.organizationId, req.params.id);
      if (row.active !== 1) throw new DomainError('conflict', `Webhook ${row.id} is not active; enable it first`, { disabled_reason: row.disabled_reason });
      const eventId = enqueueWebhookTest(app.db, row);
      ringWebhookDispatcher();
      return reply.status(202).send({ event_id: eventId });
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: ListQuery,
        response: { 200: z.object({ data: z.array(Delivery), next_cursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (req) => {
      const row = endpointOr404(req.auth.organizationId, req.params.id);
      const cursor = req.query.cursor;
      const before = cursor === undefined ? null : /^\d{1,15}$/.test(cursor) ? Number(cursor) : NaN;
      if (before !== null && !Number.isSafeInteger(before)) throw invalidCursor(cursor);
      const rows = listWebhookDeliveries(app.db, row.id, req.query.limit + 1, before);
      const page = rows.slice(0, req.query.limit);
      const attempts = listWebhookAttempts(app.db, page.map((d) => d.id), ATTEMPTS_PER_DELIVERY);
      const last = page[page.length - 1];
      return {
        data: page.map((d) => deliveryView(d, attempts.get(d.id) ?? [])),
        next_cursor: rows.length > req.query.limit && last ? String(last.event_seq) : null,
      };
    },
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    { schema: { tags, params: DeliveryParams, response: { 202: Delivery, ...errorResponses } } },
    async (req, reply) => {
      const row = endpointOr404(req.auth.organizationId, req.params.id);
      const result = redeliverWebhook(app.db, row.id, req.params.deliveryId);
      if (result === undefined) throw new DomainError('not_found', `Delivery ${req.params.deliveryId} not found`);
      if (result === 'pending') throw new DomainError('conflict', `Delivery ${req.params.deliveryId} is still being attempted`);
      ringWebhookDispatcher();
      const fresh = getWebhookDelivery(app.db, row.id, result.id) ?? result;
      return reply.status(202).send(deliveryView(fresh, listWebhookAttempts(app.db, [fresh.id], ATTEMPTS_PER_DELIVERY).get(fresh.id) ?? []));
    },
  );
}
