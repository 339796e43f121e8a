import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { errorResponses, IdParams, IsoDateTime, listOf } from '../schemas/common.js';
import { driverExists } from '../../store/drivers.js';
import { createDriverToken, listDriverTokens, revokeDriverToken } from '../../store/driver-tokens.js';
import { trackOf } from '../../store/pings.js';
import { liveView } from '../schemas/asyncapi.js';

const tags = ['tracking'];

const DriverToken = z.object({ id: z.string(), driver_id: z.string(), token: z.string() });
/** A token as listed: never the secret (only its hash is stored). */
const DriverTokenInfo = z.object({
  id: z.string(),
  driver_id: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
const TokenParams = z.object({ id: z.string().min(1).max(64), tokenId: z.string().min(1).max(64) });


const TrackQuery = z.strictObject({
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  format: z.enum(['list', 'geojson']).default('list'),
  limit: z.coerce.number().int().min(1).max(10_000).default(5000),
});

const TrackPoint = z.object({
  seq: z.number(),
  lat: z.number(),
  lng: z.number(),
  ts: z.string(),
  speed_mps: z.number().nullable(),
  heading: z.number().nullable(),
  accuracy_m: z.number().nullable(),
  battery_pct: z.number().nullable(),
});
const TrackList = z.object({ data: z.array(TrackPoint), next_cursor: z.string().nullable() });
const TrackGeoJson = z.object({
  type: z.literal('Feature'),
  geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(z.tuple([z.number(), z.number()])) }),
  properties: z.object({ driver_id: z.string(), times: z.array(z.string()), truncated: z.boolean() }),
});

/** Far enough to include any device clock. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

export default async function trackingRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  const requireDriver = (orgId: string, driverId: string) => {
    if (!driverExists(app.db, orgId, driverId)) throw new DomainError('not_found', `Driver ${driverId} not found`);
  };

  app.post(
    '/drivers/:id/tokens',
    { schema: { tags, params: IdParams, response: { 201: DriverToken, ...errorResponses } } },
    async (req, reply) => {
      requireDriver(req.auth.organizationId, req.params.id);
      const { id, token } = createDriverToken(app.db, req.auth.organizationId, req.params.id);
      return reply.status(201).send({ id, driver_id: req.params.id, token });
    },
  );

  app.get(
    '/drivers/:id/tokens',
    { schema: { tags, params: IdParams, response: { 200: listOf(DriverTokenInfo), ...errorResponses } } },
    async (req) => {
      requireDriver(req.auth.organizationId, req.params.id);
      return { data: listDriverTokens(app.db, req.auth.organizationId, req.params.id), next_cursor: null };
    },
  );

  // Revoked: refused at the next connect, and a driver socket open with it is closed with 1008 (policy).
  app.delete(
    '/drivers/:id/tokens/:tokenId',
    { schema: { tags, params: TokenParams, response: { 200: DriverTokenInfo, ...errorResponses } } },
    async (req) => {
      const { id, tokenId } = req.params;
      requireDriver(req.auth.organizationId, id);
      const token = revokeDriverToken(app.db, req.auth.organizationId, id, tokenId);
      if (token === undefined) throw new DomainError('not_found', `Token ${tokenId} of driver ${id} not found`);
      app.tracking.tokenRevoked(tokenId);
      return token;
    },
  );

  app.get(
    '/drivers/:id/live',
    { schema: { tags, params: IdParams, response: { 200: liveView, ...errorResponses } } },
    async (req) => {
      const organizationId = req.auth.organizationId;
      requireDriver(organizationId, req.params.id);
      const live = app.tracking.live;
      return live.view(live.ensure({ driverId: req.params.id, organizationId }), Date.now());
    },
  );

  app.get(
    '/drivers/:id/track',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: TrackQuery,
        response: { 200: z.union([TrackList, TrackGeoJson]), ...errorResponses },
      },
    },
    async (req) => {
      requireDriver(req.auth.organizationId, req.params.id);
      const { from, to, format, limit } = req.query;
      const fromIso = from === undefined ? new Date(0).toISOString() : new Date(Date.parse(from)).toISOString();
      const toIso = to === undefined ? END_OF_TIME : new Date(Date.parse(to)).toISOString();
      if (fromIso > toIso) throw new DomainError('validation_error', '`from` must not be after `to`');
      const rows = trackOf(app.db, req.params.id, fromIso, toIso, limit + 1);
      const truncated = rows.length > limit;
      const points = truncated ? rows.slice(0, limit) : rows;
      if (format === 'geojson') {
        return {
          type: 'Feature' as const,
          geometry: { type: 'LineString' as const, coordinates: points.map((p) => [p.lng, p.lat] as [number, number]) },
          properties: { driver_id: req.params.id, times: points.map((p) => p.ts), truncated },
        };
      }
      // The next page starts at the first point not returned: pass it back as `from`.
      return { data: points, next_cursor: truncated ? rows[limit]!.ts : null };
    },
  );
}
