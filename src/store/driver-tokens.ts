/**
 * Driver tokens (`driver_tokens`, migration 003): what a driver's app presents on `/ws/driver`. Only a hash of each
 * secret is stored.
 */
import { createHash } from 'node:crypto';
import { nowIso, stmt, type Db } from './db.js';
import { newId, randomBase32 } from './ids.js';

/** Driver tokens are told apart from API tokens (`mk_...`) by their prefix. */
export const DRIVER_TOKEN_PREFIX = 'mkd_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Issues a driver token; the returned string is the only copy of the secret. */
export function createDriverToken(db: Db, organizationId: string, driverId: string): { id: string; token: string } {
  const token = `${DRIVER_TOKEN_PREFIX}${randomBase32(32)}`;
  const id = newId('tok');
  stmt(
    db,
    'INSERT INTO driver_tokens (id, organization_id, driver_id, hash, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(id, organizationId, driverId, hashToken(token), nowIso());
  return { id, token };
}

export interface DriverIdentity {
  driverId: string;
  organizationId: string;
}

/** The driver an unrevoked token belongs to (an inactive driver cannot connect), and which token it is. */
export function findDriverByToken(db: Db, token: string): (DriverIdentity & { tokenId: string }) | undefined {
  if (!token.startsWith(DRIVER_TOKEN_PREFIX)) return undefined;
  const row = stmt(
    db,
    `SELECT t.id, t.driver_id, t.organization_id FROM driver_tokens t JOIN drivers d ON d.id = t.driver_id
     WHERE t.hash = ? AND t.revoked_at IS NULL AND d.status = 'active'`,
  ).get(hashToken(token)) as { id: string; driver_id: string; organization_id: string } | undefined;
  return row && { driverId: row.driver_id, organizationId: row.organization_id, tokenId: row.id };
}

/** A driver token as listed (never the secret: only its hash is stored). */
export interface DriverTokenInfo {
  id: string;
  driver_id: string;
  created_at: string;
  revoked_at: string | null;
}

/** Every token issued to a driver, newest first, revoked ones included. */
export function listDriverTokens(db: Db, organizationId: string, driverId: string): DriverTokenInfo[] {
  return stmt(
    db,
    `SELECT id, driver_id, created_at, revoked_at FROM driver_tokens WHERE organization_id = ? AND driver_id = ?
     ORDER BY created_at DESC, id DESC`,
  ).all(organizationId, driverId) as DriverTokenInfo[];
}

/**
 * Revokes one of a driver's tokens (it is refused at the next connect; the hub closes sockets opened with it).
 * Revoking again keeps the first time. Undefined when the driver has no such token.
 */
export function revokeDriverToken(db: Db, organizationId: string, driverId: string, tokenId: string): DriverTokenInfo | undefined {
  stmt(
    db,
    `UPDATE driver_tokens SET revoked_at = ? WHERE id = ? AND organization_id = ? AND driver_id = ? AND revoked_at IS NULL`,
  ).run(nowIso(), tokenId, organizationId, driverId);
  return stmt(
    db,
    'SELECT id, driver_id, created_at, revoked_at FROM driver_tokens WHERE id = ? AND organization_id = ? AND driver_id = ?',
  ).get(tokenId, organizationId, driverId) as DriverTokenInfo | undefined;
}

/** Ids of tokens revoked at or after `sinceIso` (the hub closes sockets still open with them). */
export function driverTokensRevokedSince(db: Db, sinceIso: string): string[] {
  return (
    stmt(db, 'SELECT id FROM driver_tokens WHERE revoked_at IS NOT NULL AND revoked_at >= ?').all(sinceIso) as { id: string }[]
  ).map((r) => r.id);
}
