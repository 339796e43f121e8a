/**
 * A driver's journaled seqs, oldest first, in a ring over a typed array: the writer appends each new ping's
 * seq and drops the oldest as the journal is trimmed. A plain array churned a new backing store every few
 * pushes and shifts, and those lived seconds (until the journal moved): old-generation garbage on every ping.
 */
export class SeqRing {
  private items = new Float64Array(8);
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(seq: number): void {
    if (this.size === this.items.length) {
      const bigger = new Float64Array(this.items.length * 2);
      for (let i = 0; i < this.size; i++) bigger[i] = this.items[(this.head + i) % this.items.length]!;
      this.items = bigger;
      this.head = 0;
    }
    this.items[(this.head + this.size) % this.items.length] = seq;
    this.size++;
  }

  /** Drops the oldest. */
  shift(): void {
    if (this.size === 0) return;
    this.head = (this.head + 1) % this.items.length;
    this.size--;
  }

  /** Drops the newest (undoing a push). */
  pop(): void {
    if (this.size > 0) this.size--;
  }

  includes(seq: number): boolean {
    for (let i = 0; i < this.size; i++) if (this.items[(this.head + i) % this.items.length] === seq) return true;
    return false;
  }
}
