import { createHash } from 'node:crypto';
import { nowIso, stmt, type Db } from './db.js';
import { newId, randomBase32 } from './ids.js';

export type TokenScope = 'read_only' | 'full_access';
export type TokenMode = 'live' | 'test';

/** A token as listed: never the secret, only a recognisable prefix. */
export interface TokenRecord {
  id: string;
  name: string;
  scope: TokenScope;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

interface TokenRow {
  id: string;
  organization_id: string;
  name: string;
  scope: TokenScope;
  display_prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const COLUMNS = 'id, organization_id, name, scope, display_prefix, created_at, last_used_at, revoked_at';

function toRecord(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    prefix: row.display_prefix,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
  };
}

/** Hex SHA-256: tokens are long random strings, so a fast unsalted hash is enough to make a leaked table useless. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a token; the returned `token` string is the only time the secret exists outside the client. */
export function createToken(
  db: Db,
  organizationId: string,
  input: { name: string; scope: TokenScope; mode?: TokenMode },
): { token: string; record: TokenRecord } {
  const secret = randomBase32(32);
  const token = `mk_${input.mode ?? 'live'}_${secret}`;
  const row: TokenRow = {
    id: newId('tok'),
    organization_id: organizationId,
    name: input.name,
    scope: input.scope,
    display_prefix: token.slice(0, token.indexOf('_', 3) + 5),
    created_at: nowIso(),
    last_used_at: null,
    revoked_at: null,
  };
  stmt(
    db,
    `INSERT INTO tokens (id, organization_id, name, scope, display_prefix, hash, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(row.id, row.organization_id, row.name, row.scope, row.display_prefix, hashToken(token), row.created_at);
  return { token, record: toRecord(row) };
}

/** The live (not revoked) token with this secret, or undefined. */
export function findActiveToken(db: Db, token: string): { id: string; organizationId: string; scope: TokenScope } | undefined {
  const row = stmt(db, `SELECT id, organization_id, scope FROM tokens WHERE hash = ? AND revoked_at IS NULL`).get(
    hashToken(token),
  ) as { id: string; organization_id: string; scope: TokenScope } | undefined;
  return row && { id: row.id, organizationId: row.organization_id, scope: row.scope };
}

export function touchToken(db: Db, tokenId: string, at: string): void {
  stmt(db, 'UPDATE tokens SET last_used_at = ? WHERE id = ?').run(at, tokenId);
}

export function listTokens(db: Db, organizationId: string): TokenRecord[] {
  const rows = stmt(db, `SELECT ${COLUMNS} FROM tokens WHERE organization_id = ? ORDER BY rowid`).all(
    organizationId,
  ) as TokenRow[];
  return rows.map(toRecord);
}

export function getToken(db: Db, organizationId: string, id: string): TokenRecord | undefined {
  const row = stmt(db, `SELECT ${COLUMNS} FROM tokens WHERE organization_id = ? AND id = ?`).get(organizationId, id) as
    | TokenRow
    | undefined;
  return row && toRecord(row);
}

let revocations = 0;

/**
 * Counts revocations made by this process, so an in-memory cache of token lookups can drop every entry the moment
 * a token is revoked here (see the auth plugin).
 */
export function tokenRevocations(): number {
  return revocations;
}

/** Marks the token revoked (idempotent: an already revoked token keeps its first revocation time). */
export function revokeToken(db: Db, organizationId: string, id: string): TokenRecord | undefined {
  stmt(db, 'UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE organization_id = ? AND id = ?').run(
    nowIso(),
    organizationId,
    id,
  );
  revocations++;
  return getToken(db, organizationId, id);
}

/** Ids of API tokens revoked at or after `sinceIso` (the hub closes their /ws/live sockets). */
export function tokensRevokedSince(db: Db, sinceIso: string): string[] {
  return (stmt(db, 'SELECT id FROM tokens WHERE revoked_at IS NOT NULL AND revoked_at >= ?').all(sinceIso) as { id: string }[]).map(
    (r) => r.id,
  );
}
