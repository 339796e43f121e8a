/**
 * Shipment exchange: two shipments in different routes trade places, each pickup taking the other's pickup
 * position and each delivery the other's delivery position. Partners are shipments with a half among the
 * neighbours of u's halves. Evaluated from the pickup. Move record: a = u's pickup position in r1, b = the
 * partner's pickup position in r2.
 */
import { DELIVERY, PICKUP } from '../instance.js';
import { record, type Operator, type SearchContext } from './operator.js';

/** Route r's shipment at pickup position i (delivery at k) replaced by the pickup x and delivery y. */
function swapInto(ctx: SearchContext, which: 1 | 2, r: number, i: number, k: number, x: number, y: number): boolean {
  const route = ctx.sol.routes[r]!;
  const p = which === 1 ? ctx.p1 : ctx.p2;
  return p.prefix(route, i - 1).job(x).range(route, i + 1, k - 1).job(y).range(route, k + 1, route.m).finish();
}

function build(ctx: SearchContext, r1: number, i: number, r2: number, i2: number): boolean {
  const { sol, inst } = ctx;
  const u = sol.routes[r1]!.jobAt(i);
  const w = sol.routes[r2]!.jobAt(i2);
  const k = sol.jobPos[inst.jobSibling[u]!]!;
  const k2 = sol.jobPos[inst.jobSibling[w]!]!;
  if (!swapInto(ctx, 1, r1, i, k, w, inst.jobSibling[w]!)) return false;
  return swapInto(ctx, 2, r2, i2, k2, u, inst.jobSibling[u]!);
}

export const shipmentExchange: Operator = {
  name: 'shipment-exchange',
  evaluate(ctx, u, best) {
    const { sol, inst } = ctx;
    if (inst.jobKind[u] !== PICKUP) return;
    const r1 = sol.jobRoute[u]!;
    const i = sol.jobPos[u]!;
    const k = inst.k;
    const delivery = inst.jobSibling[u]!;
    for (let h = 0; h < 2; h++) {
      const half = h === 0 ? u : delivery;
      for (let t = 0; t < k; t++) {
        const v = inst.neighbours[half * k + t]!;
        const kind = inst.jobKind[v]!;
        // Pickups near the pickup, deliveries near the delivery: the partner's halves land where they are close.
        if (kind !== (h === 0 ? PICKUP : DELIVERY)) continue;
        const w = kind === PICKUP ? v : inst.jobSibling[v]!;
        const r2 = sol.jobRoute[w]!;
        if (r2 < 0 || r2 === r1) continue;
        const i2 = sol.jobPos[w]!;
        if (!build(ctx, r1, i, r2, i2)) continue;
        const delta = sol.delta(r1, ctx.p1, r2, ctx.p2);
        if (delta < best.delta) record(best, shipmentExchange, delta, r1, r2, i, i2, 0, 0);
      }
    }
  },
  apply(ctx, m) {
    if (!build(ctx, m.r1, m.a, m.r2, m.b)) throw new Error('shipment-exchange: recorded move no longer feasible');
    ctx.sol.applyTwo(m.r1, ctx.p1, m.r2, ctx.p2);
  },
};
