import { existsSync } from 'node:fs';
import { buildApp } from './api/app.js';
import { loadConfig } from './config.js';
import { openDb } from './store/db.js';
import { seedDemo } from './demo/seed.js';
import { prepareDemoDay } from './demo/optimize-day.js';
import { attachTracking } from './tracking/attach.js';
import { trackingConfigFromEnv } from './tracking/config.js';
import { startWebhookDispatcher } from './webhooks/start.js';

/** Starts Milkrun: open (or create) the database, seed the demo on a new one, build the app, listen. */
async function main(): Promise<void> {
  const config = loadConfig();
  const isNew = !existsSync(config.dbFile);
  const db = openDb(config.dbFile);
  const app = await buildApp({ db, config });

  // Live tracking (WebSocket hub) and the webhook dispatcher attach here.
  const closeTracking = attachTracking(app.server, { db, tracking: app.tracking, config: trackingConfigFromEnv() });
  const webhooks = startWebhookDispatcher(db, app.log);

  let demoBanner: ((address: string) => string) | null = null;
  if (isNew && config.seedDemo) {
    const demo = seedDemo(db);
    console.log(`Seeded demo organization "${demo.organizationName}" (${demo.stops} stops, ${demo.vehicles} vehicles).`);
    console.log(`Admin token (shown once): ${demo.token}`);
    demoBanner = await prepareDemoDay(app, demo.token);
  }

  const close = async (): Promise<void> => {
    await closeTracking();
    await webhooks.stop();
    await app.close();
    db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void close());
  process.once('SIGTERM', () => void close());

  const address = await app.listen({ port: config.port, host: config.host });
  console.log(`Milkrun listening on ${address} (API ${address}/api/v1, docs ${address}/docs, database ${config.dbFile})`);
  if (demoBanner) console.log(demoBanner(address));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
