/**
 * After the demo seed, plan the demo day so a new user's first look at the dashboard shows routes. It goes through
 * the public API (the same auto-optimize a planner clicks), so the demo exercises what users get.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { seedServiceAreas } from '../store/seed-service-areas.js';

export interface DayOptimization {
  /** Service day, YYYY-MM-DD; null when the organization has no stops. */
  date: string | null;
  routes: number;
  unassigned: number;
  distanceM: number;
}

const MeAnswer = z.object({ organization: z.object({ id: z.string() }) });
const AreaPage = z.object({ data: z.array(z.unknown()) });
const StopPage = z.object({ data: z.array(z.object({ date: z.string().nullish() })) });
const AutoOptimizeAnswer = z.object({
  routes: z.array(z.unknown()),
  unassigned: z.array(z.unknown()),
  summary: z.object({ distance_m: z.number() }).partial().optional(),
});

async function call(app: FastifyInstance, token: string, method: 'GET' | 'POST', url: string, body?: unknown) {
  const res = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
  if (res.statusCode >= 400) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return res.json() as unknown;
}

/**
 * The demo city's service areas (data/areas/), unless the organization already has some: the dashboard draws them,
 * and they are idempotent by external id, so a seed that adds them itself is not disturbed.
 */
export async function ensureDemoAreas(app: FastifyInstance, token: string): Promise<number> {
  const existing = AreaPage.parse(await call(app, token, 'GET', '/api/v1/service-areas?limit=1'));
  if (existing.data.length > 0) return 0;
  const me = MeAnswer.parse(await call(app, token, 'GET', '/api/v1/me'));
  return seedServiceAreas(app.db, me.organization.id).length;
}

/** The day of the organization's stops (the demo seeds one day). */
export async function demoDate(app: FastifyInstance, token: string): Promise<string | null> {
  const page = StopPage.parse(await call(app, token, 'GET', '/api/v1/stops?limit=1'));
  return page.data[0]?.date ?? null;
}

export async function optimizeDemoDay(
  app: FastifyInstance,
  token: string,
  options: { timeLimitS: number } = { timeLimitS: 2 },
): Promise<DayOptimization> {
  const date = await demoDate(app, token);
  if (!date) return { date: null, routes: 0, unassigned: 0, distanceM: 0 };
  const answer = AutoOptimizeAnswer.parse(
    await call(app, token, 'POST', '/api/v1/routes/auto-optimize', {
      date,
      options: { time_limit_s: options.timeLimitS },
    }),
  );
  return {
    date,
    routes: answer.routes.length,
    unassigned: answer.unassigned.length,
    distanceM: answer.summary?.distance_m ?? 0,
  };
}

/** The lines `npm start` prints for a new user: where to look and what to paste. */
export function dashboardBanner(address: string, token: string, day: DayOptimization): string {
  const query = day.date ? `?date=${day.date}` : '';
  const plan = day.date
    ? `Demo day ${day.date}: ${day.routes} routes, ${(day.distanceM / 1000).toFixed(1)} km` +
      (day.unassigned ? `, ${day.unassigned} stops not served` : ', every stop served')
    : 'No demo stops to plan';
  return [plan, `Dashboard: ${address}/dashboard${query}`, `Token (paste it on the page): ${token}`].join('\n');
}

/**
 * What `npm start` calls after seeding a new database: plans the demo day and returns the banner to print once the
 * server listens. Never throws: a failed plan must not stop the server, so it is reported in the banner instead.
 */
export async function prepareDemoDay(app: FastifyInstance, token: string): Promise<(address: string) => string> {
  try {
    await ensureDemoAreas(app, token);
    const day = await optimizeDemoDay(app, token);
    return (address) => dashboardBanner(address, token, day);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return (address) =>
      [`Could not plan the demo day (${reason}); use Auto-optimize on the page.`, `Dashboard: ${address}/dashboard`,
        `Token (paste it on the page): ${token}`].join('\n');
  }
}
