/**
 * Relocate: move job u into another route, right after or right before one of its neighbours v. A shipment half
 * never moves alone (shipment-relocate.ts moves both).
 * Move record: a = position of u, b = insert-after position in r2.
 */
import { PLAIN } from '../instance.js';
import { record, type MoveRecord, type Operator, type SearchContext } from './operator.js';

function build(ctx: SearchContext, r1: number, i: number, r2: number, after: number): boolean {
  const ru = ctx.sol.routes[r1]!;
  const rv = ctx.sol.routes[r2]!;
  const u = ru.jobAt(i);
  if (!ctx.p1.prefix(ru, i - 1).range(ru, i + 1, ru.m).finish()) return false;
  return ctx.p2.prefix(rv, after).job(u).range(rv, after + 1, rv.m).finish();
}

export const relocate: Operator = {
  name: 'relocate',
  evaluate(ctx, u, best) {
    const { sol, inst } = ctx;
    if (inst.jobKind[u] !== PLAIN) return;
    const r1 = sol.jobRoute[u]!;
    const i = sol.jobPos[u]!;
    const ru = sol.routes[r1]!;
    if (!ctx.p1.prefix(ru, i - 1).range(ru, i + 1, ru.m).finish()) return;
    const k = inst.k;
    for (let t = 0; t < k; t++) {
      const v = inst.neighbours[u * k + t]!;
      const r2 = sol.jobRoute[v]!;
      if (r2 < 0 || r2 === r1) continue;
      const rv = sol.routes[r2]!;
      if (inst.hasSkillLimits && inst.compat[rv.vehicle * inst.nJobs + u] === 0) continue;
      const j = sol.jobPos[v]!;
      for (let after = j - 1; after <= j; after++) {
        if (!ctx.p2.prefix(rv, after).job(u).range(rv, after + 1, rv.m).finish()) continue;
        const delta = sol.delta(r1, ctx.p1, r2, ctx.p2);
        if (delta < best.delta) record(best, relocate, delta, r1, r2, i, after, 0, 0);
      }
    }
  },
  apply(ctx, m) {
    if (!build(ctx, m.r1, m.a, m.r2, m.b)) throw new Error('relocate: recorded move no longer feasible');
    ctx.sol.applyTwo(m.r1, ctx.p1, m.r2, ctx.p2);
  },
};
