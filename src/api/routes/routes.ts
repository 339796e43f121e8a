import type { FastifyInstance } from 'fastify';

export default async function routesRoutes(_app: FastifyInstance): Promise<void> {}
