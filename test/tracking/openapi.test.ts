import { expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { DEFAULT_CONFIG } from '../../src/config.js';
import { openDb } from '../../src/store/db.js';
import { seedRoute, tempDir } from './helpers.js';

it('documents the tracking routes and answers them within their schemas', async () => {
  const t = tempDir();
  const db = openDb(t.file);
  const app = await buildApp({ db, config: { ...DEFAULT_CONFIG, dbFile: t.file, logLevel: 'silent', validateResponses: true } });
  try {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['/api/v1/drivers/{id}/tokens', '/api/v1/drivers/{id}/live', '/api/v1/drivers/{id}/track']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const f = seedRoute(db, Date.now());
    const auth = { authorization: `Bearer ${f.apiToken}` };
    const token = await app.inject({ method: 'POST', url: `/api/v1/drivers/${f.driverId}/tokens`, headers: auth });
    expect(token.statusCode).toBe(201);
    expect(token.json().token).toMatch(/^mkd_[a-z2-7]{32}$/);
    const live = await app.inject({ method: 'GET', url: `/api/v1/drivers/${f.driverId}/live`, headers: auth });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toMatchObject({ online: false, lat: null, current_stop_id: f.stopIds[0] });
    for (const format of ['list', 'geojson']) {
      const track = await app.inject({ method: 'GET', url: `/api/v1/drivers/${f.driverId}/track?format=${format}`, headers: auth });
      expect(track.statusCode).toBe(200);
    }
    const missing = await app.inject({ method: 'GET', url: '/api/v1/drivers/drv_aaaaaaaaaaaaaaaaaaaa/live', headers: auth });
    expect(missing.statusCode).toBe(404);
    const badRange = await app.inject({
      method: 'GET',
      url: `/api/v1/drivers/${f.driverId}/track?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`,
      headers: auth,
    });
    expect(badRange.statusCode).toBe(400);
  } finally {
    await app.close();
    db.close();
    t.remove();
  }
});
