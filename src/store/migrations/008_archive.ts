import type { Migration } from './types.js';

/**
 * Archiving: nothing a business needs is deleted.
 * - `archived_at` (ISO instant, null when live) on stops, vehicles and drivers. An archived row keeps its history,
 *   proof and the routes pointing at it; lists leave it out unless asked (`include=archived`).
 * - Lists read live rows by (organization_id, rowid): a partial index holds only those, so a page of live stops
 *   skips archived ones without reading them. Setting or clearing `archived_at` updates the `stops` row, so the
 *   change counters (005) see it and cached stop pages are re-rendered.
 */
export const migration: Migration = {
  version: 8,
  name: 'archive',
  sql: `
ALTER TABLE stops ADD COLUMN archived_at TEXT;
ALTER TABLE vehicles ADD COLUMN archived_at TEXT;
ALTER TABLE drivers ADD COLUMN archived_at TEXT;
CREATE INDEX stops_org_live ON stops(organization_id) WHERE archived_at IS NULL;
CREATE INDEX vehicles_org_live ON vehicles(organization_id) WHERE archived_at IS NULL;
CREATE INDEX drivers_org_live ON drivers(organization_id) WHERE archived_at IS NULL;
`,
};
