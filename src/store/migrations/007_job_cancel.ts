import type { Migration } from './types.js';

/**
 * Async jobs can be cancelled (`DELETE /jobs/:id`): the `jobs.status` check gains `cancelled`. SQLite cannot change
 * a CHECK constraint in place, so the table is rebuilt (nothing refers to it). Also an index for an organization's
 * jobs.
 */
export const migration: Migration = {
  version: 7,
  name: 'job_cancel',
  sql: `
CREATE TABLE jobs_new (
  id TEXT PRIMARY KEY,
  organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  progress REAL NOT NULL DEFAULT 0,
  result_json TEXT,
  error_json TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO jobs_new (id, organization_id, kind, status, progress, result_json, error_json, created_at, updated_at)
  SELECT id, organization_id, kind, status, progress, result_json, error_json, created_at, updated_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_org ON jobs(organization_id);
`,
};
