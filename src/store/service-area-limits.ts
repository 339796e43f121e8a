import { DomainError } from '../errors.js';
import { stmt, type Db } from './db.js';
import { serviceAreasFor } from './service-areas.js';

/**
 * Which service areas a vehicle or a driver may serve. No rows: unrestricted. The limits bite in two places:
 * assigning a stop to a route (409 `wrong_zone` when the route's vehicle or driver is limited to other areas) and
 * planning, where they become solver skills: a job carries `area:<its area id>` (`area:none` when it lies in no
 * area), a vehicle carries the skills of the areas it may serve (all of them, and `area:none`, when unlimited).
 * A stop with no area can only go to an unlimited vehicle and driver.
 */

export type LimitedResource = 'vehicle' | 'driver';

const TABLE: Record<LimitedResource, { limits: string; owner: string; column: string }> = {
  vehicle: { limits: 'vehicle_service_areas', owner: 'vehicles', column: 'vehicle_id' },
  driver: { limits: 'driver_service_areas', owner: 'drivers', column: 'driver_id' },
};

/** Area ids the vehicle or driver is limited to, sorted; [] when unlimited. Undefined when it does not exist. */
export function allowedAreas(db: Db, orgId: string, kind: LimitedResource, id: string): string[] | undefined {
  const t = TABLE[kind];
  const owner = stmt(db, `SELECT id FROM ${t.owner} WHERE organization_id = ? AND id = ?`).get(orgId, id);
  if (!owner) return undefined;
  const rows = stmt(db, `SELECT service_area_id FROM ${t.limits} WHERE ${t.column} = ? ORDER BY service_area_id`).all(id) as {
    service_area_id: string;
  }[];
  return rows.map((r) => r.service_area_id);
}

/**
 * Replaces the limits of a vehicle or driver; [] lifts them. Unknown area ids answer 400 naming each one.
 * Returns undefined when the vehicle or driver does not exist.
 */
export function setAllowedAreas(db: Db, orgId: string, kind: LimitedResource, id: string, areaIds: readonly string[]): string[] | undefined {
  const t = TABLE[kind];
  return db.transaction(() => {
    if (!stmt(db, `SELECT id FROM ${t.owner} WHERE organization_id = ? AND id = ?`).get(orgId, id)) return undefined;
    const exists = stmt(db, 'SELECT 1 FROM service_areas WHERE organization_id = ? AND id = ?');
    const unknown = areaIds
      .map((areaId, index) => ({ areaId, index }))
      .filter(({ areaId }) => !exists.get(orgId, areaId));
    if (unknown.length > 0) {
      throw new DomainError(
        'validation_error',
        `Unknown service area ${unknown[0]!.areaId}`,
        unknown.map(({ areaId, index }) => ({ field: `service_area_ids[${index}]`, message: 'no such service area', value: areaId })),
      );
    }
    stmt(db, `DELETE FROM ${t.limits} WHERE ${t.column} = ?`).run(id);
    const insert = stmt(db, `INSERT OR IGNORE INTO ${t.limits} (${t.column}, service_area_id) VALUES (?, ?)`);
    for (const areaId of areaIds) insert.run(id, areaId);
    return allowedAreas(db, orgId, kind, id)!;
  }).immediate();
}

/**
 * The areas a route's crew may serve: the intersection of the vehicle's and the driver's limits; null when
 * neither is limited.
 */
export function crewAllowedAreas(db: Db, orgId: string, crew: { vehicleId?: string | null; driverId?: string | null }): Set<string> | null {
  let allowed: Set<string> | null = null;
  for (const [kind, id] of [['vehicle', crew.vehicleId], ['driver', crew.driverId]] as const) {
    if (!id) continue;
    const limits = allowedAreas(db, orgId, kind, id) ?? [];
    if (limits.length === 0) continue;
    allowed = allowed === null ? new Set(limits) : new Set(limits.filter((a) => allowed!.has(a)));
  }
  return allowed;
}

export interface ZoneCheckStop {
  id: string;
  service_area_id: string | null;
}

/**
 * Throws 409 `wrong_zone` when any of the stops lies outside the areas the crew may serve; details list each
 * offending stop with its index in `stops` (undefined entries, unknown stops, are skipped).
 */
export function assertCrewMayServe(
  db: Db,
  orgId: string,
  crew: { vehicleId?: string | null; driverId?: string | null },
  stops: readonly (ZoneCheckStop | undefined)[],
): void {
  const allowed = crewAllowedAreas(db, orgId, crew);
  if (allowed === null) return;
  const wrong = stops
    .flatMap((stop, index) => (stop ? [{ index, stop_id: stop.id, service_area_id: stop.service_area_id }] : []))
    .filter((s) => s.service_area_id === null || !allowed.has(s.service_area_id));
  if (wrong.length === 0) return;
  const first = wrong[0]!;
  throw new DomainError(
    'wrong_zone',
    `Stop ${first.stop_id} is in ${first.service_area_id ?? 'no service area'}, outside the areas its route's vehicle or driver may serve`,
    {
      vehicle_id: crew.vehicleId ?? null,
      driver_id: crew.driverId ?? null,
      allowed_service_area_ids: [...allowed].sort(),
      stops: wrong,
    },
  );
}

/** The solver skill naming one area (or no area). */
export function areaSkill(areaId: string | null): string {
  return `area:${areaId ?? 'none'}`;
}

/** Skills a job needs for its area; [] when the organization has no areas (nothing to enforce). */
export function jobAreaSkills(db: Db, orgId: string, areaId: string | null): string[] {
  return serviceAreasFor(db).hasAreas(orgId) ? [areaSkill(areaId)] : [];
}

/** Skills a solver vehicle gets from the areas its vehicle and driver may serve; [] when the org has no areas. */
export function crewAreaSkills(db: Db, orgId: string, crew: { vehicleId?: string | null; driverId?: string | null }): string[] {
  if (!serviceAreasFor(db).hasAreas(orgId)) return [];
  const allowed = crewAllowedAreas(db, orgId, crew);
  if (allowed !== null) return [...allowed].sort().map(areaSkill);
  const all = stmt(db, 'SELECT id FROM service_areas WHERE organization_id = ? ORDER BY id').all(orgId) as { id: string }[];
  return [...all.map((r) => areaSkill(r.id)), areaSkill(null)];
}

/**
 * Stops and vehicles of a plan with their area skills added, so the solver pairs each stop only with vehicles
 * allowed in its area. A stored stop uses its filed area; a stop not in the store (inline in a plan request) is
 * looked up by its coordinates. A vehicle not in the store is unlimited; `driverOfVehicle` adds the limits of
 * the driver who will drive it. Unchanged when the organization has no areas.
 */
export function withAreaSkills<
  S extends { id: string; lat: number; lng: number; skills: string[] },
  V extends { id: string; skills: string[] },
>(
  db: Db,
  orgId: string,
  stops: readonly S[],
  vehicles: readonly V[],
  driverOfVehicle: ReadonlyMap<string, string> = new Map(),
): { stops: S[]; vehicles: V[] } {
  const areas = serviceAreasFor(db);
  if (!areas.hasAreas(orgId)) return { stops: [...stops], vehicles: [...vehicles] };
  const filed = stmt(db, 'SELECT service_area_id FROM stops WHERE organization_id = ? AND id = ?');
  const vehicleExists = stmt(db, 'SELECT 1 FROM vehicles WHERE organization_id = ? AND id = ?');
  const zonedStops = stops.map((s) => {
    const row = filed.get(orgId, s.id) as { service_area_id: string | null } | undefined;
    const areaId = row ? row.service_area_id : (areas.lookupIds(orgId, s.lat, s.lng)[0] ?? null);
    return { ...s, skills: [...s.skills, areaSkill(areaId)] };
  });
  const zonedVehicles = vehicles.map((v) => {
    const stored = vehicleExists.get(orgId, v.id) !== undefined;
    const crew = { vehicleId: stored ? v.id : null, driverId: driverOfVehicle.get(v.id) ?? null };
    return { ...v, skills: [...v.skills, ...crewAreaSkills(db, orgId, crew)] };
  });
  return { stops: zonedStops, vehicles: zonedVehicles };
}

/** `assertCrewMayServe` for stops given by id (unknown ids are skipped: the caller reports them). */
export function assertCrewMayServeStops(
  db: Db,
  orgId: string,
  crew: { vehicleId?: string | null; driverId?: string | null },
  stopIds: readonly string[],
): void {
  if (!serviceAreasFor(db).hasAreas(orgId)) return;
  const filed = stmt(db, 'SELECT id, service_area_id FROM stops WHERE organization_id = ? AND id = ?');
  const stops = stopIds.map((id) => filed.get(orgId, id) as ZoneCheckStop | undefined);
  assertCrewMayServe(db, orgId, crew, stops);
}
