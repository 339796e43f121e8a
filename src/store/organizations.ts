import { nowIso, stmt, type Db } from './db.js';
import { newId } from './ids.js';

export interface Organization {
  id: string;
  name: string;
  created_at: string;
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
