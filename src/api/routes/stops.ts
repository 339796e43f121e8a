import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { issueDetails, type FieldIssue } from '../errors.js';
import { DomainError } from '../../errors.js';
import { errorResponses, IdParams, listOf } from '../schemas/common.js';
import {
  StatusChange,
  Stop,
  StopHistoryEntry,
  StopInput,
  StopListQuery,
  StopPatch,
} from '../schemas/stops.js';
import { changeStopStatus } from '../../lifecycle/stop-status.js';
import { archiveStop, deleteStopWithoutPast, unarchiveStop } from '../../lifecycle/stop-archive.js';
import {
  getStop,
  listStops,
  listStopsJson,
  stopHistory,
  updateStop,
  upsertStop,
  upsertStopsAtomically,
  type ResolvedStopInput,
  type ResolvedStopPatch,
} from '../../store/stops.js';
import type { Auth } from '../types.js';
import { PageCache, pageEtag, RenderedPage } from '../page-cache.js';
import { negotiateEncoding } from '../body-encoding.js';
import { stopsVersionReader } from '../../store/change-counters.js';

const tags = ['stops'];
export const MAX_BULK_STOPS = 500;

export function actorOf(auth: Auth): string {
  return `token:${auth.tokenId}`;
}

/**
 * Coordinates (given, or from the geocoder when one is configured) and the service area of a stop about to be
 * written. Field names in errors carry `prefix` (e.g. `stops[3].`) for bulk requests.
 */
async function placeStop(
  app: FastifyInstance,
  orgId: string,
  input: { lat?: number; lng?: number; address?: string | null },
  prefix = '',
): Promise<{ lat: number; lng: number; service_area_id: string | null }> {
  let { lat, lng } = input;
  if ((lat === undefined) !== (lng === undefined)) {
    const field = lat === undefined ? 'lat' : 'lng';
    throw new DomainError('validation_error', 'lat and lng go together', [
      { field: `${prefix}${field}`, message: 'required when the other coordinate is given', value: null },
    ]);
  }
  if (lat === undefined || lng === undefined) {
    if (!app.geocoder) {
      throw new DomainError('validation_error', 'Coordinates are required (no geocoder is configured)', [
        { field: `${prefix}lat`, message: 'required', value: null },
        { field: `${prefix}lng`, message: 'required', value: null },
      ]);
    }
    if (!input.address) {
      throw new DomainError('validation_error', 'Give coordinates or an address to geocode', [
        { field: `${prefix}address`, message: 'required without lat/lng', value: input.address ?? null },
      ]);
    }
    let found: { lat: number; lng: number } | null;
    try {
      found = await app.geocoder.geocode(input.address);
    } catch (err) {
      app.log.warn({ err }, 'geocoder failed');
      throw new DomainError('unavailable', 'The geocoder did not answer; send coordinates or retry later');
    }
    if (!found) {
      throw new DomainError('geocoding_failed', `Address not found: ${input.address}`, [
        { field: `${prefix}address`, message: 'not found by the geocoder', value: input.address },
      ]);
    }
    ({ lat, lng } = found);
  }
  // May throw outside_service_area (service areas module).
  const { areaId } = app.serviceAreas.locate(orgId, lat, lng);
  return { lat, lng, service_area_id: areaId };
}

const BulkBody = z.strictObject({ stops: z.array(z.unknown()) });
const BulkAnswer = z.object({ data: z.array(Stop), created: z.number(), updated: z.number() });

export default async function stopRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const pages = new PageCache(app.config.pageCacheEntries);
  const stopsVersion = stopsVersionReader(app.db);

  app.get('/stops', { schema: { tags, querystring: StopListQuery, response: { 200: listOf(Stop), ...errorResponses } } }, async (req, reply) => {
    if (app.config.validateResponses) return listStops(app.db, req.auth.organizationId, req.query);
    // Already JSON (built by SQLite): fastify sends buffers as they are.
    const orgId = req.auth.organizationId;
    const version = stopsVersion(orgId);
    const key = `${orgId}|${JSON.stringify(req.query)}`;
    let page = pages.get(key, version);
    if (page === undefined) {
      page = new RenderedPage(version, Buffer.from(listStopsJson(app.db, orgId, req.query)), pageEtag(key, version));
      pages.set(key, page);
    }
    const plain: FastifyReply = reply;
    // Same organization, query and stops version → same page: pollers can revalidate with If-None-Match.
    plain.header('etag', page.etag);
    plain.header('vary', 'Accept-Encoding');
    if (req.headers['if-none-match'] === page.etag) return plain.status(304).send();
    const encoding = negotiateEncoding(req.headers['accept-encoding']);
    // Compressed here, once per page, rather than by the compression plugin on every response.
    if (encoding) plain.header('content-encoding', encoding);
    return plain.type('application/json; charset=utf-8').send(page.bytes(encoding));
  });

  app.post('/stops', { schema: { tags, body: StopInput, response: { 200: Stop, 201: Stop, ...errorResponses } } }, async (req, reply) => {
    const orgId = req.auth.organizationId;
    const place = await placeStop(app, orgId, req.body);
    const { stop, created } = upsertStop(app.db, orgId, { ...req.body, ...place }, actorOf(req.auth));
    return reply.status(created ? 201 : 200).send(stop);
  });

  app.post(
    '/stops/bulk',
    {
      schema: {
        tags,
        description: `Up to ${MAX_BULK_STOPS} stops, all or nothing: one bad stop rejects the batch, details list each failing index and field.`,
        body: BulkBody,
        response: { 201: BulkAnswer, ...errorResponses },
      },
    },
    async (req, reply) => {
      const orgId = req.auth.organizationId;
      const raw = req.body.stops;
      if (raw.length > MAX_BULK_STOPS) {
        throw new DomainError('payload_too_large', `At most ${MAX_BULK_STOPS} stops per bulk request, got ${raw.length}`, {
          max: MAX_BULK_STOPS,
          received: raw.length,
        });
      }
      const issues: (FieldIssue & { index: number })[] = [];
      const resolved: ResolvedStopInput[] = [];
      let unknownFields = false;
      for (let i = 0; i < raw.length; i++) {
        const parsed = StopInput.safeParse(raw[i]);
        if (!parsed.success) {
          const found = issueDetails(
            parsed.error.issues.map((issue) => ({
              code: issue.code,
              path: issue.path.filter((k): k is string | number => typeof k !== 'symbol'),
              message: issue.message,
              keys: issue.code === 'unrecognized_keys' ? issue.keys : undefined,
            })),
            raw[i],
            `stops[${i}].`,
          );
          if (found.code === 'unknown_field') unknownFields = true;
          for (const d of found.details) issues.push({ ...d, index: i });
          continue;
        }
        try {
          resolved.push({ ...parsed.data, ...(await placeStop(app, orgId, parsed.data, `stops[${i}].`)) });
        } catch (err) {
          // A geocoder outage is not this stop's fault: the whole request fails as unavailable.
          if (!(err instanceof DomainError) || err.code === 'unavailable') throw err;
          const details = Array.isArray(err.details) ? (err.details as FieldIssue[]) : [{ field: `stops[${i}]`, message: err.message }];
          for (const d of details) issues.push({ ...d, index: i, message: `${err.code}: ${d.message}` });
        }
      }
      if (issues.length > 0) {
        // Only stops outside every service area: the same 409 as a single create, still naming each index.
        const code = unknownFields
          ? 'unknown_field'
          : issues.every((x) => x.message.startsWith('outside_service_area:'))
            ? 'outside_service_area'
            : 'validation_error';
        throw new DomainError(code, `${new Set(issues.map((x) => x.index)).size} of ${raw.length} stops are invalid; nothing was written`, issues);
      }
      const results = upsertStopsAtomically(app.db, orgId, resolved, actorOf(req.auth));
      const created = results.filter((r) => r.created).length;
      return reply.status(201).send({ data: results.map((r) => r.stop), created, updated: results.length - created });
    },
  );

  app.get('/stops/:id', { schema: { tags, params: IdParams, response: { 200: Stop, ...errorResponses } } }, async (req) => {
    const stop = getStop(app.db, req.auth.organizationId, req.params.id);
    if (!stop) throw new DomainError('not_found', `Stop ${req.params.id} not found`);
    return stop;
  });

  app.patch('/stops/:id', { schema: { tags, params: IdParams, body: StopPatch, response: { 200: Stop, ...errorResponses } } }, async (req) => {
    const orgId = req.auth.organizationId;
    const cur = getStop(app.db, orgId, req.params.id);
    if (!cur) throw new DomainError('not_found', `Stop ${req.params.id} not found`);
    const patch: ResolvedStopPatch = { ...req.body };
    if (req.body.lat !== undefined || req.body.lng !== undefined) {
      Object.assign(patch, await placeStop(app, orgId, { lat: req.body.lat ?? cur.lat, lng: req.body.lng ?? cur.lng }));
    }
    return updateStop(app.db, orgId, req.params.id, patch)!;
  });

  app.delete(
    '/stops/:id',
    { schema: { tags, params: IdParams, response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }), ...errorResponses } } },
    async (req) => {
      deleteStopWithoutPast(app.db, req.auth.organizationId, req.params.id);
      return { id: req.params.id, deleted: true as const };
    },
  );

  app.post('/stops/:id/archive', { schema: { tags, params: IdParams, response: { 200: Stop, ...errorResponses } } }, async (req) =>
    archiveStop(app.db, req.auth.organizationId, req.params.id),
  );

  app.post('/stops/:id/unarchive', { schema: { tags, params: IdParams, response: { 200: Stop, ...errorResponses } } }, async (req) =>
    unarchiveStop(app.db, req.auth.organizationId, req.params.id),
  );

  app.post(
    '/stops/:id/status',
    {
      schema: {
        tags,
        description: 'pending → assigned → en_route → arrived → completed | failed, and cancelled; 409 on any other change.',
        params: IdParams,
        body: StatusChange,
        response: { 200: Stop, ...errorResponses },
      },
    },
    async (req) => {
      const { status, ...details } = req.body;
      return changeStopStatus(app.db, req.auth.organizationId, req.params.id, status, details, actorOf(req.auth));
    },
  );

  app.get(
    '/stops/:id/history',
    { schema: { tags, params: IdParams, response: { 200: z.object({ data: z.array(StopHistoryEntry) }), ...errorResponses } } },
    async (req) => {
      const orgId = req.auth.organizationId;
      if (!getStop(app.db, orgId, req.params.id)) throw new DomainError('not_found', `Stop ${req.params.id} not found`);
      return { data: stopHistory(app.db, orgId, req.params.id) };
    },
  );
}
