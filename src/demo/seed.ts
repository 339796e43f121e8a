import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Db } from '../store/db.js';
import { upsertDepot } from '../store/depots.js';
import { upsertDriver } from '../store/drivers.js';
import { ensureOrganization, updateOrganizationSettings } from '../store/organizations.js';
import { isTimeZone, zonedDate, zonedInstant } from '../util/zoned-time.js';
import { upsertStopsAtomically } from '../store/stops.js';
import { createToken } from '../store/tokens.js';
import { upsertVehicle } from '../store/vehicles.js';

const Clock = z.string().regex(/^\d\d:\d\d$/);
const Point = { lat: z.number(), lng: z.number() };

/** A demo city file (data/demo/*.json): times of day are local, in the file's IANA `time_zone`. */
const DemoCity = z.object({
  city: z.string(),
  time_zone: z.string().refine(isTimeZone, 'must be an IANA time zone'),
  depot: z.object({ name: z.string(), address: z.string(), ...Point }),
  vehicles: z.array(
    z.object({
      name: z.string(),
      capacity: z.array(z.number()),
      shift: z.object({ from: Clock, to: Clock }),
      costs: z.object({ fixed: z.number(), per_hour: z.number(), per_km: z.number() }).partial(),
    }),
  ),
  drivers: z.array(z.object({ name: z.string(), phone: z.string() })),
  stops: z.array(
    z.object({
      external_id: z.string(),
      address: z.string(),
      ...Point,
      customer_name: z.string(),
      phone: z.string(),
      notes: z.string().optional(),
      order_amount: z.number(),
      payment_method: z.enum(['prepaid', 'cash', 'card', 'invoice', 'other']),
      window: z.object({ from: Clock, to: Clock }),
      service_duration_s: z.number(),
      demand: z.array(z.number()),
      priority: z.number(),
      type: z.enum(['delivery', 'pickup']),
    }),
  ),
});
export type DemoCity = z.infer<typeof DemoCity>;

export const DEFAULT_DEMO_FILE = new URL('../../data/demo/tallinn.json', import.meta.url);

export function loadDemoCity(file: URL | string = DEFAULT_DEMO_FILE): DemoCity {
  return DemoCity.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export interface DemoSeed {
  organizationId: string;
  organizationName: string;
  /** full_access token, shown once. */
  token: string;
  date: string;
  depotId: string;
  vehicleIds: string[];
  driverIds: string[];
  stopIds: string[];
  stops: number;
  vehicles: number;
}

/**
 * Seeds organization "Demo": a depot, vans that start and end there (each with a driver), and a day of stops in one
 * city with time windows on `date` (default: today in the city's zone). Re-running updates the same rows (external ids).
 */
export function seedDemo(db: Db, options: { date?: string; city?: DemoCity; name?: string } = {}): DemoSeed {
  const city = options.city ?? loadDemoCity();
  const date = options.date ?? zonedDate(Date.now(), city.time_zone);
  const at = (clock: string): string => new Date(zonedInstant(date, clock, city.time_zone)).toISOString();
  const actor = 'system:demo-seed';
  return db.transaction(() => {
    const { organization } = ensureOrganization(db, options.name ?? 'Demo');
    const orgId = organization.id;
    updateOrganizationSettings(db, orgId, { time_zone: city.time_zone });
    const { depot } = upsertDepot(db, orgId, { ...city.depot, external_id: 'demo-depot' });
    const vehicleIds = city.vehicles.map(
      (v, i) =>
        upsertVehicle(db, orgId, {
          name: v.name,
          capacity: v.capacity,
          skills: [],
          shift: { from: v.shift.from, to: v.shift.to },
          start_depot_id: depot.id,
          end_depot_id: depot.id,
          costs: v.costs,
          external_id: `demo-vehicle-${i + 1}`,
        }).vehicle.id,
    );
    const driverIds = city.drivers.map(
      (d, i) =>
        upsertDriver(db, orgId, {
          name: d.name,
          phone: d.phone,
          status: 'active',
          vehicle_id: vehicleIds[i] ?? null,
          external_id: `demo-driver-${i + 1}`,
        }).driver.id,
    );
    const stops = upsertStopsAtomically(
      db,
      orgId,
      city.stops.map(({ window, ...s }) => ({
        ...s,
        time_windows: [{ from: at(window.from), to: at(window.to) }],
        skills: [],
        service_area_id: null,
        external_id: `${s.external_id}-${date}`,
      })),
      actor,
    );
    const { token } = createToken(db, orgId, { name: 'demo admin', scope: 'full_access' });
    return {
      organizationId: orgId,
      organizationName: organization.name,
      token,
      date,
      depotId: depot.id,
      vehicleIds,
      driverIds,
      stopIds: stops.map((s) => s.stop.id),
      stops: stops.length,
      vehicles: vehicleIds.length,
    };
  }).immediate();
}
