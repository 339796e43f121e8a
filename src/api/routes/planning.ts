import type { FastifyInstance } from 'fastify';

export default async function planningRoutes(_app: FastifyInstance): Promise<void> {}
