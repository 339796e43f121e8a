import type { Db } from '../store/db.js';
import { createJob, updateJob } from '../store/jobs.js';
import { DomainError } from '../errors.js';

/** Runs long work (optimizations) after answering 202; its state lives in the `jobs` table. */
export interface JobRunner {
  start(
    organizationId: string,
    kind: string,
    work: (progress: (fraction: number) => void, signal: AbortSignal) => Promise<unknown>,
  ): string;
  /** Resolves when every started job has settled (tests, shutdown). */
  idle(): Promise<void>;
  /** Asks every running job to stop (server shutdown); they end as failed. */
  abortAll(): void;
}

/** Progress is written at most this often, so a chatty solver does not turn into a write storm. */
const PROGRESS_EVERY_MS = 250;

export function createJobRunner(db: Db): JobRunner {
  const running = new Set<Promise<void>>();
  const controllers = new Set<AbortController>();
  return {
    start(organizationId, kind, work) {
      const id = createJob(db, organizationId, kind);
      const controller = new AbortController();
      controllers.add(controller);
      let lastWrite = 0;
      const progress = (fraction: number): void => {
        const now = Date.now();
        if (now - lastWrite < PROGRESS_EVERY_MS) return;
        lastWrite = now;
        updateJob(db, id, { progress: Math.max(0, Math.min(1, fraction)) });
      };
      const run = (async () => {
        // Let the 202 go out before the work starts.
        await new Promise((r) => setImmediate(r));
        updateJob(db, id, { status: 'running' });
        try {
          const result = await work(progress, controller.signal);
          updateJob(db, id, { status: 'succeeded', progress: 1, result });
        } catch (err) {
          const e =
            err instanceof DomainError
              ? err
              : controller.signal.aborted
                ? new DomainError('unavailable', 'The server stopped while the job ran')
                : new DomainError('internal', 'Job failed');
          updateJob(db, id, { status: 'failed', error: { code: e.code, message: e.message, details: e.details } });
        }
      })();
      running.add(run);
      void run.finally(() => {
        running.delete(run);
        controllers.delete(controller);
      });
      return id;
    },
    abortAll() {
      for (const c of controllers) c.abort();
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
