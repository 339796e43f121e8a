/** Seeds an organization with `drivers` drivers, each with a driver token and a planned route of `stops` stops. */
import type { Db } from '../../src/store/db.js';
import { newId } from '../../src/store/ids.js';
import { ensureOrganization } from '../../src/store/organizations.js';
import { createDriverToken } from '../../src/store/driver-tokens.js';
import { seededRandom } from '../../src/tracking/simulator.js';

export function seedFleet(db: Db, drivers: number, stops: number, startMs: number): string[] {
  const { organization } = ensureOrganization(db, 'Load');
  const org = organization.id;
  const random = seededRandom(42);
  const now = new Date().toISOString();
  const tokens: string[] = [];
  const insDriver = db.prepare(
    `INSERT INTO drivers (id, organization_id, name, status, created_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?)`,
  );
  const insRoute = db.prepare(
    `INSERT INTO routes (id, organization_id, driver_id, status, created_at, updated_at) VALUES (?, ?, ?, 'planned', ?, ?)`,
  );
  const insStop = db.prepare(
    `INSERT INTO stops (id, organization_id, status, lat, lng, time_windows_json, service_duration_s, route_id, driver_id,
       created_at, updated_at) VALUES (?, ?, 'assigned', ?, ?, ?, 300, ?, ?, ?, ?)`,
  );
  const insRouteStop = db.prepare(
    `INSERT INTO route_stops (route_id, stop_id, position, planned_arrival, service_start, departure, distance_m)
     VALUES (?, ?, ?, ?, ?, ?, 4000)`,
  );
  db.transaction(() => {
    for (let d = 0; d < drivers; d++) {
      const driverId = newId('drv');
      insDriver.run(driverId, org, `Driver ${d}`, now, now);
      tokens.push(createDriverToken(db, org, driverId).token);
      const routeId = newId('rte');
      insRoute.run(routeId, org, driverId, now, now);
      for (let k = 0; k < stops; k++) {
        const stopId = newId('stp');
        const arrival = startMs + (k + 1) * 15 * 60_000;
        const windows = [{ from: new Date(arrival - 3_600_000).toISOString(), to: new Date(arrival + 3_600_000).toISOString() }];
        insStop.run(stopId, org, 52.4 + random() * 0.2, 13.3 + random() * 0.2, JSON.stringify(windows), routeId, driverId, now, now);
        insRouteStop.run(
          routeId,
          stopId,
          k,
          new Date(arrival).toISOString(),
          new Date(arrival).toISOString(),
          new Date(arrival + 300_000).toISOString(),
        );
      }
    }
  })();
  return tokens;
}
