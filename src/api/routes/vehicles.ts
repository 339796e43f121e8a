import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DomainError } from '../../errors.js';
import { ArchivableListQuery, DeletedOrArchived, errorResponses, IdParams, listOf } from '../schemas/common.js';
import { Vehicle, VehicleInput, VehiclePatch } from '../schemas/vehicles.js';
import { deleteOrArchiveVehicle, getVehicle, listVehicles, unarchiveVehicle, updateVehicle, upsertVehicle } from '../../store/vehicles.js';

const tags = ['vehicles'];

export default async function vehicleRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/vehicles', { schema: { tags, querystring: ArchivableListQuery, response: { 200: listOf(Vehicle), ...errorResponses } } }, async (req) =>
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

  // Kept (archived) when routes point at it: those records must still name it.
  app.delete('/vehicles/:id', { schema: { tags, params: IdParams, response: { 200: DeletedOrArchived, ...errorResponses } } }, async (req) => {
    const done = deleteOrArchiveVehicle(app.db, req.auth.organizationId, req.params.id);
    if (!done) throw new DomainError('not_found', `Vehicle ${req.params.id} not found`);
    return done.deleted
      ? { id: req.params.id, deleted: true as const }
      : { id: req.params.id, deleted: false as const, archived: true as const, archived_at: done.archived_at };
  });

  app.post('/vehicles/:id/unarchive', { schema: { tags, params: IdParams, response: { 200: Vehicle, ...errorResponses } } }, async (req) => {
    const vehicle = unarchiveVehicle(app.db, req.auth.organizationId, req.params.id);
    if (!vehicle) throw new DomainError('not_found', `Vehicle ${req.params.id} not found`);
    return vehicle;
  });
}
