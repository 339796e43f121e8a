/**
 * A cooperative lock over writes to the main database file, shared (through a SharedArrayBuffer) by the main
 * thread and the WAL checkpoint worker, whose RESTART pass holds off writers. SQLite lets one connection write a
 * file at a time, and a connection that finds the write lock taken sleeps in its busy handler (1, 2, 5, 10 ms
 * ... backoff), which on the main thread stops every socket. With the gate, the main thread either finds it free
 * or defers its commit by a millisecond and keeps reading sockets; a worker blocks on it, woken the moment the
 * holder leaves.
 */
const FREE = 0;
const HELD = 1;

export class WriteGate {
  private readonly cell: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer, 0, 1);
  }

  /** Takes the gate if it is free. */
  tryEnter(): boolean {
    return Atomics.compareExchange(this.cell, 0, FREE, HELD) === FREE;
  }

  /**
   * Takes the gate, waiting for the holder if needed. Workers wait here; the main thread only where the caller
   * needs the write done now (an explicit flush, shutdown), and then at most one background step.
   */
  enter(): void {
    while (Atomics.compareExchange(this.cell, 0, FREE, HELD) !== FREE) Atomics.wait(this.cell, 0, HELD, 100);
  }

  leave(): void {
    Atomics.store(this.cell, 0, FREE);
    Atomics.notify(this.cell, 0);
  }

  /** Runs `fn` if the gate is free (true), else does nothing (false). */
  tryRun(fn: () => void): boolean {
    if (!this.tryEnter()) return false;
    try {
      fn();
    } finally {
      this.leave();
    }
    return true;
  }

  /** Runs `fn` holding the gate (waiting for it). */
  run<T>(fn: () => T): T {
    this.enter();
    try {
      return fn();
    } finally {
      this.leave();
    }
  }
}
