/**
 * Moving the ping journal (main file) into the per-driver track (track file, see store/track-file.ts) in rounds.
 * A round copies the journal's rows sorted by driver, so each driver's track pages are written once per round,
 * in short transactions on the track file; only then do the rows leave the journal, a few thousand per
 * transaction on the main file (copy before delete: the two files commit separately).
 */
import type { Db } from '../store/db.js';
import { copyJournalRows, planJournalRound } from '../store/pings.js';

/** Journal rows deleted per transaction once a round has copied them. */
export const TRIM_STEP_ROWS = 4000;

export class CopyRound {
  private nextSlice = 0;

  private constructor(
    private readonly slices: number[][],
    /** The highest journal id the round copies: every row up to it is in the track once the round is done. */
    readonly last: number,
  ) {}

  /** A round over the journal rows with id > `after` (see planJournalRound), in `slices` equal copy steps. */
  static plan(db: Db, slices: number, after = 0): CopyRound | null {
    const planned = planJournalRound(db, after);
    if (planned === null) return null;
    const size = Math.ceil(planned.ids.length / Math.max(1, slices));
    const parts: number[][] = [];
    for (let i = 0; i < planned.ids.length; i += size) parts.push(planned.ids.slice(i, i + size));
    return new CopyRound(parts, planned.last);
  }

  get done(): boolean {
    return this.nextSlice >= this.slices.length;
  }

  /** Copies the next slice in its own transaction (a write on the track file only). */
  step(db: Db): void {
    const ids = this.slices[this.nextSlice++];
    if (ids !== undefined) db.transaction(() => copyJournalRows(db, ids))();
  }
}
