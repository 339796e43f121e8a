/**
 * Serves the dispatcher page (/dashboard), its browser modules (/dashboard/assets/*), Leaflet from node_modules
 * (/dashboard/vendor/leaflet/*: no CDN, the server may be offline) and the page's settings (/dashboard/config.json).
 * Registered at the root, outside /api/v1: the page itself is public; every piece of data it shows comes from the
 * API with the token the planner types in.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../errors.js';

export interface DashboardOptions {
  /** Leaflet tile URL template (`https://tile.example/{z}/{x}/{y}.png`); null draws on a plain background. */
  tileUrl: string | null;
  tileAttribution: string | null;
  /** Day the page opens on (YYYY-MM-DD); null: the browser's today. The demo sets the seeded day. */
  defaultDate: string | null;
}

const tileUrlSchema = z
  .string()
  .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
  .refine((url) => url.includes('{z}') && url.includes('{x}') && url.includes('{y}'), 'must contain {z}, {x} and {y}');

/** Reads MILKRUN_TILE_URL, MILKRUN_TILE_ATTRIBUTION and MILKRUN_DASHBOARD_DATE; a bad tile URL stops the start. */
export function dashboardOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DashboardOptions {
  const rawUrl = env.MILKRUN_TILE_URL || null;
  let tileUrl: string | null = null;
  if (rawUrl) {
    const parsed = tileUrlSchema.safeParse(rawUrl);
    if (!parsed.success) throw new Error(`MILKRUN_TILE_URL ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
    tileUrl = parsed.data;
  }
  const date = env.MILKRUN_DASHBOARD_DATE || null;
  if (date && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error('MILKRUN_DASHBOARD_DATE must be YYYY-MM-DD');
  return { tileUrl, tileAttribution: env.MILKRUN_TILE_ATTRIBUTION || null, defaultDate: date };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

interface Asset {
  body: Buffer;
  contentType: string;
}

/** The page's own files: next to this module when run from src/, under src/ when run from a build in dist/. */
function publicDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '../../dashboard/public'), join(here, '../../../src/dashboard/public')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error(`dashboard assets not found (looked in ${candidates.join(', ')})`);
  return found;
}

function leafletDistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('leaflet/package.json')), 'dist');
}

/**
 * Reads a fixed set of files once, at registration: only what is listed here can ever be served, so a request path
 * never reaches the file system (no traversal to guard against).
 */
function loadAssets(dir: string, names: readonly string[]): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of names) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType) continue;
    assets.set(name, { body: readFileSync(join(dir, name)), contentType });
  }
  return assets;
}

function pageSecurityPolicy(options: DashboardOptions): string {
  // Tiles are the only third-party requests the page makes, and only when a tile URL is configured.
  const images = options.tileUrl ? "'self' data: https: http:" : "'self' data:";
  return [
    "default-src 'self'",
    `img-src ${images}`,
    "connect-src 'self' ws: wss:",
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export default async function dashboardRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const pageDir = publicDir();
  const pageAssets = loadAssets(pageDir, readdirSync(pageDir));
  const leafletDir = leafletDistDir();
  const leafletAssets = loadAssets(leafletDir, ['leaflet.css', 'leaflet-src.esm.js']);
  const leafletImages = loadAssets(join(leafletDir, 'images'), readdirSync(join(leafletDir, 'images')));
  const index = pageAssets.get('index.html');
  if (!index) throw new Error('dashboard index.html missing');
  const csp = pageSecurityPolicy(options);
  const pageConfig = JSON.stringify({
    tile_url: options.tileUrl,
    tile_attribution: options.tileAttribution,
    default_date: options.defaultDate,
  });

  const send = (reply: FastifyReply, asset: Asset | undefined, what: string) => {
    if (!asset) throw new DomainError('not_found', `No dashboard file ${what}`);
    // no-cache: the browser revalidates, so an upgraded server never runs with stale page modules.
    return reply.header('content-type', asset.contentType).header('cache-control', 'no-cache').send(asset.body);
  };
  // Not part of the API: kept out of the OpenAPI document.
  const hidden = { schema: { hide: true } };
  const sendPage = (reply: FastifyReply) =>
    send(reply.header('content-security-policy', csp).header('x-content-type-options', 'nosniff'), index, 'index');

  app.get('/dashboard', hidden, async (_request, reply) => sendPage(reply));
  app.get('/dashboard/', hidden, async (_request, reply) => sendPage(reply));
  app.get('/dashboard/config.json', hidden, async (_request, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store').send(pageConfig),
  );
  app.get<{ Params: { file: string } }>('/dashboard/assets/:file', hidden, async (request, reply) =>
    send(reply, request.params.file === 'index.html' ? undefined : pageAssets.get(request.params.file), request.params.file),
  );
  app.get<{ Params: { file: string } }>('/dashboard/vendor/leaflet/:file', hidden, async (request, reply) =>
    send(reply, leafletAssets.get(request.params.file), request.params.file),
  );
  app.get<{ Params: { file: string } }>('/dashboard/vendor/leaflet/images/:file', hidden, async (request, reply) =>
    send(reply, leafletImages.get(request.params.file), request.params.file),
  );
}
