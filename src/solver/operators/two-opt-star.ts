/**
 * 2-opt* (swap tails between two routes) creating the edge u → v: route 1 keeps its head up to u and takes v
 * and everything after it; route 2 keeps its head before v and takes what followed u.
 * Only where no shipment is under way across either cut (openAfter is 0), so that no shipment is split.
 * Move record: a = position of u in r1, b = position of v in r2.
 */
import { record, type Operator, type SearchContext } from './operator.js';

function build(ctx: SearchContext, r1: number, i: number, r2: number, j: number): boolean {
  const ru = ctx.sol.routes[r1]!;
  const rv = ctx.sol.routes[r2]!;
  if (!ctx.p1.prefix(ru, i).range(rv, j, rv.m).finish()) return false;
  return ctx.p2.prefix(rv, j - 1).range(ru, i + 1, ru.m).finish();
}

export const twoOptStar: Operator = {
  name: 'two-opt-star',
  evaluate(ctx, u, best) {
    const { sol, inst } = ctx;
    const r1 = sol.jobRoute[u]!;
    const i = sol.jobPos[u]!;
    const k = inst.k;
    for (let t = 0; t < k; t++) {
      const v = inst.neighbours[u * k + t]!;
      const r2 = sol.jobRoute[v]!;
      if (r2 < 0 || r2 === r1) continue;
      const j = sol.jobPos[v]!;
      if (inst.hasShipments && (sol.routes[r1]!.openAfter[i] !== 0 || sol.routes[r2]!.openAfter[j - 1] !== 0)) continue;
      if (!build(ctx, r1, i, r2, j)) continue;
      const delta = sol.delta(r1, ctx.p1, r2, ctx.p2);
      if (delta < best.delta) record(best, twoOptStar, delta, r1, r2, i, j, 0, 0);
    }
  },
  apply(ctx, m) {
    if (!build(ctx, m.r1, m.a, m.r2, m.b)) throw new Error('two-opt*: recorded move no longer feasible');
    ctx.sol.applyTwo(m.r1, ctx.p1, m.r2, ctx.p2);
  },
};
