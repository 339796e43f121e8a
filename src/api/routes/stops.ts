import type { FastifyInstance } from 'fastify';

export default async function stopsRoutes(_app: FastifyInstance): Promise<void> {}
