import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DomainError } from '../../errors.js';
import { Deleted, errorResponses, IdParams, listOf, ListQuery } from '../schemas/common.js';
import { Depot, DepotInput, DepotPatch } from '../schemas/depots.js';
import { deleteDepot, getDepot, listDepots, updateDepot, upsertDepot } from '../../store/depots.js';

const tags = ['depots'];

export default async function depotRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/depots', { schema: { tags, querystring: ListQuery, response: { 200: listOf(Depot), ...errorResponses } } }, async (req) =>
    listDepots(app.db, req.auth.organizationId, req.query),
  );

  app.post(
    '/depots',
    { schema: { tags, body: DepotInput, response: { 200: Depot, 201: Depot, ...errorResponses } } },
    async (req, reply) => {
      const { depot, created } = upsertDepot(app.db, req.auth.organizationId, req.body);
      return reply.status(created ? 201 : 200).send(depot);
    },
  );

  app.get('/depots/:id', { schema: { tags, params: IdParams, response: { 200: Depot, ...errorResponses } } }, async (req) => {
    const depot = getDepot(app.db, req.auth.organizationId, req.params.id);
    if (!depot) throw new DomainError('not_found', `Depot ${req.params.id} not found`);
    return depot;
  });

  app.patch(
    '/depots/:id',
    { schema: { tags, params: IdParams, body: DepotPatch, response: { 200: Depot, ...errorResponses } } },
    async (req) => {
      const depot = updateDepot(app.db, req.auth.organizationId, req.params.id, req.body);
      if (!depot) throw new DomainError('not_found', `Depot ${req.params.id} not found`);
      return depot;
    },
  );

  app.delete('/depots/:id', { schema: { tags, params: IdParams, response: { 200: Deleted, ...errorResponses } } }, async (req) => {
    if (!deleteDepot(app.db, req.auth.organizationId, req.params.id)) {
      throw new DomainError('not_found', `Depot ${req.params.id} not found`);
    }
    return { id: req.params.id, deleted: true as const };
  });
}
