import type { Migration } from './types.js';

/**
 * Fast stop lists.
 * - Lists page by rowid within an organization. An index on organization_id alone is ordered by (organization_id,
 *   rowid), so a page is an index range read; without it SQLite picks another organization index and sorts every
 *   row of the organization for each page.
 * - `change_counters` counts writes to `stops` per organization, kept by triggers so that every writer (any module,
 *   any process) bumps it. The API caches rendered stop pages and serves them while the counter is unchanged.
 */
export const migration: Migration = {
  version: 5,
  name: 'list_indexes',
  sql: `
CREATE INDEX stops_org_rowid ON stops(organization_id);
CREATE INDEX routes_org_rowid ON routes(organization_id);
CREATE INDEX vehicles_org_rowid ON vehicles(organization_id);
CREATE INDEX drivers_org_rowid ON drivers(organization_id);
CREATE INDEX depots_org_rowid ON depots(organization_id);

CREATE TABLE change_counters (
  organization_id TEXT NOT NULL,
  table_name TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (organization_id, table_name)
);
CREATE TRIGGER stops_count_insert AFTER INSERT ON stops BEGIN
  INSERT INTO change_counters (organization_id, table_name, version) VALUES (NEW.organization_id, 'stops', 1)
  ON CONFLICT (organization_id, table_name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER stops_count_update AFTER UPDATE ON stops BEGIN
  INSERT INTO change_counters (organization_id, table_name, version) VALUES (NEW.organization_id, 'stops', 1)
  ON CONFLICT (organization_id, table_name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER stops_count_delete AFTER DELETE ON stops BEGIN
  INSERT INTO change_counters (organization_id, table_name, version) VALUES (OLD.organization_id, 'stops', 1)
  ON CONFLICT (organization_id, table_name) DO UPDATE SET version = version + 1;
END;
`,
};
