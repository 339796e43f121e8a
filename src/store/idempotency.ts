import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import { DomainError } from '../errors.js';
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
  /** The process holding the claim (`bootId:pid`); null on rows older than migration 008. */
  owner: string | null;
  /** Set in the same transaction as the request's write: non-null means the write happened. */
  committed_at: string | null;
}

export function findIdempotency(db: Db, organizationId: string, key: string): IdempotencyRecord | undefined {
  return stmt(
    db,
    `SELECT method, path, body_hash, status, response, content_type, created_at, owner, committed_at
     FROM idempotency WHERE organization_id = ? AND key = ?`,
  ).get(organizationId, key) as IdempotencyRecord | undefined;
}

interface Claim {
  method: string;
  path: string;
  bodyHash: string;
  /** The claiming process (`bootId:pid`). */
  owner: string;
}

/** Claims a key not seen before for a request about to run (status null). */
export function claimIdempotency(db: Db, organizationId: string, key: string, claim: Claim): void {
  stmt(
    db,
    `INSERT OR REPLACE INTO idempotency
       (organization_id, key, method, path, body_hash, status, response, content_type, created_at, owner, committed_at)
     VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, NULL)`,
  ).run(organizationId, key, claim.method, claim.path, claim.bodyHash, nowIso(), claim.owner);
}

/**
 * Takes over an abandoned claim (its process died, or it is stale) for `claim`. False when the row changed since
 * it was read as `seen` (another retry took it first, or its write committed meanwhile).
 */
export function takeOverIdempotency(
  db: Db,
  organizationId: string,
  key: string,
  seen: Pick<IdempotencyRecord, 'owner' | 'created_at' | 'committed_at'>,
  claim: Claim,
): boolean {
  return (
    stmt(
      db,
      `UPDATE idempotency SET method = ?, path = ?, body_hash = ?, owner = ?, created_at = ?
       WHERE organization_id = ? AND key = ? AND status IS NULL AND owner IS ? AND created_at = ? AND committed_at IS ?`,
    ).run(
      claim.method,
      claim.path,
      claim.bodyHash,
      claim.owner,
      nowIso(),
      organizationId,
      key,
      seen.owner,
      seen.created_at,
      seen.committed_at,
    ).changes === 1
  );
}

/** Stores the answer of the key's request, when `owner` still holds the claim; the first answer stored wins. */
export function completeIdempotency(
  db: Db,
  organizationId: string,
  key: string,
  owner: string,
  answer: { status: number; response: string; contentType: string | null },
): void {
  stmt(
    db,
    `UPDATE idempotency SET status = ?, response = ?, content_type = ?
     WHERE organization_id = ? AND key = ? AND owner = ? AND status IS NULL`,
  ).run(answer.status, answer.response, answer.contentType, organizationId, key, owner);
}

/**
 * Forgets a claim whose request failed on our side before writing anything, so the client may retry with the
 * same key. False (and nothing forgotten) when the request's write committed: then a retry must not run it again.
 */
export function releaseIdempotency(db: Db, organizationId: string, key: string, owner: string): boolean {
  return (
    stmt(
      db,
      'DELETE FROM idempotency WHERE organization_id = ? AND key = ? AND owner = ? AND status IS NULL AND committed_at IS NULL',
    ).run(organizationId, key, owner).changes > 0
  );
}

/**
 * The idempotent request a piece of code runs for. While `open` (from the claim until its answer is stored), every
 * write transaction committed in this async context also sets the claim's `committed_at`, inside that transaction.
 */
export interface IdempotencyScope {
  organizationId: string;
  key: string;
  owner: string;
  open: boolean;
}

const scopes = new AsyncLocalStorage<IdempotencyScope>();

/** Runs `fn` (a request handler) with its writes tied to `scope`'s claim. */
export function runInIdempotencyScope<T>(scope: IdempotencyScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

const tracked = new WeakSet<Db>();
type AnyFn = (...args: unknown[]) => unknown;

/**
 * Makes `db` mark idempotency claims at commit time: the outermost `db.transaction` run inside an open
 * `IdempotencyScope` ends with an UPDATE of the claim (`committed_at`), before its COMMIT, so the write and the
 * mark are one atomic unit: after a crash, `committed_at` set ⇔ the write is in the file. A single write statement
 * run outside any transaction in such a scope (`INSERT ...` autocommit) is run in one, so it is marked too. When the
 * claim is no longer this process's (taken over by a retry that judged it abandoned), the write throws
 * `idempotency_in_progress` and rolls back rather than run a second time.
 */
export function trackIdempotentWrites(db: Db): void {
  if (tracked.has(db)) return;
  tracked.add(db);
  wrapAutocommitWrites(db);
  const begin = db.transaction.bind(db) as (fn: AnyFn) => Database.Transaction<AnyFn>;
  /** Nesting depth of `db.transaction` calls running now (nested ones are savepoints of the outermost). */
  let depth = 0;
  const transaction = (fn: AnyFn): Database.Transaction<AnyFn> =>
    begin(function (this: unknown, ...args: unknown[]): unknown {
      depth++;
      try {
        const result = fn.apply(this, args);
        if (depth === 1) markCommitted(db);
        return result;
      } finally {
        depth--;
      }
    });
  db.transaction = transaction as Db['transaction'];
}

function markCommitted(db: Db): void {
  const scope = scopes.getStore();
  if (!scope?.open) return;
  const marked = stmt(
    db,
    `UPDATE idempotency SET committed_at = COALESCE(committed_at, ?)
     WHERE organization_id = ? AND key = ? AND owner = ? AND status IS NULL`,
  ).run(nowIso(), scope.organizationId, scope.key, scope.owner).changes;
  if (marked === 0) {
    throw new DomainError('idempotency_in_progress', 'Another request took over this Idempotency-Key; nothing was written', {
      key: scope.key,
    });
  }
}

let statementsWrapped = false;
const TRANSACTION_CONTROL = /^\s*(?:BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/** better-sqlite3 statements share one prototype: its `run` wraps a lone write of a tracked Db in a transaction. */
function wrapAutocommitWrites(db: Db): void {
  if (statementsWrapped) return;
  statementsWrapped = true;
  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as {
    run: (this: Database.Statement, ...params: unknown[]) => Database.RunResult;
  };
  const run = proto.run;
  proto.run = function (this: Database.Statement, ...params: unknown[]): Database.RunResult {
    const database = this.database;
    if (
      this.readonly ||
      database.inTransaction ||
      !scopes.getStore()?.open ||
      !tracked.has(database) ||
      // better-sqlite3 opens its transactions with statements too (`BEGIN IMMEDIATE` ...): never wrap those.
      TRANSACTION_CONTROL.test(this.source)
    ) {
      return run.apply(this, params);
    }
    return database.transaction(() => run.apply(this, params))();
  };
}
