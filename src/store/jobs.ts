import { nowIso, stmt, type Db } from './db.js';
import { newId } from './ids.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Statuses a job never leaves. */
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface JobRecord {
  id: string;
  kind: string;
  status: JobStatus;
  /** 0..1 */
  progress: number;
  result: unknown;
  error: unknown;
  created_at: string;
  updated_at: string;
}

interface JobRow {
  id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  result_json: string | null;
  error_json: string | null;
  created_at: string;
  updated_at: string;
}

export function createJob(db: Db, organizationId: string, kind: string): string {
  const id = newId('job');
  const now = nowIso();
  stmt(
    db,
    `INSERT INTO jobs (id, organization_id, kind, status, progress, created_at, updated_at) VALUES (?, ?, ?, 'queued', 0, ?, ?)`,
  ).run(id, organizationId, kind, now, now);
  return id;
}

/** Changes a job that has not finished yet; a finished job (e.g. cancelled meanwhile) is left as it is. */
export function updateJob(
  db: Db,
  id: string,
  change: { status?: JobStatus; progress?: number; result?: unknown; error?: unknown },
): void {
  stmt(
    db,
    `UPDATE jobs SET status = COALESCE(?, status), progress = COALESCE(?, progress),
       result_json = COALESCE(?, result_json), error_json = COALESCE(?, error_json), updated_at = ?
     WHERE id = ? AND status IN ('queued', 'running')`,
  ).run(
    change.status ?? null,
    change.progress ?? null,
    change.result === undefined ? null : JSON.stringify(change.result),
    change.error === undefined ? null : JSON.stringify(change.error),
    nowIso(),
    id,
  );
}

export function getJob(db: Db, organizationId: string, id: string): JobRecord | undefined {
  const row = stmt(
    db,
    `SELECT id, kind, status, progress, result_json, error_json, created_at, updated_at FROM jobs
     WHERE organization_id = ? AND id = ?`,
  ).get(organizationId, id) as JobRow | undefined;
  if (!row) return undefined;
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    progress: row.progress,
    result: row.result_json === null ? null : (JSON.parse(row.result_json) as unknown),
    error: row.error_json === null ? null : (JSON.parse(row.error_json) as unknown),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Jobs left running by a previous process can never finish: mark them failed at start. */
export function failInterruptedJobs(db: Db): number {
  return stmt(
    db,
    `UPDATE jobs SET status = 'failed', error_json = '{"code":"internal","message":"Server restarted while the job ran"}',
       updated_at = ? WHERE status IN ('queued', 'running')`,
  ).run(nowIso()).changes;
}
