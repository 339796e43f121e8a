/**
 * 2-opt within a route, creating the edge u → v for a neighbour v later in the same route: the stretch after u
 * up to v is reversed; not when the stretch holds a whole shipment (its delivery would come first).
 * Move record: a = position of u, b = position of v.
 */
import { record, type Operator, type SearchContext } from './operator.js';

function build(ctx: SearchContext, r: number, i: number, j: number): boolean {
  const route = ctx.sol.routes[r]!;
  return ctx.p1.prefix(route, i).reversed(route, i + 1, j).range(route, j + 1, route.m).finish();
}

export const twoOpt: Operator = {
  name: 'two-opt',
  evaluate(ctx, u, best) {
    const { sol, inst } = ctx;
    const r = sol.jobRoute[u]!;
    const i = sol.jobPos[u]!;
    const k = inst.k;
    for (let t = 0; t < k; t++) {
      const v = inst.neighbours[u * k + t]!;
      if (sol.jobRoute[v] !== r) continue;
      const j = sol.jobPos[v]!;
      if (j <= i + 1) continue;
      if (inst.hasShipments && sol.routes[r]!.pairCloseFrom[i + 1]! <= j) continue;
      if (!build(ctx, r, i, j)) continue;
      const delta = sol.delta(r, ctx.p1, -1, null);
      if (delta < best.delta) record(best, twoOpt, delta, r, r, i, j, 0, 0);
    }
  },
  apply(ctx, m) {
    if (!build(ctx, m.r1, m.a, m.b)) throw new Error('two-opt: recorded move no longer feasible');
    ctx.sol.applyProposal(m.r1, ctx.p1);
  },
};
