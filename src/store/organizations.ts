import { nowIso, stmt, type Db } from './db.js';
import { newId } from './ids.js';

export interface Organization {
  id: string;
  name: string;
  created_at: string;
}

/** How the organization's day is read: its zone, the shift of vehicles without one, whether a van needs a driver. */
export interface OrganizationSettings {
  /** IANA zone name (`Europe/Tallinn`); dates and times of day of the organization are local to it. */
  time_zone: string;
  /** Local times of day (`HH:MM`); null when vehicles without a shift are not ready to plan. */
  default_shift: { from: string; to: string } | null;
  /** Auto-optimize uses only vehicles with an active driver. */
  require_driver: boolean;
}

export function getOrganization(db: Db, id: string): Organization | undefined {
  return stmt(db, 'SELECT id, name, created_at FROM organizations WHERE id = ?').get(id) as Organization | undefined;
}

export function findOrganizationByName(db: Db, name: string): Organization | undefined {
  return stmt(db, 'SELECT id, name, created_at FROM organizations WHERE name = ?').get(name) as
    | Organization
    | undefined;
}

export function createOrganization(db: Db, name: string): Organization {
  const org: Organization = { id: newId('org'), name, created_at: nowIso() };
  stmt(db, 'INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)').run(org.id, org.name, org.created_at);
  return org;
}

/** The organization called `name`, created when new. */
export function ensureOrganization(db: Db, name: string): { organization: Organization; created: boolean } {
  const existing = findOrganizationByName(db, name);
  if (existing) return { organization: existing, created: false };
  return { organization: createOrganization(db, name), created: true };
}

interface SettingsRow {
  time_zone: string;
  default_shift_from: string | null;
  default_shift_to: string | null;
  require_driver: number;
}

/** The organization's settings (UTC and no defaults for an unknown id, so callers need no branch). */
export function organizationSettings(db: Db, orgId: string): OrganizationSettings {
  const row = stmt(
    db,
    'SELECT time_zone, default_shift_from, default_shift_to, require_driver FROM organizations WHERE id = ?',
  ).get(orgId) as SettingsRow | undefined;
  if (!row) return { time_zone: 'UTC', default_shift: null, require_driver: false };
  return {
    time_zone: row.time_zone,
    default_shift:
      row.default_shift_from && row.default_shift_to ? { from: row.default_shift_from, to: row.default_shift_to } : null,
    require_driver: row.require_driver === 1,
  };
}

/** The organization's zone alone (the hot question of stop writes). */
export function organizationTimeZone(db: Db, orgId: string): string {
  const row = stmt(db, 'SELECT time_zone FROM organizations WHERE id = ?').get(orgId) as { time_zone: string } | undefined;
  return row?.time_zone ?? 'UTC';
}

/** Writes the given settings (absent fields unchanged); the caller validated the zone and clocks. */
export function updateOrganizationSettings(
  db: Db,
  orgId: string,
  patch: { name?: string; time_zone?: string; default_shift?: { from: string; to: string } | null; require_driver?: boolean },
): void {
  const now = organizationSettings(db, orgId);
  const next: OrganizationSettings = {
    time_zone: patch.time_zone ?? now.time_zone,
    default_shift: patch.default_shift !== undefined ? patch.default_shift : now.default_shift,
    require_driver: patch.require_driver ?? now.require_driver,
  };
  stmt(
    db,
    `UPDATE organizations SET time_zone = ?, default_shift_from = ?, default_shift_to = ?, require_driver = ?,
       name = COALESCE(?, name) WHERE id = ?`,
  ).run(
    next.time_zone,
    next.default_shift?.from ?? null,
    next.default_shift?.to ?? null,
    next.require_driver ? 1 : 0,
    patch.name ?? null,
    orgId,
  );
}
