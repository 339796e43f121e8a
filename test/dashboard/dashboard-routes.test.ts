import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dashboardRoutes, { dashboardOptionsFromEnv } from '../../src/api/routes/dashboard.js';
import { errorHandler } from '../../src/api/errors.js';

describe('dashboard routes', () => {
  const app = Fastify();

  beforeAll(async () => {
    // As in buildApp: the one error handler turns a DomainError's code into its status.
    app.setErrorHandler(errorHandler);
    await app.register(dashboardRoutes, {
      tileUrl: 'https://tiles.example/{z}/{x}/{y}.png',
      tileAttribution: '© Example',
      defaultDate: '2026-05-08',
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('serves the page with a strict content security policy', async () => {
    const res = await app.inject({ method: 'GET', url: '/dashboard' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<script type="module" src="/dashboard/assets/main.js">');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("connect-src 'self' ws: wss:");
  });

  it('serves the browser modules and Leaflet from node_modules, not a CDN', async () => {
    const main = await app.inject({ method: 'GET', url: '/dashboard/assets/main.js' });
    expect(main.statusCode).toBe(200);
    expect(main.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(main.body).toContain("from './map-view.js'");
    const leaflet = await app.inject({ method: 'GET', url: '/dashboard/vendor/leaflet/leaflet-src.esm.js' });
    expect(leaflet.statusCode).toBe(200);
    expect(leaflet.body).toContain('export {');
    const css = await app.inject({ method: 'GET', url: '/dashboard/vendor/leaflet/leaflet.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const icon = await app.inject({ method: 'GET', url: '/dashboard/vendor/leaflet/images/layers.png' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/png');
    // Every module the page imports resolves to a served URL (nothing external).
    const index = await app.inject({ method: 'GET', url: '/dashboard' });
    const modules = [...main.body.matchAll(/from '\.\/([\w-]+\.js)'/g)].map((m) => m[1]);
    expect(modules.length).toBeGreaterThanOrEqual(5);
    for (const name of modules) {
      const res = await app.inject({ method: 'GET', url: `/dashboard/assets/${name}` });
      expect(res.statusCode, name).toBe(200);
    }
    expect(index.body).not.toMatch(/https?:\/\//);
  });

  it('answers 404 for anything not in the fixed list, including traversal attempts', async () => {
    for (const url of [
      '/dashboard/assets/nope.js',
      '/dashboard/assets/..%2F..%2F..%2Fpackage.json',
      '/dashboard/vendor/leaflet/leaflet.js.map',
      '/dashboard/vendor/leaflet/..%2Fpackage.json',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
    }
  });

  it('hands the tile URL and the default day to the page', async () => {
    const res = await app.inject({ method: 'GET', url: '/dashboard/config.json' });
    expect(res.json()).toEqual({
      tile_url: 'https://tiles.example/{z}/{x}/{y}.png',
      tile_attribution: '© Example',
      default_date: '2026-05-08',
    });
  });
});

describe('dashboardOptionsFromEnv', () => {
  it('defaults to no tiles, so the map draws on a plain background', () => {
    expect(dashboardOptionsFromEnv({})).toEqual({ tileUrl: null, tileAttribution: null, defaultDate: null });
  });

  it('accepts a tile template and refuses one without {z}/{x}/{y} or a bad date', () => {
    expect(dashboardOptionsFromEnv({ MILKRUN_TILE_URL: 'http://127.0.0.1:8080/{z}/{x}/{y}.png' }).tileUrl).toBe(
      'http://127.0.0.1:8080/{z}/{x}/{y}.png',
    );
    expect(() => dashboardOptionsFromEnv({ MILKRUN_TILE_URL: 'https://tiles.example/tile.png' })).toThrow(/\{z\}/);
    expect(() => dashboardOptionsFromEnv({ MILKRUN_TILE_URL: 'ftp://x/{z}/{x}/{y}' })).toThrow(/http/);
    expect(() => dashboardOptionsFromEnv({ MILKRUN_DASHBOARD_DATE: '08.05.2026' })).toThrow(/YYYY-MM-DD/);
  });
});
