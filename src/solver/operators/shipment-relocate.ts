/**
 * Shipment relocate: move a whole shipment (pickup and delivery) into another route, at the best pair of positions
 * there (pair-insertion.ts's pruned scan), trying the routes of the halves' neighbours. Evaluated from the pickup.
 * Move record: a = pickup position in r1, b = pickup insert-after position in r2, c = delivery insert-after
 * position in r2 (current numbering, ≥ b).
 */
import { scanPairPositions } from '../construct/pair-insertion.js';
import { PICKUP } from '../instance.js';
import type { Proposal } from '../proposal.js';
import { record, type Operator, type SearchContext } from './operator.js';

/** Route r1 without the shipment whose pickup is at position i. */
function buildRemoval(ctx: SearchContext, r1: number, i: number): boolean {
  const { sol, inst } = ctx;
  const ru = sol.routes[r1]!;
  const k = sol.jobPos[inst.jobSibling[ru.jobAt(i)]!]!;
  return ctx.p1.prefix(ru, i - 1).range(ru, i + 1, k - 1).range(ru, k + 1, ru.m).finish();
}

export const shipmentRelocate: Operator = {
  name: 'shipment-relocate',
  evaluate(ctx, u, best) {
    const { sol, inst } = ctx;
    if (inst.jobKind[u] !== PICKUP) return;
    const r1 = sol.jobRoute[u]!;
    const i = sol.jobPos[u]!;
    if (!buildRemoval(ctx, r1, i)) return;
    const balanced = sol.ev.balanceWeight > 0;
    const removal = balanced ? 0 : sol.delta(r1, ctx.p1, -1, null);
    const k = inst.k;
    const mark = ctx.routeMark;
    mark.fill(0);
    mark[r1] = 1;
    let r2 = -1;
    const offer = (a: number, b: number, q: Proposal): number => {
      const delta = sol.delta(r1, ctx.p1, r2, q);
      if (delta < best.delta) record(best, shipmentRelocate, delta, r1, r2, i, a, b, 0);
      return balanced ? Infinity : best.delta - removal;
    };
    const delivery = inst.jobSibling[u]!;
    for (let h = 0; h < 2; h++) {
      const half = h === 0 ? u : delivery;
      for (let t = 0; t < k; t++) {
        const r = sol.jobRoute[inst.neighbours[half * k + t]!]!;
        if (r < 0 || mark[r] === 1) continue;
        mark[r] = 1;
        const rv = sol.routes[r]!;
        if (inst.hasSkillLimits && inst.compat[rv.vehicle * inst.nJobs + u] === 0) continue;
        if (rv.m + 2 > inst.vehMaxStops[rv.vehicle]!) continue;
        r2 = r;
        scanPairPositions(sol, r, u, ctx.p2, balanced ? Infinity : best.delta - removal, 0, undefined, offer);
      }
    }
  },
  apply(ctx, m) {
    const { sol, inst } = ctx;
    const u = sol.routes[m.r1]!.jobAt(m.a);
    const rv = sol.routes[m.r2]!;
    if (!buildRemoval(ctx, m.r1, m.a)) throw new Error('shipment-relocate: recorded move no longer feasible');
    const ok = ctx.p2.prefix(rv, m.b).job(u).range(rv, m.b + 1, m.c).job(inst.jobSibling[u]!).range(rv, m.c + 1, rv.m).finish();
    if (!ok) throw new Error('shipment-relocate: recorded move no longer feasible');
    sol.applyTwo(m.r1, ctx.p1, m.r2, ctx.p2);
  },
};
