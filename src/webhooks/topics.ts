import { z } from 'zod';

/** Every topic an endpoint can subscribe to. `test` is only ever sent to the endpoint it was requested for. */
export const WEBHOOK_TOPICS = [
  'stop.created',
  'stop.updated',
  'stop.assigned',
  'stop.status_changed',
  'stop.completed',
  'stop.failed',
  'stop.eta_late',
  'stop.archived',
  'stop.unarchived',
  'route.created',
  'route.optimized',
  'route.assigned',
  'route.reordered',
  'route.started',
  'route.completed',
  'route.deleted',
  'driver.created',
  'driver.updated',
  'driver.online',
  'driver.offline',
  'driver.archived',
  'driver.unarchived',
  'vehicle.created',
  'vehicle.updated',
  'vehicle.deleted',
  'vehicle.archived',
  'vehicle.unarchived',
  'test',
] as const;

export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

export const webhookTopicSchema = z.enum(WEBHOOK_TOPICS);

/** The event type of `POST /webhooks/:id/test`; its resource id names the one endpoint that receives it. */
export const TEST_TOPIC: WebhookTopic = 'test';
