import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DomainError } from '../../errors.js';
import { ArchivableListQuery, DeletedOrArchived, errorResponses, IdParams, listOf } from '../schemas/common.js';
import { Driver, DriverInput, DriverPatch } from '../schemas/drivers.js';
import { deleteOrArchiveDriver, getDriver, listDrivers, unarchiveDriver, updateDriver, upsertDriver } from '../../store/drivers.js';

const tags = ['drivers'];

export default async function driverRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/drivers', { schema: { tags, querystring: ArchivableListQuery, response: { 200: listOf(Driver), ...errorResponses } } }, async (req) =>
    listDrivers(app.db, req.auth.organizationId, req.query),
  );

  app.post(
    '/drivers',
    { schema: { tags, body: DriverInput, response: { 200: Driver, 201: Driver, ...errorResponses } } },
    async (req, reply) => {
      const { driver, created } = upsertDriver(app.db, req.auth.organizationId, req.body);
      if (driver.status === 'inactive') app.tracking.driverDeactivated(driver.id);
      return reply.status(created ? 201 : 200).send(driver);
    },
  );

  app.get('/drivers/:id', { schema: { tags, params: IdParams, response: { 200: Driver, ...errorResponses } } }, async (req) => {
    const driver = getDriver(app.db, req.auth.organizationId, req.params.id);
    if (!driver) throw new DomainError('not_found', `Driver ${req.params.id} not found`);
    return driver;
  });

  app.patch(
    '/drivers/:id',
    { schema: { tags, params: IdParams, body: DriverPatch, response: { 200: Driver, ...errorResponses } } },
    async (req) => {
      const driver = updateDriver(app.db, req.auth.organizationId, req.params.id, req.body);
      if (!driver) throw new DomainError('not_found', `Driver ${req.params.id} not found`);
      // An inactive driver may not stay connected: its /ws/driver socket is closed (1008) now.
      if (driver.status === 'inactive') app.tracking.driverDeactivated(driver.id);
      return driver;
    },
  );

  // Kept (archived) when routes or stops point at it: those records must still name it.
  app.delete('/drivers/:id', { schema: { tags, params: IdParams, response: { 200: DeletedOrArchived, ...errorResponses } } }, async (req) => {
    const done = deleteOrArchiveDriver(app.db, req.auth.organizationId, req.params.id);
    if (!done) throw new DomainError('not_found', `Driver ${req.params.id} not found`);
    // Deleted or archived (and so inactive): its open /ws/driver socket is closed (1008) now.
    app.tracking.driverDeactivated(req.params.id);
    return done.deleted
      ? { id: req.params.id, deleted: true as const }
      : { id: req.params.id, deleted: false as const, archived: true as const, archived_at: done.archived_at };
  });

  app.post('/drivers/:id/unarchive', { schema: { tags, params: IdParams, response: { 200: Driver, ...errorResponses } } }, async (req) => {
    const driver = unarchiveDriver(app.db, req.auth.organizationId, req.params.id);
    if (!driver) throw new DomainError('not_found', `Driver ${req.params.id} not found`);
    return driver;
  });
}
