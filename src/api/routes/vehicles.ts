import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DomainError } from '../../errors.js';
import { Deleted, errorResponses, IdParams, listOf, ListQuery } from '../schemas/common.js';
import { Vehicle, VehicleInput, VehiclePatch } from '../schemas/vehicles.js';
import { deleteVehicle, getVehicle, listVehicles, updateVehicle, upsertVehicle } from '../../store/vehicles.js';

const tags = ['vehicles'];

export default async function vehicleRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/vehicles', { schema: { tags, querystring: ListQuery, response: { 200: listOf(Vehicle), ...errorResponses } } }, async (req) =>
    listVehicles(app.db, req.auth.organizationId, req.query),
  );

  app.post(
    '/vehicles',
    { schema: { tags, body: VehicleInput, response: { 200: Vehicle, 201: Vehicle, ...errorResponses } } },
    async (req, reply) => {
      const { vehicle, created } = upsertVehicle(app.db, req.auth.organizationId, req.body);
      return reply.status(created ? 201 : 200).send(vehicle);
    },
  );

  app.get('/vehicles/:id', { schema: { tags, params: IdParams, response: { 200: Vehicle, ...errorResponses } } }, async (req) => {
    const vehicle = getVehicle(app.db, req.auth.organizationId, req.params.id);
    if (!vehicle) throw new DomainError('not_found', `Vehicle ${req.params.id} not found`);
    return vehicle;
  });

  app.patch(
    '/vehicles/:id',
    { schema: { tags, params: IdParams, body: VehiclePatch, response: { 200: Vehicle, ...errorResponses } } },
    async (req) => {
      const vehicle = updateVehicle(app.db, req.auth.organizationId, req.params.id, req.body);
      if (!vehicle) throw new DomainError('not_found', `Vehicle ${req.params.id} not found`);
      return vehicle;
    },
  );

  app.delete('/vehicles/:id', { schema: { tags, params: IdParams, response: { 200: Deleted, ...errorResponses } } }, async (req) => {
    if (!deleteVehicle(app.db, req.auth.organizationId, req.params.id)) {
      throw new DomainError('not_found', `Vehicle ${req.params.id} not found`);
    }
    return { id: req.params.id, deleted: true as const };
  });
}
