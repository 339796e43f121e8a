import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError } from '../../errors.js';
import { errorResponses, IdParams, listOf, ListQuery } from '../schemas/common.js';
import {
  AllowedAreas,
  AllowedAreasInput,
  LookupQuery,
  LookupResult,
  ServiceArea,
  ServiceAreaInput,
  ServiceAreaPatch,
} from '../schemas/service-areas.js';
import { allowedAreas, setAllowedAreas, type LimitedResource } from '../../store/service-area-limits.js';
import { serviceAreasFor } from '../../store/service-areas.js';

const tags = ['service-areas'];

const AreaDeleted = z.object({
  id: z.string(),
  deleted: z.literal(true),
  /** Stops that were filed under the deleted area and now lie in another area or in none. */
  stops_refiled: z.number().int(),
});

export default async function serviceAreaRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const areas = serviceAreasFor(app.db);

  app.get(
    '/service-areas',
    { schema: { tags, querystring: ListQuery, response: { 200: listOf(ServiceArea), ...errorResponses } } },
    async (req) => areas.list(req.auth.organizationId, req.query),
  );

  app.post(
    '/service-areas',
    {
      schema: {
        tags,
        description: 'Create a service area from a GeoJSON Feature or FeatureCollection of Polygons / MultiPolygons; an existing `external_id` updates that area.',
        body: ServiceAreaInput,
        response: { 200: ServiceArea, 201: ServiceArea, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { area, created } = areas.upsert(req.auth.organizationId, req.body);
      return reply.status(created ? 201 : 200).send(area);
    },
  );

  app.get(
    '/service-areas/lookup',
    {
      schema: {
        tags,
        description: 'The areas containing a point, most specific (smallest) first; an empty list outside all of them.',
        querystring: LookupQuery,
        response: { 200: LookupResult, ...errorResponses },
      },
    },
    async (req) => ({ data: areas.lookup(req.auth.organizationId, req.query.lat, req.query.lng) }),
  );

  app.get(
    '/service-areas/:id',
    { schema: { tags, params: IdParams, response: { 200: ServiceArea, ...errorResponses } } },
    async (req) => {
      const area = areas.get(req.auth.organizationId, req.params.id);
      if (!area) throw new DomainError('not_found', `Service area ${req.params.id} not found`);
      return area;
    },
  );

  app.patch(
    '/service-areas/:id',
    { schema: { tags, params: IdParams, body: ServiceAreaPatch, response: { 200: ServiceArea, ...errorResponses } } },
    async (req) => {
      const area = areas.update(req.auth.organizationId, req.params.id, req.body);
      if (!area) throw new DomainError('not_found', `Service area ${req.params.id} not found`);
      return area;
    },
  );

  app.delete(
    '/service-areas/:id',
    { schema: { tags, params: IdParams, response: { 200: AreaDeleted, ...errorResponses } } },
    async (req) => {
      const { deleted, stopsRefiled } = areas.delete(req.auth.organizationId, req.params.id);
      if (!deleted) throw new DomainError('not_found', `Service area ${req.params.id} not found`);
      return { id: req.params.id, deleted: true as const, stops_refiled: stopsRefiled };
    },
  );

  // Which areas a vehicle or driver may serve; an empty list means every area.
  for (const [kind, plural] of [['vehicle', 'vehicles'], ['driver', 'drivers']] as const satisfies readonly [LimitedResource, string][]) {
    app.get(
      `/${plural}/:id/service-areas`,
      { schema: { tags, params: IdParams, response: { 200: AllowedAreas, ...errorResponses } } },
      async (req) => {
        const ids = allowedAreas(app.db, req.auth.organizationId, kind, req.params.id);
        if (!ids) throw new DomainError('not_found', `${kind === 'vehicle' ? 'Vehicle' : 'Driver'} ${req.params.id} not found`);
        return { id: req.params.id, service_area_ids: ids };
      },
    );
    app.put(
      `/${plural}/:id/service-areas`,
      {
        schema: {
          tags,
          description: `Limit a ${kind} to these service areas (an empty list lifts the limit). Stops of other areas are then refused on its routes (409 wrong_zone) and never planned for it.`,
          params: IdParams,
          body: AllowedAreasInput,
          response: { 200: AllowedAreas, ...errorResponses },
        },
      },
      async (req) => {
        const ids = setAllowedAreas(app.db, req.auth.organizationId, kind, req.params.id, req.body.service_area_ids);
        if (!ids) throw new DomainError('not_found', `${kind === 'vehicle' ? 'Vehicle' : 'Driver'} ${req.params.id} not found`);
        return { id: req.params.id, service_area_ids: ids };
      },
    );
  }
}
