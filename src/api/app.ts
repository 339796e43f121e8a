import Fastify, { type FastifyInstance } from 'fastify';
import compress from '@fastify/compress';
import rateLimit from '@fastify/rate-limit';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import type { Geocoder } from '../geocode/geocoder.js';
import { nominatimGeocoder } from '../geocode/nominatim.js';
import type { Db } from '../store/db.js';
import { randomBase32 } from '../store/ids.js';
import { failInterruptedJobs } from '../store/jobs.js';
import { clientErrorHandler, errorHandler, frameworkErrorHandler, notFoundHandler } from './errors.js';
import { DomainError } from '../errors.js';
import { addAuth } from './plugins/auth.js';
import { loggerOptions } from './log-redaction.js';
import { addIdempotency } from './plugins/idempotency.js';
import { addJsonBodyParser, addStrictRequests } from './plugins/contracts.js';
import { addApiDocs } from './plugins/docs.js';
import { createJobRunner } from '../planning/jobs.js';
import { workerPoolSolver, type SolverPort } from '../planning/solver-port.js';
import { SolveQueue } from '../planning/solve-queue.js';
import { SolvePool } from '../workers/solve-pool.js';
import type { ServiceAreaLocator } from '../store/service-area-locator.js';
import { serviceAreasFor } from '../store/service-areas.js';
import './types.js';
import { TrackingService } from '../tracking/tracking-service.js';
import meRoutes from './routes/me.js';
import organizationRoutes from './routes/organization.js';
import tokenRoutes from './routes/tokens.js';
import depotRoutes from './routes/depots.js';
import vehicleRoutes from './routes/vehicles.js';
import driverRoutes from './routes/drivers.js';
import stopRoutes from './routes/stops.js';
import routeRoutes from './routes/routes.js';
import planningRoutes from './routes/planning.js';
import jobRoutes from './routes/jobs.js';
import trackingRoutes from './routes/tracking.js';
import webhookRoutes from './routes/webhooks.js';
import serviceAreaRoutes from './routes/service-areas.js';
import vroomRoutes from './routes/vroom.js';
import dashboardRoutes, { dashboardOptionsFromEnv } from './routes/dashboard.js';

export interface AppDeps {
  db: Db;
  config: Config;
  /** Default: the organization's service areas from the database (`serviceAreasFor(db)`). */
  serviceAreas?: ServiceAreaLocator;
  /**
   * Default: a pool of `config.solveWorkers` worker threads, closed with the app. Tests may pass a stub, or
   * `workerPoolSolver(new SolvePool({ size }))`. Either way every solve goes through the fair queue.
   */
  solver?: SolverPort;
  /** Default: a new one on `db`. Pass the same one to `attachTracking` (server.ts passes `app.tracking`). */
  tracking?: TrackingService;
  /** Default: from config.geocoderUrl, else none (coordinates required). */
  geocoder?: Geocoder | null;
  /** Where log lines go (default: stdout); tests capture them. */
  logStream?: NodeJS.WritableStream;
}

/** Serializes without checking the schema: responses are built from typed records, and speed matters on lists. */
const plainJsonSerializer = () => (data: unknown) => JSON.stringify(data);

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Builds the whole HTTP app: `/api/v1` (auth, per-token rate limit, idempotency, one plugin per resource),
 * `/openapi.json`, `/docs`, `/health`. Listening is the caller's job (`server.ts`, or `inject` in tests).
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { db, config } = deps;
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : loggerOptions(config.logLevel, deps.logStream),
    bodyLimit: config.bodyLimitBytes,
    // Accept a caller's id when it looks like one, so logs can be joined across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : `req_${randomBase32(16)}`;
    },
    ajv: { customOptions: { coerceTypes: false } },
    // fastify's own refusals (bad percent-encoding, over-long parameters, oversized headers) in the envelope too.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    connectionTimeout: config.timeouts.idleMs,
    keepAliveTimeout: config.timeouts.keepAliveMs,
    requestTimeout: config.timeouts.requestMs,
    http: {
      headersTimeout: config.timeouts.headersMs,
      requestTimeout: config.timeouts.requestMs,
      // Node checks the headers and request timeouts only this often (30 s by default, which would let a silent
      // connection stay four times the headers timeout); the check walks only connections still being read.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.timeouts.headersMs / 4))),
    },
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(config.validateResponses ? serializerCompiler : plainJsonSerializer);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  addJsonBodyParser(app);
  // Callback-style hooks on the per-request path: an async hook costs a promise and a microtask on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  app.decorate('db', db);
  app.decorate('config', config);
  app.decorate('serviceAreas', deps.serviceAreas ?? serviceAreasFor(db));
  const ownPool = deps.solver ? undefined : new SolvePool({ size: config.solveWorkers });
  const solveQueue = new SolveQueue(deps.solver ?? workerPoolSolver(ownPool), {
    solvesPerOrg: config.solvesPerOrg,
    maxSolveTimeS: config.maxSolveTimeS,
  });
  app.decorate('solver', solveQueue);
  app.decorate(
    'geocoder',
    deps.geocoder !== undefined ? deps.geocoder : config.geocoderUrl ? nominatimGeocoder(config.geocoderUrl) : null,
  );
  app.decorate('jobs', createJobRunner(db, solveQueue));
  app.decorate('tracking', deps.tracking ?? new TrackingService(db));
  app.addHook('onClose', async () => {
    app.jobs.abortAll();
    solveQueue.close();
    await ownPool?.close();
  });
  failInterruptedJobs(db);

  // Large answers (route lists, geometry, the OpenAPI document) go compressed to clients that accept it.
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await addApiDocs(app);
  app.get('/health', { schema: { hide: true } }, async () => ({ ok: true }));
  // The dispatcher page, outside /api/v1: public assets; its data comes from the API with the planner's token.
  await app.register(dashboardRoutes, dashboardOptionsFromEnv());

  await app.register(
    async (api) => {
      addAuth(api);
      await api.register(rateLimit, {
        max: config.rateLimit.max,
        timeWindow: config.rateLimit.windowMs,
        keyGenerator: (request) => request.auth?.tokenId ?? request.ip,
        errorResponseBuilder: (_request, context) =>
          new DomainError('rate_limited', `Rate limit of ${context.max} requests exceeded; retry in ${context.after}`, {
            limit: context.max,
            retry_after_s: Math.ceil(context.ttl / 1000),
          }),
      });
      addStrictRequests(api);
      addIdempotency(api);
      // One line per resource plugin.
      await api.register(meRoutes);
      await api.register(organizationRoutes);
      await api.register(tokenRoutes);
      await api.register(depotRoutes);
      await api.register(vehicleRoutes);
      await api.register(driverRoutes);
      await api.register(stopRoutes);
      await api.register(routeRoutes);
      await api.register(planningRoutes);
      await api.register(jobRoutes);
      await api.register(trackingRoutes);
      await api.register(webhookRoutes);
      await api.register(serviceAreaRoutes);
      await api.register(vroomRoutes);
    },
    { prefix: '/api/v1' },
  );

  return app;
}
