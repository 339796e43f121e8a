import { DomainError } from '../errors.js';
import type { Driver, DriverInput, DriverPatch } from './records/drivers.js';
import type { ArchivableListQuery, Retirement } from './records/common.js';
import { nowIso, stmt, type Db } from './db.js';
import { definedOnly } from './patch.js';
import { recordEvent } from './events.js';
import { newId } from './ids.js';
import { decodeCursor, toPage, type Page } from './pagination.js';
export type { Driver, DriverInput, DriverPatch };

interface DriverRow {
  _rowid: number;
  id: string;
  external_id: string | null;
  name: string;
  phone: string | null;
  status: Driver['status'];
  vehicle_id: string | null;
  last_lat: number | null;
  last_lng: number | null;
  last_position_at: string | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = `rowid AS _rowid, id, external_id, name, phone, status, vehicle_id, last_lat, last_lng, last_position_at,
  archived_at, created_at, updated_at`;

function toDriver(row: DriverRow): Driver {
  return {
    id: row.id,
    external_id: row.external_id,
    name: row.name,
    phone: row.phone,
    status: row.status,
    vehicle_id: row.vehicle_id,
    last_position:
      row.last_lat !== null && row.last_lng !== null && row.last_position_at !== null
        ? { lat: row.last_lat, lng: row.last_lng, at: row.last_position_at }
        : null,
    archived_at: row.archived_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** True when the organization has this driver. */
export function driverExists(db: Db, organizationId: string, driverId: string): boolean {
  return stmt(db, 'SELECT 1 FROM drivers WHERE organization_id = ? AND id = ?').get(organizationId, driverId) !== undefined;
}

export function getDriver(db: Db, orgId: string, id: string): Driver | undefined {
  const row = stmt(db, `SELECT ${COLUMNS} FROM drivers WHERE organization_id = ? AND id = ?`).get(orgId, id) as
    | DriverRow
    | undefined;
  return row && toDriver(row);
}

/** A page of drivers; archived ones only with `include: 'archived'`. */
export function listDrivers(db: Db, orgId: string, q: ArchivableListQuery): Page<Driver> {
  const live = q.include === 'archived' ? '' : 'AND archived_at IS NULL';
  const rows = stmt(
    db,
    `SELECT ${COLUMNS} FROM drivers WHERE organization_id = ? AND rowid > ? ${live} ORDER BY rowid LIMIT ?`,
  ).all(orgId, decodeCursor(q.cursor), q.limit + 1) as DriverRow[];
  return toPage(rows, q.limit, toDriver);
}

export function allDrivers(db: Db, orgId: string): Driver[] {
  return (stmt(db, `SELECT ${COLUMNS} FROM drivers WHERE organization_id = ? ORDER BY rowid`).all(orgId) as DriverRow[]).map(
    toDriver,
  );
}

function checkVehicle(db: Db, orgId: string, vehicleId: string | null | undefined): void {
  if (!vehicleId) return;
  const found = stmt(db, 'SELECT archived_at FROM vehicles WHERE organization_id = ? AND id = ?').get(orgId, vehicleId) as
    | { archived_at: string | null }
    | undefined;
  if (!found) {
    throw new DomainError('validation_error', `Unknown vehicle ${vehicleId}`, [
      { field: 'vehicle_id', message: 'no such vehicle', value: vehicleId },
    ]);
  }
  if (found.archived_at !== null) {
    throw new DomainError('conflict', `Vehicle ${vehicleId} is archived; unarchive it to give it a driver`, {
      vehicle_id: vehicleId,
      archived_at: found.archived_at,
    });
  }
}

/** Creates, or updates in place when `external_id` names an existing driver. */
export function upsertDriver(db: Db, orgId: string, input: DriverInput): { driver: Driver; created: boolean } {
  return db.transaction(() => {
    const existing = input.external_id
      ? (stmt(db, 'SELECT id FROM drivers WHERE organization_id = ? AND external_id = ?').get(orgId, input.external_id) as
          | { id: string }
          | undefined)
      : undefined;
    if (existing) return { driver: updateDriver(db, orgId, existing.id, input)!, created: false };
    checkVehicle(db, orgId, input.vehicle_id);
    const id = newId('drv');
    const now = nowIso();
    stmt(
      db,
      `INSERT INTO drivers (id, organization_id, external_id, name, phone, status, vehicle_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, orgId, input.external_id ?? null, input.name, input.phone ?? null, input.status, input.vehicle_id ?? null, now, now);
    const driver = getDriver(db, orgId, id)!;
    recordEvent(db, { organizationId: orgId, type: 'driver.created', resourceType: 'driver', resourceId: id, data: driver });
    return { driver, created: true };
  }).immediate();
}

export function updateDriver(db: Db, orgId: string, id: string, patch: DriverPatch): Driver | undefined {
  return db.transaction(() => {
    const cur = getDriver(db, orgId, id);
    if (!cur) return undefined;
    const p = definedOnly(patch);
    if (p.vehicle_id !== undefined && p.vehicle_id !== cur.vehicle_id) checkVehicle(db, orgId, p.vehicle_id);
    if (cur.archived_at !== null && p.status === 'active') {
      throw new DomainError('conflict', `Driver ${id} is archived; unarchive it before making it active`, {
        driver_id: id,
        archived_at: cur.archived_at,
      });
    }
    const next = {
      name: p.name ?? cur.name,
      phone: p.phone !== undefined ? p.phone : cur.phone,
      status: p.status ?? cur.status,
      vehicle_id: p.vehicle_id !== undefined ? p.vehicle_id : cur.vehicle_id,
      external_id: p.external_id !== undefined ? p.external_id : cur.external_id,
    };
    stmt(
      db,
      `UPDATE drivers SET name = ?, phone = ?, status = ?, vehicle_id = ?, external_id = ?, updated_at = ?
       WHERE organization_id = ? AND id = ?`,
    ).run(next.name, next.phone ?? null, next.status, next.vehicle_id ?? null, next.external_id ?? null, nowIso(), orgId, id);
    const driver = getDriver(db, orgId, id)!;
    recordEvent(db, { organizationId: orgId, type: 'driver.updated', resourceType: 'driver', resourceId: id, data: driver });
    return driver;
  }).immediate();
}

/**
 * Deletes a driver no route or stop names (`driver.deleted`). One that routes or stops point at is kept for them
 * and archived instead (`driver.archived`): `archived_at` is set and `status` becomes `inactive`, so tracking and
 * planning treat them as a deactivated driver. An already archived driver is answered as it is. Undefined when
 * unknown.
 */
export function deleteOrArchiveDriver(db: Db, orgId: string, id: string): Retirement | undefined {
  return db.transaction((): Retirement | undefined => {
    const cur = getDriver(db, orgId, id);
    if (!cur) return undefined;
    const referenced =
      stmt(db, 'SELECT 1 FROM routes WHERE organization_id = ? AND driver_id = ? LIMIT 1').get(orgId, id) !== undefined ||
      stmt(db, 'SELECT 1 FROM stops WHERE organization_id = ? AND driver_id = ? LIMIT 1').get(orgId, id) !== undefined;
    if (!referenced) {
      stmt(db, 'DELETE FROM drivers WHERE organization_id = ? AND id = ?').run(orgId, id);
      recordEvent(db, { organizationId: orgId, type: 'driver.deleted', resourceType: 'driver', resourceId: id, data: { id } });
      return { deleted: true };
    }
    if (cur.archived_at !== null) return { deleted: false, archived_at: cur.archived_at };
    const now = nowIso();
    stmt(db, "UPDATE drivers SET archived_at = ?, status = 'inactive', updated_at = ? WHERE organization_id = ? AND id = ?").run(
      now,
      now,
      orgId,
      id,
    );
    recordEvent(db, { organizationId: orgId, type: 'driver.archived', resourceType: 'driver', resourceId: id, data: getDriver(db, orgId, id) });
    return { deleted: false, archived_at: now };
  }).immediate();
}

/** Brings an archived driver back (`driver.unarchived`), still `inactive` until switched on. Undefined when unknown. */
export function unarchiveDriver(db: Db, orgId: string, id: string): Driver | undefined {
  return db.transaction(() => {
    const cur = getDriver(db, orgId, id);
    if (!cur || cur.archived_at === null) return cur;
    stmt(db, 'UPDATE drivers SET archived_at = NULL, updated_at = ? WHERE organization_id = ? AND id = ?').run(nowIso(), orgId, id);
    const driver = getDriver(db, orgId, id)!;
    recordEvent(db, { organizationId: orgId, type: 'driver.unarchived', resourceType: 'driver', resourceId: id, data: driver });
    return driver;
  }).immediate();
}

/** Records a GPS fix as the driver's last known position (live tracking calls this; re-optimization reads it). */
export function setDriverPosition(db: Db, orgId: string, id: string, p: { lat: number; lng: number; at: string }): void {
  stmt(db, 'UPDATE drivers SET last_lat = ?, last_lng = ?, last_position_at = ? WHERE organization_id = ? AND id = ?').run(
    p.lat,
    p.lng,
    p.at,
    orgId,
    id,
  );
}

/** Live tracking's write of the last known position (the driver id is already the socket's; no organization check). */
export function writeDriverPosition(db: Db, driverId: string, lat: number, lng: number, atIso: string): void {
  stmt(db, 'UPDATE drivers SET last_lat = ?, last_lng = ?, last_position_at = ? WHERE id = ?').run(lat, lng, atIso, driverId);
}

/**
 * Drivers deactivated or deleted after outbox event `afterSeq`, by any process, and not active again since (the hub
 * closes their sockets): one range scan of the outbox.
 */
export function driversDeactivatedAfter(db: Db, afterSeq: number): { lastSeq: number; driverIds: string[] } {
  const rows = stmt(
    db,
    `SELECT seq, type, resource_id, data_json FROM events
     WHERE seq > ? AND type IN ('driver.updated', 'driver.deleted', 'driver.archived') ORDER BY seq`,
  ).all(afterSeq) as { seq: number; type: string; resource_id: string; data_json: string }[];
  const driverIds: string[] = [];
  // Only drivers still inactive or gone now: one reactivated since that event keeps its new socket.
  const stillActive = stmt(db, "SELECT 1 FROM drivers WHERE id = ? AND status = 'active'");
  for (const r of rows) {
    if (r.type !== 'driver.updated' || (JSON.parse(r.data_json) as { status?: string }).status === 'inactive') {
      if (stillActive.get(r.resource_id) === undefined) driverIds.push(r.resource_id);
    }
  }
  return { lastSeq: rows.length === 0 ? afterSeq : rows[rows.length - 1]!.seq, driverIds };
}
