/**
 * Exchange (swap) between routes: job u trades places with the job just before or after its neighbour v, so u
 * ends up next to v. Plain jobs only: a shipment half cannot change route alone (shipment-exchange.ts swaps
 * whole shipments). Move record: a = position of u in r1, b = position of the partner x in r2.
 */
import { PLAIN } from '../instance.js';
import { record, type Operator, type SearchContext } from './operator.js';

function build(ctx: SearchContext, r1: number, i: number, r2: number, k: number): boolean {
  const ru = ctx.sol.routes[r1]!;
  const rv = ctx.sol.routes[r2]!;
  const u = ru.jobAt(i);
  const x = rv.jobAt(k);
  if (!ctx.p1.prefix(ru, i - 1).job(x).range(ru, i + 1, ru.m).finish()) return false;
  return ctx.p2.prefix(rv, k - 1).job(u).range(rv, k + 1, rv.m).finish();
}

export const exchange: Operator = {
  name: 'exchange',
  evaluate(ctx, u, best) {
    const { sol, inst } = ctx;
    if (inst.jobKind[u] !== PLAIN) return;
    const r1 = sol.jobRoute[u]!;
    const i = sol.jobPos[u]!;
    const k = inst.k;
    for (let t = 0; t < k; t++) {
      const v = inst.neighbours[u * k + t]!;
      const r2 = sol.jobRoute[v]!;
      if (r2 < 0 || r2 === r1) continue;
      const rv = sol.routes[r2]!;
      if (inst.hasSkillLimits && inst.compat[rv.vehicle * inst.nJobs + u] === 0) continue;
      const j = sol.jobPos[v]!;
      for (let pk = j - 1; pk <= j + 1; pk += 2) {
        if (pk < 1 || pk > rv.m || inst.jobKind[rv.jobAt(pk)] !== PLAIN) continue;
        if (!build(ctx, r1, i, r2, pk)) continue;
        const delta = sol.delta(r1, ctx.p1, r2, ctx.p2);
        if (delta < best.delta) record(best, exchange, delta, r1, r2, i, pk, 0, 0);
      }
    }
  },
  apply(ctx, m) {
    if (!build(ctx, m.r1, m.a, m.r2, m.b)) throw new Error('exchange: recorded move no longer feasible');
    ctx.sol.applyTwo(m.r1, ctx.p1, m.r2, ctx.p2);
  },
};
