/**
 * With MILKRUN_TILE_URL set, the map loads its base map from that tile server (here a local one that counts the
 * requests); without it nothing is fetched for tiles (the other e2e test). Skipped when /usr/bin/chromium is absent,
 * except under CI=true, where a missing browser fails the suite (browser.ts).
 */
import Fastify from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dashboardRoutes, { dashboardOptionsFromEnv } from '../../src/api/routes/dashboard.js';
import { launchChromium, requireChromium, skipBrowserSuite } from './browser.js';

/** A 1×1 transparent PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe.skipIf(skipBrowserSuite)('dashboard with a tile server', { timeout: 30_000 }, () => {
  const tiles = Fastify();
  const site = Fastify();
  const tileRequests: string[] = [];
  let browser: Browser;
  let siteUrl: string;

  beforeAll(async () => {
    tiles.get<{ Params: { z: string; x: string; y: string } }>('/:z/:x/:y.png', async (request, reply) => {
      tileRequests.push(`${request.params.z}/${request.params.x}/${request.params.y}`);
      return reply.header('content-type', 'image/png').send(PNG);
    });
    const tileBase = await tiles.listen({ port: 0, host: '127.0.0.1' });
    await site.register(
      dashboardRoutes,
      dashboardOptionsFromEnv({ MILKRUN_TILE_URL: `${tileBase}/{z}/{x}/{y}.png`, MILKRUN_TILE_ATTRIBUTION: 'Test tiles' }),
    );
    siteUrl = await site.listen({ port: 0, host: '127.0.0.1' });
    requireChromium();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site.close();
    await tiles.close();
  }, 60_000);

  it('draws the base map from the configured tile URL, allowed by the page security policy', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const blocked: string[] = [];
    page.on('console', (m) => {
      if (m.text().includes('Content Security Policy')) blocked.push(m.text());
    });
    await page.goto(`${siteUrl}/dashboard`);
    // The map is set up before the token prompt, so tiles load even while it is open.
    await page.locator('img.leaflet-tile-loaded').first().waitFor({ timeout: 15_000 });
    expect(tileRequests.length).toBeGreaterThan(0);
    expect(tileRequests.every((t) => /^\d+\/\d+\/\d+$/.test(t))).toBe(true);
    expect(await page.locator('.leaflet-control-attribution').innerText()).toContain('Test tiles');
    expect(await page.locator('#map').getAttribute('class')).not.toContain('no-tiles');
    expect(blocked).toEqual([]);
    await page.close();
  });
});
