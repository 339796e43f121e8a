/**
 * Or-opt: move a segment of 1–3 consecutive jobs starting at u, forward or reversed, next to a neighbour v
 * (right after v, or right before it). Within u's route (intra) or into another route for 2–3 jobs (single jobs
 * between routes are `relocate`'s job).
 * Shipments stay whole and in order (keepsShipments): a segment leaving its route carries both halves of every
 * shipment it touches, and a half moving within its route stays on its side of the other half.
 * Move record: a = segment start, b = segment length, c = insert-after position in r2 (in r2's current
 * numbering), d = 1 when reversed.
 */
import { DELIVERY, PICKUP, PLAIN } from '../instance.js';
import { record, type Operator, type SearchContext } from './operator.js';

const MAX_LEN = 3;

function addSegment(ctx: SearchContext, which: 1 | 2, r1: number, i: number, len: number, rev: number): void {
  const ru = ctx.sol.routes[r1]!;
  const p = which === 1 ? ctx.p1 : ctx.p2;
  if (rev) p.reversed(ru, i, i + len - 1);
  else p.range(ru, i, i + len - 1);
}

function build(ctx: SearchContext, r1: number, i: number, len: number, r2: number, after: number, rev: number): boolean {
  const ru = ctx.sol.routes[r1]!;
  const last = i + len - 1;
  if (r1 !== r2) {
    const rv = ctx.sol.routes[r2]!;
    if (!ctx.p1.prefix(ru, i - 1).range(ru, last + 1, ru.m).finish()) return false;
    ctx.p2.prefix(rv, after);
    addSegment(ctx, 2, r1, i, len, rev);
    return ctx.p2.range(rv, after + 1, rv.m).finish();
  }
  if (after < i - 1) {
    ctx.p1.prefix(ru, after);
    addSegment(ctx, 1, r1, i, len, rev);
    return ctx.p1.range(ru, after + 1, i - 1).range(ru, last + 1, ru.m).finish();
  }
  // after > last
  ctx.p1.prefix(ru, i - 1).range(ru, last + 1, after);
  addSegment(ctx, 1, r1, i, len, rev);
  return ctx.p1.range(ru, after + 1, ru.m).finish();
}

/** O(len): whether moving the segment keeps every shipment on one route with its pickup first. */
function keepsShipments(ctx: SearchContext, r1: number, i: number, len: number, r2: number, after: number, rev: number): boolean {
  const { sol, inst } = ctx;
  const ru = sol.routes[r1]!;
  const last = i + len - 1;
  if (rev && ru.pairCloseFrom[i]! <= last) return false;
  for (let k = i; k <= last; k++) {
    const x = ru.jobAt(k);
    const kind = inst.jobKind[x]!;
    if (kind === PLAIN) continue;
    const sp = sol.jobPos[inst.jobSibling[x]!]!;
    if (sp >= i && sp <= last) continue;
    if (r2 !== r1) return false;
    // The other half stays: a pickup must still come before it, a delivery after it.
    if (kind === PICKUP && after >= sp) return false;
    if (kind === DELIVERY && after < sp) return false;
  }
  return true;
}

export const orOpt: Operator = {
  name: 'or-opt',
  evaluate(ctx, u, best) {
    const { sol, inst } = ctx;
    const r1 = sol.jobRoute[u]!;
    const i = sol.jobPos[u]!;
    const ru = sol.routes[r1]!;
    const k = inst.k;
    for (let len = 1; len <= MAX_LEN && i + len - 1 <= ru.m; len++) {
      const last = i + len - 1;
      for (let t = 0; t < k; t++) {
        const v = inst.neighbours[u * k + t]!;
        const r2 = sol.jobRoute[v]!;
        if (r2 < 0 || (r2 !== r1 && len === 1)) continue;
        const j = sol.jobPos[v]!;
        if (r2 === r1 && j >= i && j <= last) continue;
        for (let after = j - 1; after <= j; after++) {
          if (r2 === r1 && after >= i - 1 && after <= last) continue;
          for (let rev = 0; rev <= (len > 1 ? 1 : 0); rev++) {
            if (inst.hasShipments && !keepsShipments(ctx, r1, i, len, r2, after, rev)) continue;
            if (!build(ctx, r1, i, len, r2, after, rev)) continue;
            const delta = r1 === r2 ? sol.delta(r1, ctx.p1, -1, null) : sol.delta(r1, ctx.p1, r2, ctx.p2);
            if (delta < best.delta) record(best, orOpt, delta, r1, r2, i, len, after, rev);
          }
        }
      }
    }
  },
  apply(ctx, m) {
    if (!build(ctx, m.r1, m.a, m.b, m.r2, m.c, m.d)) throw new Error('or-opt: recorded move no longer feasible');
    if (m.r2 !== m.r1) ctx.sol.applyTwo(m.r1, ctx.p1, m.r2, ctx.p2);
    else ctx.sol.applyProposal(m.r1, ctx.p1);
  },
};
