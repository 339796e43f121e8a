import { stmt, type Db } from './db.js';

/** How many writes `table` has seen for the organization (kept by triggers, migration 005); 0 before the first. */
export function tableVersion(db: Db, organizationId: string, table: 'stops'): number {
  const row = stmt(db, 'SELECT version FROM change_counters WHERE organization_id = ? AND table_name = ?').get(
    organizationId,
    table,
  ) as { version: number } | undefined;
  return row?.version ?? 0;
}
