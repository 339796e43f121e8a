/**
 * The local-search operator interface (after VROOM's operator.h and PyVRP's LocalSearchOperator):
 * `evaluate` prices the best move around job u without changing anything and records it when it beats
 * `best.delta`; `apply` performs a recorded move. Feasibility and cost always come from Proposals (O(1) per
 * cached piece), never from the operator checking constraints itself.
 */
import type { Instance } from '../instance.js';
import { Proposal } from '../proposal.js';
import type { SolutionState } from '../solution-state.js';

/** A recorded move; the meaning of a..d is the operator's own. */
export interface MoveRecord {
  operator: Operator | null;
  delta: number;
  /** Route of u, and the other route (may equal r1 for intra-route moves). */
  r1: number;
  r2: number;
  a: number;
  b: number;
  c: number;
  d: number;
}

export interface Operator {
  readonly name: string;
  evaluate(ctx: SearchContext, u: number, best: MoveRecord): void;
  apply(ctx: SearchContext, move: MoveRecord): void;
}

export class SearchContext {
  /** Candidate for the first route of a move. */
  readonly p1: Proposal;
  /** Candidate for the second route of a move. */
  readonly p2: Proposal;
  readonly inst: Instance;
  /** Scratch: routeMark[r] = 1 for a route an operator already tried for the current job (reset by the user). */
  readonly routeMark: Uint8Array;

  constructor(readonly sol: SolutionState) {
    this.inst = sol.inst;
    this.routeMark = new Uint8Array(sol.inst.nVehicles);
    this.p1 = new Proposal(sol.inst);
    this.p2 = new Proposal(sol.inst);
  }
}

export function newMove(): MoveRecord {
  return { operator: null, delta: 0, r1: -1, r2: -1, a: 0, b: 0, c: 0, d: 0 };
}

export function record(best: MoveRecord, op: Operator, delta: number, r1: number, r2: number, a: number, b: number, c: number, d: number): void {
  best.operator = op;
  best.delta = delta;
  best.r1 = r1;
  best.r2 = r2;
  best.a = a;
  best.b = b;
  best.c = c;
  best.d = d;
}
