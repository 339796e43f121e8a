/**
 * Longest run of each kind of work on the event loop since the last `take()` (ms): what an incoming message may
 * have waited behind. Printed with the ingest statistics (bench/ws-load); costs one clock read per task.
 */
import { performance } from 'node:perf_hooks';

export class StallMeter {
  private longest = new Map<string, number>();

  record(name: string, ms: number): void {
    if (ms > (this.longest.get(name) ?? 0)) this.longest.set(name, ms);
  }

  /** Runs `fn` and records how long it took under `name`. */
  time<T>(name: string, fn: () => T): T {
    const started = performance.now();
    try {
      return fn();
    } finally {
      this.record(name, performance.now() - started);
    }
  }

  take(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.longest) out[k] = Math.round(v * 10) / 10;
    this.longest = new Map();
    return out;
  }
}

/**
 * The process's meter: the hub's timers, the writer's batches (`batch`) and compaction (`compaction_copy` per copy
 * step, `compaction_chunk` per journal trim).
 */
export const stalls = new StallMeter();
