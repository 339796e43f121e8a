import { z } from 'zod';
import type { LiveView } from '../../tracking/live-state.js';
import {
  pingFrame,
  stopEventFrame,
  subscribeFrame,
  type AckFrame,
  type ErrorFrame,
} from '../../tracking/messages.js';

/*
 * The frames the server sends, as zod schemas for the document. The hub builds them from the TypeScript types in
 * `tracking/messages.ts` and `tracking/live-state.ts`; `satisfies` makes the compiler hold both to the same shape.
 */
export const ackFrame = z.object({
  type: z.literal('ack'),
  seq: z.number().int().nonnegative().describe('The `seq` of the driver frame now stored'),
}) satisfies z.ZodType<AckFrame>;

export const errorFrame = z.object({
  type: z.literal('error'),
  seq: z.number().int().nonnegative().optional().describe('Present when the error answers one frame'),
  code: z.string().describe('`invalid_json`, `invalid_frame`, `unknown_type`, or the API error code of a refused stop event'),
  message: z.string(),
}) satisfies z.ZodType<ErrorFrame>;

export const subscribedFrame = z.object({
  type: z.literal('subscribed'),
  all: z.boolean(),
  drivers: z.array(z.string()),
  routes: z.array(z.string()),
});

/** A driver's live state: the REST answer of `GET /drivers/:id/live` and the body of a `driver.update` frame. */
export const liveView = z.object({
  driver_id: z.string(),
  route_id: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  speed_mps: z.number().nullable(),
  heading: z.number().nullable(),
  battery_pct: z.number().nullable(),
  current_stop_id: z.string().nullable(),
  eta_minutes: z.number().nullable(),
  updated_at: z.string().nullable(),
  online: z.boolean(),
  pace: z.number().describe('Observed speed relative to the plan; 1 is on plan'),
  remaining: z.array(z.object({ stop_id: z.string(), eta: z.string(), window_missed: z.boolean() })),
}) satisfies z.ZodType<LiveView>;

export const driverUpdateFrame = liveView.extend({ type: z.literal('driver.update') });

interface MessageSpec {
  schema: z.ZodType;
  title: string;
  summary: string;
  /** Which way the frame goes, from the server's side. */
  action: 'receive' | 'send';
}

const DRIVER_MESSAGES: Record<string, MessageSpec> = {
  ping: { schema: pingFrame, title: 'Position', summary: 'A GPS position of the driver; acknowledged once stored.', action: 'receive' },
  stop_event: {
    schema: stopEventFrame,
    title: 'Stop event',
    summary: 'The driver arrived at, completed or failed a stop (with proof of delivery); acknowledged once stored.',
    action: 'receive',
  },
  ack: { schema: ackFrame, title: 'Acknowledgement', summary: 'The frame with this `seq` is committed; the app may forget it.', action: 'send' },
  driver_error: { schema: errorFrame, title: 'Error', summary: 'A frame was refused; the socket stays open.', action: 'send' },
};

const LIVE_MESSAGES: Record<string, MessageSpec> = {
  subscribe: {
    schema: subscribeFrame,
    title: 'Subscribe',
    summary: 'Which drivers to follow: `all`, or lists of driver and route ids; replaces the previous subscription.',
    action: 'receive',
  },
  subscribed: { schema: subscribedFrame, title: 'Subscribed', summary: 'The subscription now in force; the current state of each matching driver follows.', action: 'send' },
  driver_update: {
    schema: driverUpdateFrame,
    title: 'Driver update',
    summary: 'A followed driver’s position, current stop and ETAs; at most one per driver per live interval.',
    action: 'send',
  },
  live_error: { schema: errorFrame, title: 'Error', summary: 'A frame was refused; the socket stays open.', action: 'send' },
};

function payloadOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return { schemaFormat: 'application/schema+json;version=draft-07', schema: json };
}

/**
 * The AsyncAPI 3.0 document of the two WebSocket protocols (`/ws/driver`, `/ws/live`), generated from the zod
 * schemas the hub validates frames with, so it cannot drift from what the server accepts.
 */
export function asyncApiDocument(): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const channelSpecs = [
    {
      id: 'driver',
      address: '/ws/driver',
      security: 'driverToken',
      description:
        'The driver app’s socket. Authenticate with a driver token (`POST /api/v1/drivers/{id}/tokens`) as `Authorization: Bearer` or `?token=`; refused with 401 before the upgrade otherwise. Frames are JSON text; a flood closes with 1008, an oversized frame with 1009, a revoked token with 1008.',
      specs: DRIVER_MESSAGES,
    },
    {
      id: 'live',
      address: '/ws/live',
      security: 'apiToken',
      description:
        'The dispatcher’s live feed. Authenticate with an API token as `Authorization: Bearer` or `?token=`; send `subscribe`, then receive `driver.update` frames.',
      specs: LIVE_MESSAGES,
    },
  ] as const;
  for (const channel of channelSpecs) {
    const channelMessages: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(channel.specs)) {
      messages[name] = {
        name,
        title: spec.title,
        summary: spec.summary,
        contentType: 'application/json',
        payload: payloadOf(spec.schema, spec.action === 'receive' ? 'input' : 'output'),
      };
      channelMessages[name] = { $ref: `#/components/messages/${name}` };
      operations[`${channel.id}_${name}`] = {
        action: spec.action,
        channel: { $ref: `#/channels/${channel.id}` },
        summary: spec.summary,
        messages: [{ $ref: `#/channels/${channel.id}/messages/${name}` }],
        security: [{ $ref: `#/components/securitySchemes/${channel.security}` }],
      };
    }
    channels[channel.id] = { address: channel.address, description: channel.description, messages: channelMessages };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Milkrun live tracking',
      version: '1',
      description: 'WebSocket protocols on the API’s host and port. The REST API is described in `/openapi.json`.',
    },
    defaultContentType: 'application/json',
    servers: { api: { host: 'localhost:3000', protocol: 'ws', description: 'The API server (use `wss` behind TLS).' } },
    channels,
    operations,
    components: {
      messages,
      securitySchemes: {
        driverToken: { type: 'httpApiKey', name: 'token', in: 'query', description: 'A driver token (`mkd_...`); or `Authorization: Bearer`.' },
        apiToken: { type: 'httpApiKey', name: 'token', in: 'query', description: 'An API token (`mk_live_...`); or `Authorization: Bearer`.' },
      },
    },
  };
}
