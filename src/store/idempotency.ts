import { nowIso, stmt, type Db } from './db.js';

export interface IdempotencyRecord {
  method: string;
  path: string;
  body_hash: string;
  /** null while the first request with this key is still being answered. */
  status: number | null;
  response: string | null;
  content_type: string | null;
  created_at: string;
}

export function findIdempotency(db: Db, organizationId: string, key: string): IdempotencyRecord | undefined {
  return stmt(
    db,
    `SELECT method, path, body_hash, status, response, content_type, created_at
     FROM idempotency WHERE organization_id = ? AND key = ?`,
  ).get(organizationId, key) as IdempotencyRecord | undefined;
}

/** Claims the key for a request about to run (status null). Replaces a stale claim older than `staleBefore`. */
export function claimIdempotency(
  db: Db,
  organizationId: string,
  key: string,
  claim: { method: string; path: string; bodyHash: string },
): void {
  stmt(
    db,
    `INSERT OR REPLACE INTO idempotency (organization_id, key, method, path, body_hash, status, response, content_type, created_at)
     VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?)`,
  ).run(organizationId, key, claim.method, claim.path, claim.bodyHash, nowIso());
}

export function completeIdempotency(
  db: Db,
  organizationId: string,
  key: string,
  answer: { status: number; response: string; contentType: string | null },
): void {
  stmt(
    db,
    `UPDATE idempotency SET status = ?, response = ?, content_type = ? WHERE organization_id = ? AND key = ?`,
  ).run(answer.status, answer.response, answer.contentType, organizationId, key);
}

/** Forgets a claim whose request failed on our side, so the client may retry with the same key. */
export function releaseIdempotency(db: Db, organizationId: string, key: string): void {
  stmt(db, 'DELETE FROM idempotency WHERE organization_id = ? AND key = ? AND status IS NULL').run(organizationId, key);
}
