import type { Migration } from './types.js';

/**
 * The organization's day (planning).
 * - `time_zone`: IANA zone every date and time of day of the organization is read in (service days, shifts, the
 *   dashboard). Existing organizations keep UTC, which is how their data was read until now.
 * - `default_shift_from/to`: the shift (local times of day) of vehicles that have none; null: such vehicles are not
 *   ready for auto-optimize. `require_driver`: only vehicles with an active driver are ready.
 * - Vehicle shifts become local times of day (`HH:MM`) applied to each route's date; stored instants were UTC, so
 *   their UTC time of day is the local time in the UTC zone existing organizations keep.
 */
export const migration: Migration = {
  version: 6,
  name: 'organization_day',
  sql: `
ALTER TABLE organizations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE organizations ADD COLUMN default_shift_from TEXT;
ALTER TABLE organizations ADD COLUMN default_shift_to TEXT;
ALTER TABLE organizations ADD COLUMN require_driver INTEGER NOT NULL DEFAULT 0;
UPDATE vehicles SET shift_from = substr(shift_from, 12, 5), shift_to = substr(shift_to, 12, 5)
  WHERE shift_from LIKE '____-__-__T%' AND shift_to LIKE '____-__-__T%';
`,
};
