import type { Migration } from './types.js';
import { migration as core } from './001_core.js';
import { migration as serviceAreas } from './002_service_areas.js';
import { migration as tracking } from './003_tracking.js';
import { migration as webhooks } from './004_webhooks.js';
import { migration as listIndexes } from './005_list_indexes.js';
import { migration as organizationDay } from './006_organization_day.js';
import { migration as jobCancel } from './007_job_cancel.js';
import { migration as archive } from './008_archive.js';
import { migration as idempotencyOwner } from './009_idempotency_owner.js';

export type { Migration } from './types.js';

/** Every migration, in version order. Add one line per new numbered file. */
export const migrations: Migration[] = [
  core,
  serviceAreas,
  tracking,
  webhooks,
  listIndexes,
  organizationDay,
  jobCancel,
  archive,
  idempotencyOwner,
];
