import type {
  ProofOfDelivery,
  Stop,
  StopHistoryEntry,
  StopInput,
  StopListQuery,
  StopPatch,
  StopStatus,
} from './records/stops.js';
import { nowIso, stmt, type Db } from './db.js';
import { definedOnly } from './patch.js';
import { recordEvent } from './events.js';
import { newId } from './ids.js';
import { decodeCursor, encodeCursor, toPage, type Page } from './pagination.js';
import { markRouteUnoptimized } from './routes.js';
import { toUtcIso } from './time.js';
import { organizationTimeZone } from './organizations.js';
import { zonedDate } from '../util/zoned-time.js';
export type { ProofOfDelivery, Stop, StopHistoryEntry, StopInput, StopListQuery, StopPatch, StopStatus };

/** A create body whose coordinates are known (given or geocoded) and whose service area was looked up. */
export type ResolvedStopInput = StopInput & { lat: number; lng: number; service_area_id: string | null };
export type ResolvedStopPatch = StopPatch & { service_area_id?: string | null };

interface StopRow {
  _rowid: number;
  id: string;
  external_id: string | null;
  type: Stop['type'];
  status: StopStatus;
  address: string | null;
  lat: number;
  lng: number;
  customer_name: string | null;
  phone: string | null;
  notes: string | null;
  order_amount: number | null;
  payment_method: string | null;
  time_windows_json: string;
  service_duration_s: number;
  demand_json: string;
  priority: number;
  skills_json: string;
  date: string | null;
  service_area_id: string | null;
  route_id: string | null;
  driver_id: string | null;
  failure_reason: string | null;
  failure_note: string | null;
  proof_json: string | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = `rowid AS _rowid, id, external_id, type, status, address, lat, lng, customer_name, phone, notes,
  order_amount, payment_method, time_windows_json, service_duration_s, demand_json, priority, skills_json, date,
  service_area_id, route_id, driver_id, failure_reason, failure_note, proof_json, archived_at, created_at, updated_at`;

export function toStop(row: StopRow): Stop {
  return {
    id: row.id,
    external_id: row.external_id,
    type: row.type,
    status: row.status,
    address: row.address,
    lat: row.lat,
    lng: row.lng,
    customer_name: row.customer_name,
    phone: row.phone,
    notes: row.notes,
    order_amount: row.order_amount,
    payment_method: row.payment_method,
    time_windows: JSON.parse(row.time_windows_json) as Stop['time_windows'],
    service_duration_s: row.service_duration_s,
    demand: JSON.parse(row.demand_json) as number[],
    priority: row.priority,
    skills: JSON.parse(row.skills_json) as string[],
    date: row.date,
    service_area_id: row.service_area_id,
    route_id: row.route_id,
    driver_id: row.driver_id,
    failure_reason: row.failure_reason,
    failure_note: row.failure_note,
    proof: row.proof_json === null ? null : (JSON.parse(row.proof_json) as Stop['proof']),
    archived_at: row.archived_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function getStop(db: Db, orgId: string, id: string): Stop | undefined {
  const row = stmt(db, `SELECT ${COLUMNS} FROM stops WHERE organization_id = ? AND id = ?`).get(orgId, id) as
    | StopRow
    | undefined;
  return row && toStop(row);
}

export function listStops(db: Db, orgId: string, q: StopListQuery): Page<Stop> {
  const { where, args } = stopFilter(orgId, q);
  const rows = stmt(db, `SELECT ${COLUMNS} FROM stops WHERE ${where} ORDER BY rowid LIMIT ?`).all(
    ...args,
    q.limit + 1,
  ) as StopRow[];
  return toPage(rows, q.limit, toStop);
}

/**
 * A stop as SQLite builds it with json_object: the same fields, names and order as `toStop`, so a page can be sent
 * without creating one JS object per row (the page of 100 is the hottest read of the API).
 */
const STOP_JSON = `json_object('id', id, 'external_id', external_id, 'type', type, 'status', status, 'address', address,
  'lat', lat, 'lng', lng, 'customer_name', customer_name, 'phone', phone, 'notes', notes, 'order_amount', order_amount,
  'payment_method', payment_method, 'time_windows', json(time_windows_json), 'service_duration_s', service_duration_s,
  'demand', json(demand_json), 'priority', priority, 'skills', json(skills_json), 'date', date,
  'service_area_id', service_area_id, 'route_id', route_id, 'driver_id', driver_id, 'failure_reason', failure_reason,
  'failure_note', failure_note, 'proof', json(proof_json), 'archived_at', archived_at, 'created_at', created_at,
  'updated_at', updated_at)`;

function stopFilter(orgId: string, q: StopListQuery): { where: string; args: (string | number)[] } {
  const where = ['organization_id = ?', 'rowid > ?'];
  const args: (string | number)[] = [orgId, decodeCursor(q.cursor)];
  if (q.include !== 'archived') where.push('archived_at IS NULL');
  if (q.status) {
    const statuses = q.status.split(',');
    where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
    args.push(...statuses);
  }
  for (const key of ['driver_id', 'route_id', 'date', 'external_id'] as const) {
    const value = q[key];
    if (value !== undefined) {
      where.push(`${key} = ?`);
      args.push(value);
    }
  }
  return { where: where.join(' AND '), args };
}

/** `listStops` already serialized: `{"data":[...],"next_cursor":...}` (same content, built by SQLite). */
export function listStopsJson(db: Db, orgId: string, q: StopListQuery): string {
  const { where, args } = stopFilter(orgId, q);
  const rows = stmt(db, `SELECT ${STOP_JSON} AS j, rowid AS r FROM stops WHERE ${where} ORDER BY rowid LIMIT ?`)
    .raw(true)
    .all(...args, q.limit + 1) as [string, number][];
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const next = more ? JSON.stringify(encodeCursor(page[page.length - 1]![1])) : 'null';
  let body = '{"data":[';
  for (let i = 0; i < page.length; i++) body += (i === 0 ? '' : ',') + page[i]![0];
  return `${body}],"next_cursor":${next}}`;
}

/** Live (not archived) stops of one service day in a given status (auto-optimize reads the day's pending stops). */
export function stopsOfDay(db: Db, orgId: string, date: string, status: StopStatus): Stop[] {
  return (
    stmt(
      db,
      `SELECT ${COLUMNS} FROM stops WHERE organization_id = ? AND date = ? AND status = ? AND archived_at IS NULL ORDER BY rowid`,
    ).all(
      orgId,
      date,
      status,
    ) as StopRow[]
  ).map(toStop);
}

function normalizedWindows(windows: StopInput['time_windows']): Stop['time_windows'] {
  return windows
    .map((w) => ({ from: toUtcIso(w.from), to: toUtcIso(w.to) }))
    .sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
}

/** The service day: given, else the date of the first time window in the organization's zone, else none. */
function dayOf(db: Db, orgId: string, date: string | null | undefined, windows: StopInput['time_windows']): string | null {
  if (date) return date;
  let first = Infinity;
  for (const w of windows) first = Math.min(first, Date.parse(w.from));
  return Number.isFinite(first) ? zonedDate(first, organizationTimeZone(db, orgId)) : null;
}

function insertStop(db: Db, orgId: string, input: ResolvedStopInput): string {
  const id = newId('stp');
  const now = nowIso();
  stmt(
    db,
    `INSERT INTO stops (id, organization_id, external_id, type, status, address, lat, lng, customer_name, phone, notes,
       order_amount, payment_method, time_windows_json, service_duration_s, demand_json, priority, skills_json, date,
       service_area_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    orgId,
    input.external_id ?? null,
    input.type,
    input.address ?? null,
    input.lat,
    input.lng,
    input.customer_name ?? null,
    input.phone ?? null,
    input.notes ?? null,
    input.order_amount ?? null,
    input.payment_method ?? null,
    JSON.stringify(normalizedWindows(input.time_windows)),
    input.service_duration_s,
    JSON.stringify(input.demand),
    input.priority,
    JSON.stringify(input.skills),
    dayOf(db, orgId, input.date, input.time_windows),
    input.service_area_id,
    now,
    now,
  );
  return id;
}

function upsertInTransaction(
  db: Db,
  orgId: string,
  input: ResolvedStopInput,
  actor: string,
): { stop: Stop; created: boolean } {
  const existing = input.external_id
    ? (stmt(db, 'SELECT id FROM stops WHERE organization_id = ? AND external_id = ?').get(orgId, input.external_id) as
        | { id: string }
        | undefined)
    : undefined;
  if (existing) return { stop: updateInTransaction(db, orgId, existing.id, input)!, created: false };
  const id = insertStop(db, orgId, input);
  recordStopCreated(db, orgId, id, actor);
  const stop = getStop(db, orgId, id)!;
  recordEvent(db, { organizationId: orgId, type: 'stop.created', resourceType: 'stop', resourceId: id, data: stop });
  return { stop, created: true };
}

/** Creates a stop, or updates in place when `external_id` names an existing one. */
export function upsertStop(
  db: Db,
  orgId: string,
  input: ResolvedStopInput,
  actor = 'system',
): { stop: Stop; created: boolean } {
  return db.transaction(() => upsertInTransaction(db, orgId, input, actor)).immediate();
}

/** All or nothing: either every stop is written (with its events) or none is. */
export function upsertStopsAtomically(
  db: Db,
  orgId: string,
  inputs: readonly ResolvedStopInput[],
  actor = 'system',
): { stop: Stop; created: boolean }[] {
  return db.transaction(() => inputs.map((input) => upsertInTransaction(db, orgId, input, actor))).immediate();
}

function updateInTransaction(db: Db, orgId: string, id: string, patch: ResolvedStopPatch): Stop | undefined {
  const cur = getStop(db, orgId, id);
  if (!cur) return undefined;
  const p = definedOnly(patch);
  const windows = p.time_windows !== undefined ? normalizedWindows(p.time_windows) : cur.time_windows;
  const date =
    p.date !== undefined || p.time_windows !== undefined
      ? dayOf(db, orgId, p.date !== undefined ? p.date : cur.date, p.time_windows ?? [])
      : cur.date;
  const pick = <K extends keyof Stop>(key: K & keyof ResolvedStopPatch): Stop[K] =>
    (p[key] !== undefined ? (p[key] ?? null) : cur[key]) as Stop[K];
  stmt(
    db,
    `UPDATE stops SET external_id = ?, type = ?, address = ?, lat = ?, lng = ?, customer_name = ?, phone = ?, notes = ?,
       order_amount = ?, payment_method = ?, time_windows_json = ?, service_duration_s = ?, demand_json = ?, priority = ?,
       skills_json = ?, date = ?, service_area_id = ?, updated_at = ? WHERE organization_id = ? AND id = ?`,
  ).run(
    pick('external_id'),
    pick('type'),
    pick('address'),
    pick('lat'),
    pick('lng'),
    pick('customer_name'),
    pick('phone'),
    pick('notes'),
    pick('order_amount'),
    pick('payment_method'),
    JSON.stringify(windows),
    pick('service_duration_s'),
    JSON.stringify(pick('demand')),
    pick('priority'),
    JSON.stringify(pick('skills')),
    date,
    pick('service_area_id'),
    nowIso(),
    orgId,
    id,
  );
  if (cur.route_id) {
    // The route's order was computed for the old stop; it may no longer be the best one.
    markRouteUnoptimized(db, cur.route_id);
  }
  const stop = getStop(db, orgId, id)!;
  recordEvent(db, { organizationId: orgId, type: 'stop.updated', resourceType: 'stop', resourceId: id, data: stop });
  return stop;
}

export function updateStop(db: Db, orgId: string, id: string, patch: ResolvedStopPatch): Stop | undefined {
  return db.transaction(() => updateInTransaction(db, orgId, id, patch)).immediate();
}

/** Sets (an ISO instant) or clears (null) the stop's `archived_at`; the lifecycle decides when (stop-archive.ts). */
export function writeStopArchivedAt(db: Db, orgId: string, stopId: string, archivedAt: string | null, updatedAt: string): void {
  stmt(db, 'UPDATE stops SET archived_at = ?, updated_at = ? WHERE organization_id = ? AND id = ?').run(archivedAt, updatedAt, orgId, stopId);
}

/** How many entries the stop's history has (1: only its creation). */
export function stopHistoryLength(db: Db, orgId: string, stopId: string): number {
  return (stmt(db, 'SELECT count(*) AS n FROM stop_history WHERE organization_id = ? AND stop_id = ?').get(orgId, stopId) as { n: number }).n;
}

/** Deletes the stop row (its history goes with it) and emits `stop.deleted`; whether it may is the lifecycle's call. */
export function deleteStop(db: Db, orgId: string, id: string): boolean {
  return db.transaction(() => {
    const cur = getStop(db, orgId, id);
    if (!cur) return false;
    stmt(db, 'DELETE FROM stops WHERE organization_id = ? AND id = ?').run(orgId, id);
    if (cur.route_id) markRouteUnoptimized(db, cur.route_id);
    recordEvent(db, { organizationId: orgId, type: 'stop.deleted', resourceType: 'stop', resourceId: id, data: { id } });
    return true;
  }).immediate();
}

/** Where a stop stands, for checks before it is routed or taken off a route. */
export function stopPlacement(
  db: Db,
  orgId: string,
  stopId: string,
): { status: StopStatus; route_id: string | null } | undefined {
  return stmt(db, 'SELECT status, route_id FROM stops WHERE organization_id = ? AND id = ?').get(orgId, stopId) as
    | { status: StopStatus; route_id: string | null }
    | undefined;
}

/** The columns a status change writes (the lifecycle in src/lifecycle/stop-status.ts decides their values). */
export interface StopStatusFields {
  status: StopStatus;
  route_id: string | null;
  driver_id: string | null;
  failure_reason: string | null;
  failure_note: string | null;
  proof: ProofOfDelivery | null;
}

export function writeStopStatus(db: Db, stopId: string, f: StopStatusFields, updatedAt: string): void {
  stmt(
    db,
    `UPDATE stops SET status = ?, route_id = ?, driver_id = ?, failure_reason = ?, failure_note = ?, proof_json = ?,
       updated_at = ? WHERE id = ?`,
  ).run(
    f.status,
    f.route_id,
    f.driver_id,
    f.failure_reason,
    f.failure_note,
    f.proof === null ? null : JSON.stringify(f.proof),
    updatedAt,
    stopId,
  );
}

/** Appends one entry to a stop's history; `details` is stored as given (JSON). */
export function appendStopHistory(
  db: Db,
  orgId: string,
  stopId: string,
  entry: { from: StopStatus | null; to: StopStatus; details: object; actor: string; at: string },
): void {
  stmt(
    db,
    `INSERT INTO stop_history (organization_id, stop_id, from_status, to_status, details_json, actor, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(orgId, stopId, entry.from, entry.to, JSON.stringify(entry.details), entry.actor, entry.at);
}

/** Every stop of a route follows the route's driver. */
export function setDriverOfRouteStops(db: Db, orgId: string, routeId: string, driverId: string | null, updatedAt: string): void {
  stmt(db, 'UPDATE stops SET driver_id = ?, updated_at = ? WHERE route_id = ? AND organization_id = ?').run(
    driverId,
    updatedAt,
    routeId,
    orgId,
  );
}

/** Stops still pointing at a route that is being deleted let go of it (their status is the caller's). */
export function detachStopsFromRoute(db: Db, routeId: string): void {
  stmt(db, 'UPDATE stops SET route_id = NULL WHERE route_id = ?').run(routeId);
}

export function stopHistory(db: Db, orgId: string, stopId: string): StopHistoryEntry[] {
  const rows = stmt(
    db,
    `SELECT from_status, to_status, details_json, actor, created_at FROM stop_history
     WHERE organization_id = ? AND stop_id = ? ORDER BY seq`,
  ).all(orgId, stopId) as {
    from_status: StopStatus | null;
    to_status: StopStatus;
    details_json: string;
    actor: string;
    created_at: string;
  }[];
  return rows.map((r) => ({
    from_status: r.from_status,
    to_status: r.to_status,
    details: JSON.parse(r.details_json) as Record<string, unknown>,
    actor: r.actor,
    at: r.created_at,
  }));
}

/** Adds the creation entry to a new stop's history (status null → pending). */
function recordStopCreated(db: Db, orgId: string, stopId: string, actor: string): void {
  stmt(
    db,
    `INSERT INTO stop_history (organization_id, stop_id, from_status, to_status, details_json, actor, created_at)
     VALUES (?, ?, NULL, 'pending', '{}', ?, ?)`,
  ).run(orgId, stopId, actor, nowIso());
}
