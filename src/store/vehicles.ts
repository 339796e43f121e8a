import { DomainError } from '../errors.js';
import type { Vehicle, VehicleInput, VehiclePatch } from './records/vehicles.js';
import type { ArchivableListQuery, Retirement } from './records/common.js';
import { nowIso, stmt, type Db } from './db.js';
import { getDepot } from './depots.js';
import { definedOnly } from './patch.js';
import { recordEvent } from './events.js';
import { newId } from './ids.js';
import { decodeCursor, toPage, type Page } from './pagination.js';
import { toUtcIso } from './time.js';
import { organizationTimeZone } from './organizations.js';
import { clockOf } from '../util/zoned-time.js';
export type { Retirement, Vehicle, VehicleInput, VehiclePatch };

interface VehicleRow {
  _rowid: number;
  id: string;
  external_id: string | null;
  name: string;
  capacity_json: string;
  skills_json: string;
  shift_from: string | null;
  shift_to: string | null;
  start_depot_id: string | null;
  end_depot_id: string | null;
  start_lat: number | null;
  start_lng: number | null;
  end_lat: number | null;
  end_lng: number | null;
  costs_json: string;
  max_stops: number | null;
  speed_factor: number | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = `rowid AS _rowid, id, external_id, name, capacity_json, skills_json, shift_from, shift_to,
  start_depot_id, end_depot_id, start_lat, start_lng, end_lat, end_lng, costs_json, max_stops, speed_factor,
  archived_at, created_at, updated_at`;

function toVehicle(row: VehicleRow): Vehicle {
  return {
    id: row.id,
    external_id: row.external_id,
    name: row.name,
    capacity: JSON.parse(row.capacity_json) as number[],
    skills: JSON.parse(row.skills_json) as string[],
    shift: row.shift_from && row.shift_to ? { from: row.shift_from, to: row.shift_to } : null,
    start: row.start_lat !== null && row.start_lng !== null ? { lat: row.start_lat, lng: row.start_lng } : null,
    end: row.end_lat !== null && row.end_lng !== null ? { lat: row.end_lat, lng: row.end_lng } : null,
    start_depot_id: row.start_depot_id,
    end_depot_id: row.end_depot_id,
    costs: JSON.parse(row.costs_json) as Vehicle['costs'],
    max_stops: row.max_stops,
    speed_factor: row.speed_factor,
    archived_at: row.archived_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function getVehicle(db: Db, orgId: string, id: string): Vehicle | undefined {
  const row = stmt(db, `SELECT ${COLUMNS} FROM vehicles WHERE organization_id = ? AND id = ?`).get(orgId, id) as
    | VehicleRow
    | undefined;
  return row && toVehicle(row);
}

/** A page of vehicles; archived ones only with `include: 'archived'`. */
export function listVehicles(db: Db, orgId: string, q: ArchivableListQuery): Page<Vehicle> {
  const live = q.include === 'archived' ? '' : 'AND archived_at IS NULL';
  const rows = stmt(
    db,
    `SELECT ${COLUMNS} FROM vehicles WHERE organization_id = ? AND rowid > ? ${live} ORDER BY rowid LIMIT ?`,
  ).all(orgId, decodeCursor(q.cursor), q.limit + 1) as VehicleRow[];
  return toPage(rows, q.limit, toVehicle);
}

/** Every vehicle of the organization, archived ones included (planning reads the whole fleet and leaves them out). */
export function allVehicles(db: Db, orgId: string): Vehicle[] {
  return (stmt(db, `SELECT ${COLUMNS} FROM vehicles WHERE organization_id = ? ORDER BY rowid`).all(orgId) as VehicleRow[]).map(
    toVehicle,
  );
}

/** A depot id resolved to its coordinates; 400 when the depot is not this organization's. */
function depotPoint(db: Db, orgId: string, depotId: string, field: string): { lat: number; lng: number } {
  const depot = getDepot(db, orgId, depotId);
  if (!depot) {
    throw new DomainError('validation_error', `Unknown depot ${depotId}`, [{ field, message: 'no such depot', value: depotId }]);
  }
  return { lat: depot.lat, lng: depot.lng };
}

/** What a create or update writes (`archived_at` is only written by archiving). */
type VehicleState = Omit<Vehicle, 'id' | 'archived_at' | 'created_at' | 'updated_at'>;

function write(db: Db, orgId: string, id: string, v: VehicleState, insert: boolean): void {
  const now = nowIso();
  const values = [
    v.external_id,
    v.name,
    JSON.stringify(v.capacity),
    JSON.stringify(v.skills),
    v.shift?.from ?? null,
    v.shift?.to ?? null,
    v.start_depot_id,
    v.end_depot_id,
    v.start?.lat ?? null,
    v.start?.lng ?? null,
    v.end?.lat ?? null,
    v.end?.lng ?? null,
    JSON.stringify(v.costs),
    v.max_stops,
    v.speed_factor,
  ];
  if (insert) {
    stmt(
      db,
      `INSERT INTO vehicles (external_id, name, capacity_json, skills_json, shift_from, shift_to, start_depot_id,
        end_depot_id, start_lat, start_lng, end_lat, end_lng, costs_json, max_stops, speed_factor,
        created_at, updated_at, id, organization_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(...values, now, now, id, orgId);
  } else {
    stmt(
      db,
      `UPDATE vehicles SET external_id = ?, name = ?, capacity_json = ?, skills_json = ?, shift_from = ?, shift_to = ?,
        start_depot_id = ?, end_depot_id = ?, start_lat = ?, start_lng = ?, end_lat = ?, end_lng = ?, costs_json = ?,
        max_stops = ?, speed_factor = ?, updated_at = ? WHERE id = ? AND organization_id = ?`,
    ).run(...values, now, id, orgId);
  }
}

function resolve(db: Db, orgId: string, base: VehicleState, patch: VehiclePatch): VehicleState {
  const p = definedOnly(patch);
  const next: VehicleState = {
    ...base,
    ...(p.name !== undefined && { name: p.name }),
    ...(p.capacity !== undefined && { capacity: p.capacity }),
    ...(p.skills !== undefined && { skills: p.skills }),
    ...(p.costs !== undefined && { costs: p.costs ?? {} }),
    ...(p.max_stops !== undefined && { max_stops: p.max_stops ?? null }),
    ...(p.speed_factor !== undefined && { speed_factor: p.speed_factor ?? null }),
    ...(p.external_id !== undefined && { external_id: p.external_id ?? null }),
  };
  if (p.shift !== undefined) {
    const zone = p.shift ? organizationTimeZone(db, orgId) : 'UTC';
    next.shift = p.shift ? { from: clockOf(p.shift.from, zone), to: clockOf(p.shift.to, zone) } : null;
  }
  if (p.start !== undefined) next.start = p.start ?? null;
  if (p.end !== undefined) next.end = p.end ?? null;
  if (p.start_depot_id !== undefined) {
    next.start_depot_id = p.start_depot_id ?? null;
    if (p.start_depot_id) next.start = depotPoint(db, orgId, p.start_depot_id, 'start_depot_id');
  }
  if (p.end_depot_id !== undefined) {
    next.end_depot_id = p.end_depot_id ?? null;
    if (p.end_depot_id) next.end = depotPoint(db, orgId, p.end_depot_id, 'end_depot_id');
  }
  return next;
}

const EMPTY: VehicleState = {
  external_id: null,
  name: '',
  capacity: [],
  skills: [],
  shift: null,
  start: null,
  end: null,
  start_depot_id: null,
  end_depot_id: null,
  costs: {},
  max_stops: null,
  speed_factor: null,
};

/** Creates, or updates in place when `external_id` names an existing vehicle. */
export function upsertVehicle(db: Db, orgId: string, input: VehicleInput): { vehicle: Vehicle; created: boolean } {
  return db.transaction(() => {
    const existingId = input.external_id
      ? (stmt(db, 'SELECT id FROM vehicles WHERE organization_id = ? AND external_id = ?').get(orgId, input.external_id) as
          | { id: string }
          | undefined)?.id
      : undefined;
    if (existingId) return { vehicle: updateVehicle(db, orgId, existingId, input)!, created: false };
    const id = newId('veh');
    write(db, orgId, id, resolve(db, orgId, EMPTY, input), true);
    const vehicle = getVehicle(db, orgId, id)!;
    recordEvent(db, { organizationId: orgId, type: 'vehicle.created', resourceType: 'vehicle', resourceId: id, data: vehicle });
    return { vehicle, created: true };
  }).immediate();
}

export function updateVehicle(db: Db, orgId: string, id: string, patch: VehiclePatch): Vehicle | undefined {
  return db.transaction(() => {
    const cur = getVehicle(db, orgId, id);
    if (!cur) return undefined;
    write(db, orgId, id, resolve(db, orgId, cur, patch), false);
    const vehicle = getVehicle(db, orgId, id)!;
    recordEvent(db, { organizationId: orgId, type: 'vehicle.updated', resourceType: 'vehicle', resourceId: id, data: vehicle });
    return vehicle;
  }).immediate();
}

/**
 * Deletes a vehicle no route has ever used (`vehicle.deleted`). One that routes point at is kept for them and
 * archived instead (`vehicle.archived`; an already archived one is answered as it is). Undefined when unknown.
 */
export function deleteOrArchiveVehicle(db: Db, orgId: string, id: string): Retirement | undefined {
  return db.transaction((): Retirement | undefined => {
    const cur = getVehicle(db, orgId, id);
    if (!cur) return undefined;
    if (stmt(db, 'SELECT 1 FROM routes WHERE organization_id = ? AND vehicle_id = ? LIMIT 1').get(orgId, id) === undefined) {
      stmt(db, 'DELETE FROM vehicles WHERE organization_id = ? AND id = ?').run(orgId, id);
      recordEvent(db, { organizationId: orgId, type: 'vehicle.deleted', resourceType: 'vehicle', resourceId: id, data: { id } });
      return { deleted: true };
    }
    if (cur.archived_at !== null) return { deleted: false, archived_at: cur.archived_at };
    const now = nowIso();
    stmt(db, 'UPDATE vehicles SET archived_at = ?, updated_at = ? WHERE organization_id = ? AND id = ?').run(now, now, orgId, id);
    recordEvent(db, { organizationId: orgId, type: 'vehicle.archived', resourceType: 'vehicle', resourceId: id, data: getVehicle(db, orgId, id) });
    return { deleted: false, archived_at: now };
  }).immediate();
}

/** Brings an archived vehicle back (`vehicle.unarchived`); a live one is answered as it is. Undefined when unknown. */
export function unarchiveVehicle(db: Db, orgId: string, id: string): Vehicle | undefined {
  return db.transaction(() => {
    const cur = getVehicle(db, orgId, id);
    if (!cur || cur.archived_at === null) return cur;
    stmt(db, 'UPDATE vehicles SET archived_at = NULL, updated_at = ? WHERE organization_id = ? AND id = ?').run(nowIso(), orgId, id);
    const vehicle = getVehicle(db, orgId, id)!;
    recordEvent(db, { organizationId: orgId, type: 'vehicle.unarchived', resourceType: 'vehicle', resourceId: id, data: vehicle });
    return vehicle;
  }).immediate();
}
