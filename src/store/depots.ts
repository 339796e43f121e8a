import type { Depot, DepotInput, DepotPatch } from './records/depots.js';
import { nowIso, stmt, type Db } from './db.js';
import { recordEvent } from './events.js';
import { newId } from './ids.js';
import { decodeCursor, toPage, type Page } from './pagination.js';
import { definedOnly } from './patch.js';
export type { Depot, DepotInput, DepotPatch };

type DepotRow = Depot & { _rowid: number };
const COLUMNS = 'rowid AS _rowid, id, external_id, name, address, lat, lng, created_at, updated_at';

function toDepot(row: DepotRow): Depot {
  return {
    id: row.id,
    external_id: row.external_id,
    name: row.name,
    address: row.address,
    lat: row.lat,
    lng: row.lng,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function getDepot(db: Db, orgId: string, id: string): Depot | undefined {
  const row = stmt(db, `SELECT ${COLUMNS} FROM depots WHERE organization_id = ? AND id = ?`).get(orgId, id) as
    | DepotRow
    | undefined;
  return row && toDepot(row);
}

function findByExternalId(db: Db, orgId: string, externalId: string): Depot | undefined {
  const row = stmt(db, `SELECT ${COLUMNS} FROM depots WHERE organization_id = ? AND external_id = ?`).get(
    orgId,
    externalId,
  ) as DepotRow | undefined;
  return row && toDepot(row);
}

export function listDepots(db: Db, orgId: string, q: { limit: number; cursor?: string }): Page<Depot> {
  const rows = stmt(
    db,
    `SELECT ${COLUMNS} FROM depots WHERE organization_id = ? AND rowid > ? ORDER BY rowid LIMIT ?`,
  ).all(orgId, decodeCursor(q.cursor), q.limit + 1) as DepotRow[];
  return toPage(rows, q.limit, toDepot);
}

/** Creates, or updates in place when `external_id` names an existing depot. */
export function upsertDepot(db: Db, orgId: string, input: DepotInput): { depot: Depot; created: boolean } {
  return db.transaction(() => {
    const existing = input.external_id ? findByExternalId(db, orgId, input.external_id) : undefined;
    if (existing) return { depot: updateDepot(db, orgId, existing.id, input)!, created: false };
    const id = newId('dep');
    const now = nowIso();
    stmt(
      db,
      `INSERT INTO depots (id, organization_id, external_id, name, address, lat, lng, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, orgId, input.external_id ?? null, input.name, input.address ?? null, input.lat, input.lng, now, now);
    const depot = getDepot(db, orgId, id)!;
    recordEvent(db, { organizationId: orgId, type: 'depot.created', resourceType: 'depot', resourceId: id, data: depot });
    return { depot, created: true };
  }).immediate();
}

export function updateDepot(db: Db, orgId: string, id: string, patch: DepotPatch): Depot | undefined {
  return db.transaction(() => {
    const cur = getDepot(db, orgId, id);
    if (!cur) return undefined;
    const next = { ...cur, ...definedOnly(patch) };
    stmt(
      db,
      `UPDATE depots SET external_id = ?, name = ?, address = ?, lat = ?, lng = ?, updated_at = ?
       WHERE organization_id = ? AND id = ?`,
    ).run(next.external_id ?? null, next.name, next.address ?? null, next.lat, next.lng, nowIso(), orgId, id);
    const depot = getDepot(db, orgId, id)!;
    recordEvent(db, { organizationId: orgId, type: 'depot.updated', resourceType: 'depot', resourceId: id, data: depot });
    return depot;
  }).immediate();
}

export function deleteDepot(db: Db, orgId: string, id: string): boolean {
  return db.transaction(() => {
    const changes = stmt(db, 'DELETE FROM depots WHERE organization_id = ? AND id = ?').run(orgId, id).changes;
    if (changes > 0) {
      recordEvent(db, { organizationId: orgId, type: 'depot.deleted', resourceType: 'depot', resourceId: id, data: { id } });
    }
    return changes > 0;
  }).immediate();
}
