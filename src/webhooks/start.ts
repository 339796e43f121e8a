import type { Db } from '../store/db.js';
import { loadWebhookConfig } from './config.js';
import { createWebhookDispatcher, type DispatcherLog, type WebhookDispatcher } from './dispatcher.js';

/** What `server.ts` calls: reads MILKRUN_WEBHOOKS_* and starts delivering from the outbox in this process. */
export function startWebhookDispatcher(db: Db, log?: DispatcherLog): WebhookDispatcher {
  const dispatcher = createWebhookDispatcher({ db, config: loadWebhookConfig(), ...(log !== undefined && { log }) });
  dispatcher.start();
  return dispatcher;
}
