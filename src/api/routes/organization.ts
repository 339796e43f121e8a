import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorResponses } from '../schemas/common.js';
import { OrganizationOut, OrganizationPatch } from '../schemas/organization.js';
import { getOrganization, organizationSettings, updateOrganizationSettings } from '../../store/organizations.js';
import type { Db } from '../../store/db.js';

const tags = ['organization'];

function organizationOf(db: Db, orgId: string) {
  const org = getOrganization(db, orgId)!;
  return { ...org, ...organizationSettings(db, orgId) };
}

export default async function organizationRoutes(root: FastifyInstance): Promise<void> {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/organization',
    {
      schema: {
        tags,
        summary: "The caller's organization and its settings",
        description: 'Its IANA time zone (service days, shifts and the dashboard are local to it), the default shift of vehicles without one, and whether auto-optimize needs a driver per vehicle.',
        response: { 200: OrganizationOut, ...errorResponses },
      },
    },
    async (req) => organizationOf(app.db, req.auth.organizationId),
  );

  app.patch(
    '/organization',
    {
      schema: {
        tags,
        summary: 'Change the organization’s name or settings',
        description: 'Fields left out keep their value; `default_shift: null` removes the default. A new time zone applies to dates and shifts read from now on; stored instants do not move.',
        body: OrganizationPatch,
        response: { 200: OrganizationOut, ...errorResponses },
      },
    },
    async (req) => {
      const orgId = req.auth.organizationId;
      updateOrganizationSettings(app.db, orgId, req.body);
      return organizationOf(app.db, orgId);
    },
  );
}
