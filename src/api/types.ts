import type { Config } from '../config.js';
import type { Geocoder } from '../geocode/geocoder.js';
import type { Db } from '../store/db.js';
import type { TokenScope } from '../store/tokens.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import type { SolverPort } from '../planning/solver-port.js';
import type { JobRunner } from '../planning/jobs.js';
import type { ServiceAreaLocator } from '../store/service-area-locator.js';

/** Who is calling: set by the auth plugin on every `/api/v1` request. */
export interface Auth {
  organizationId: string;
  tokenId: string;
  scope: TokenScope;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    config: Config;
    serviceAreas: ServiceAreaLocator;
    solver: SolverPort;
    geocoder: Geocoder | null;
    jobs: JobRunner;
    tracking: TrackingService;
  }
  interface FastifyRequest {
    auth: Auth;
  }
}
