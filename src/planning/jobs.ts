import type { Db } from '../store/db.js';
import { createJob, FINISHED_JOB_STATUSES, getJob, updateJob, type JobRecord } from '../store/jobs.js';
import { DomainError } from '../errors.js';
import type { SolveControl } from './solver-port.js';

/** What a job's work gets: its id, a signal that aborts on cancel or shutdown, progress and start reports. */
export type JobWorkControl = Required<Pick<SolveControl, 'jobId' | 'signal' | 'onProgress' | 'onStart'>>;

/** Runs long work (optimizations) after answering 202; its state lives in the `jobs` table. */
export interface JobRunner {
  /**
   * Records a `queued` job and runs `work`; the job turns `running` when its solve leaves the fair queue
   * (`control.onStart`), then `succeeded` or `failed`.
   */
  start(organizationId: string, kind: string, work: (control: JobWorkControl) => Promise<unknown>): string;
  /**
   * Cancels a queued or running job of the organization: its solve is dropped from the queue or stopped, and the
   * job ends `cancelled` at once. 404 `not_found` for another organization's job, 409 `conflict` when it finished.
   */
  cancel(organizationId: string, id: string): JobRecord;
  /** How many solves start before this job's (0: next); null unless its solve is waiting in the queue. */
  queuePosition(id: string): number | null;
  /** Resolves when every started job has settled (tests, shutdown). */
  idle(): Promise<void>;
  /** Asks every running job to stop (server shutdown); they end as failed. */
  abortAll(): void;
}

/** Where a job's solve waits: the fair solve queue (src/planning/solve-queue.ts). */
export interface JobQueue {
  positionOf(jobId: string): number | null;
}

/** Progress is written at most this often, so a chatty solver does not turn into a write storm. */
const PROGRESS_EVERY_MS = 250;

export function createJobRunner(db: Db, queue?: JobQueue): JobRunner {
  const running = new Set<Promise<void>>();
  /** Jobs of this process not settled yet, by id: how to stop each. */
  const live = new Map<string, AbortController>();
  return {
    start(organizationId, kind, work) {
      const id = createJob(db, organizationId, kind);
      const controller = new AbortController();
      live.set(id, controller);
      let lastWrite = 0;
      const control: JobWorkControl = {
        jobId: id,
        signal: controller.signal,
        onProgress: (fraction) => {
          const now = Date.now();
          if (now - lastWrite < PROGRESS_EVERY_MS) return;
          lastWrite = now;
          updateJob(db, id, { progress: Math.max(0, Math.min(1, fraction)) });
        },
        onStart: () => updateJob(db, id, { status: 'running' }),
      };
      const run = (async () => {
        // Let the 202 go out before the work starts.
        await new Promise((r) => setImmediate(r));
        try {
          const result = await work(control);
          updateJob(db, id, { status: 'succeeded', progress: 1, result });
        } catch (err) {
          // A cancelled job is already recorded as such; updateJob leaves finished jobs alone.
          const e = controller.signal.aborted
            ? new DomainError('unavailable', 'The server stopped while the job ran')
            : err instanceof DomainError
              ? err
              : new DomainError('internal', 'Job failed');
          updateJob(db, id, { status: 'failed', error: { code: e.code, message: e.message, details: e.details } });
        }
      })();
      running.add(run);
      void run.finally(() => {
        running.delete(run);
        live.delete(id);
      });
      return id;
    },
    cancel(organizationId, id) {
      const job = getJob(db, organizationId, id);
      if (!job) throw new DomainError('not_found', `Job ${id} not found`);
      if (FINISHED_JOB_STATUSES.includes(job.status)) {
        throw new DomainError('conflict', `Job ${id} has already finished (${job.status})`, { status: job.status });
      }
      updateJob(db, id, { status: 'cancelled' });
      live.get(id)?.abort();
      return getJob(db, organizationId, id)!;
    },
    queuePosition(id) {
      return queue?.positionOf(id) ?? null;
    },
    abortAll() {
      for (const c of live.values()) c.abort();
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
