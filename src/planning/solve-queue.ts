/**
 * The fair solve queue: every solve of the server (synchronous plans and async jobs alike) waits here for a worker
 * slot, so one organization's long or numerous solves cannot stall the others.
 *
 * - One FIFO per organization; a free slot goes to the organization that has waited longest since it was last
 *   served (round-robin: an organization's turn moves to the back when one of its solves starts or finishes, and an
 *   organization that appears joins at the back).
 * - An organization runs at most `solvesPerOrg` solves while another organization has solves waiting; when every
 *   waiting organization is at its cap (typically: only one organization is active), a free slot is used anyway
 *   rather than left idle.
 * - Time limits are capped at `maxSolveTimeS`.
 * - A solve whose signal aborts is dropped from the queue unstarted, or stopped cooperatively when it runs; either
 *   way it rejects with `unavailable` and its slot goes to the next solve.
 */
import { DomainError } from '../errors.js';
import type { Problem, Solution } from '../solver/model.js';
import type { PlanSolveOptions, SolverPort } from './solver-port.js';

export interface SolveQueueOptions {
  /** Solves running at once; default: the solver's `concurrency` (its worker threads), else 1. */
  slots?: number;
  /** Running solves per organization while another organization waits (at least 1). */
  solvesPerOrg: number;
  /** Longest time limit handed to the solver, seconds. */
  maxSolveTimeS: number;
}

interface Entry {
  /** Arrival order, across organizations. */
  seq: number;
  problem: Problem;
  options: PlanSolveOptions;
  resolve: (solution: Solution) => void;
  reject: (error: unknown) => void;
  /** Removes the abort listener that drops the entry while it waits. */
  detach: () => void;
}

interface OrgQueue {
  organizationId: string;
  /** Solves not started, oldest first. */
  waiting: Entry[];
  running: number;
  /** The queue's clock at this organization's last event (joined, a solve started or finished); lowest goes next. */
  turn: number;
}

export interface SolveQueueStats {
  running: number;
  waiting: number;
  organizations: { organization_id: string; running: number; waiting: number }[];
}

export class SolveQueue implements SolverPort {
  readonly concurrency: number;
  private readonly orgs = new Map<string, OrgQueue>();
  private running = 0;
  private seq = 0;
  /** Ticks at every join, start and finish; orders turns. */
  private clock = 0;
  private closed = false;

  constructor(
    private readonly inner: SolverPort,
    private readonly options: SolveQueueOptions,
  ) {
    this.concurrency = Math.max(1, options.slots ?? inner.concurrency ?? 1);
  }

  solve(problem: Problem, options: PlanSolveOptions): Promise<Solution> {
    if (this.closed) return Promise.reject(new DomainError('unavailable', 'The server is shutting down'));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(cancelled());
    return new Promise<Solution>((resolve, reject) => {
      const entry: Entry = {
        seq: this.seq++,
        problem,
        options: { ...options, timeLimitS: Math.min(options.timeLimitS, this.options.maxSolveTimeS) },
        resolve,
        reject,
        detach: () => {},
      };
      const org = this.orgOf(options.organizationId);
      org.waiting.push(entry);
      if (signal) {
        const drop = (): void => this.drop(org, entry);
        signal.addEventListener('abort', drop, { once: true });
        entry.detach = () => signal.removeEventListener('abort', drop);
      }
      this.dispatch();
    });
  }

  /**
   * How many waiting solves start before the given job's (0: it is next), assuming round-robin turns from now on;
   * null when the job has no waiting solve (not yet asked, running, or finished).
   */
  positionOf(jobId: string): number | null {
    // An organization with a solve running gets its turn moved back when that solve ends: it ranks behind the idle
    // ones (turns up to clock), and every simulated start behind both (turns from 2 * clock).
    const sim = [...this.orgs.values()]
      .filter((o) => o.waiting.length > 0)
      .map((o) => ({ turn: o.running > 0 ? o.turn + this.clock : o.turn, next: 0, waiting: o.waiting }));
    let clock = 2 * this.clock;
    for (let position = 0; ; position++) {
      let best: (typeof sim)[number] | undefined;
      for (const o of sim) if (o.next < o.waiting.length && (!best || o.turn < best.turn)) best = o;
      if (!best) return null;
      if (best.waiting[best.next++]!.options.jobId === jobId) return position;
      best.turn = ++clock;
    }
  }

  stats(): SolveQueueStats {
    const organizations = [...this.orgs.values()].map((o) => ({ organization_id: o.organizationId, running: o.running, waiting: o.waiting.length }));
    return { running: this.running, waiting: organizations.reduce((n, o) => n + o.waiting, 0), organizations };
  }

  /** Rejects every waiting solve (`unavailable`) and refuses new ones; running solves are stopped by their owners. */
  close(): void {
    this.closed = true;
    for (const org of this.orgs.values()) {
      for (const entry of org.waiting.splice(0)) {
        entry.detach();
        entry.reject(new DomainError('unavailable', 'The server is shutting down'));
      }
    }
  }

  private orgOf(organizationId: string): OrgQueue {
    let org = this.orgs.get(organizationId);
    if (!org) {
      org = { organizationId, waiting: [], running: 0, turn: ++this.clock };
      this.orgs.set(organizationId, org);
    }
    return org;
  }

  private dispatch(): void {
    while (!this.closed && this.running < this.concurrency) {
      const org = this.pick();
      if (!org) return;
      this.start(org, org.waiting.shift()!);
    }
  }

  /** The organization whose turn it is among those under their cap; else (all at cap) among every waiting one. */
  private pick(): OrgQueue | undefined {
    let underCap: OrgQueue | undefined;
    let atCap: OrgQueue | undefined;
    for (const org of this.orgs.values()) {
      if (org.waiting.length === 0) continue;
      if (org.running < this.options.solvesPerOrg) {
        if (!underCap || org.turn < underCap.turn) underCap = org;
      } else if (!atCap || org.turn < atCap.turn) {
        atCap = org;
      }
    }
    return underCap ?? atCap;
  }

  private start(org: OrgQueue, entry: Entry): void {
    entry.detach();
    org.running++;
    this.running++;
    org.turn = ++this.clock;
    const { signal } = entry.options;
    let run: Promise<Solution>;
    try {
      entry.options.onStart?.();
      run = this.inner.solve(entry.problem, entry.options);
    } catch (err) {
      run = Promise.reject(err);
    }
    run
      .then(entry.resolve, (err: unknown) => entry.reject(signal?.aborted ? cancelled() : err))
      .finally(() => {
        org.running--;
        this.running--;
        org.turn = ++this.clock;
        this.forgetIfIdle(org);
        this.dispatch();
      });
  }

  /** A waiting solve whose caller gave up: out of the queue, never started. */
  private drop(org: OrgQueue, entry: Entry): void {
    const index = org.waiting.indexOf(entry);
    if (index < 0) return; // already started: the solver sees the same signal
    org.waiting.splice(index, 1);
    this.forgetIfIdle(org);
    entry.reject(cancelled());
  }

  private forgetIfIdle(org: OrgQueue): void {
    if (org.running === 0 && org.waiting.length === 0) this.orgs.delete(org.organizationId);
  }
}

function cancelled(): DomainError {
  return new DomainError('unavailable', 'The solve was cancelled');
}
