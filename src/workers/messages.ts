/** Messages across the solve worker's thread boundary. The problem is trusted internal data and is not re-validated. */
import { z } from 'zod';
import type { Problem, Solution, SolveOptions, SolveProgress } from '../solver/model.js';

/** Solve options that can cross a thread boundary: no clock, no callbacks (the worker supplies its own). */
export type WorkerSolveOptions = Omit<SolveOptions, 'clock' | 'shouldStop' | 'onProgress'>;

export interface SolveRequest {
  type: 'solve';
  id: number;
  problem: Problem;
  options: WorkerSolveOptions;
  /** Int32Array view over it; slot 0 becomes 1 when the caller wants the solve to stop. */
  stopFlag: SharedArrayBuffer;
}

export type WorkerReply =
  | { type: 'progress'; id: number; progress: SolveProgress }
  | { type: 'done'; id: number; solution: Solution }
  | { type: 'failed'; id: number; message: string };

/** Checks only the envelope (cheap); the solution inside is produced by our own solver. */
export const workerReplyEnvelope = z.object({
  type: z.enum(['progress', 'done', 'failed']),
  id: z.int(),
});
