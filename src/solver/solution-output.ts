/**
 * Turns the working solution into the public `Solution`: every route is scheduled from scratch by the exact
 * walk (route-timeline.ts, the one route timing), which is the truth for times, loads, distances and costs.
 */
import { unassignedReason } from './finalize.js';
import { DELIVERY, PICKUP, PLAIN, type Instance } from './instance.js';
import type { Route, Shipment, Solution, Step } from './model.js';
import { routeTimeline } from './route-timeline.js';
import { loadProfile } from './schedule.js';
import type { SolutionState } from './solution-state.js';

/** The shipment stop j (a pickup or delivery half) belongs to. */
function shipmentOf(inst: Instance, j: number): Shipment {
  return inst.problem.shipments![(j - inst.nPlainJobs) >> 1]!;
}

/** Type and ids of the step serving stop j (model.ts, Step). */
function stepIdentity(inst: Instance, j: number): Pick<Step, 'type' | 'job' | 'shipment'> {
  const kind = inst.jobKind[j]!;
  if (kind === PLAIN) return { type: 'job', job: inst.problem.jobs[j]!.id };
  const shipment = shipmentOf(inst, j);
  const half = kind === PICKUP ? shipment.pickup : shipment.delivery;
  return { type: kind === PICKUP ? 'pickup' : 'delivery', job: half.id ?? shipment.id, shipment: shipment.id };
}

export function buildSolution(sol: SolutionState, iterations: number): Solution {
  const inst = sol.inst;
  const problem = inst.problem;
  const routes: Route[] = [];
  const measures: number[] = [];
  let priority = 0;
  for (const route of sol.routes) {
    if (route.m === 0) continue;
    const v = route.vehicle;
    const seq = route.jobs.subarray(0, route.m);
    const timing = routeTimeline(inst, v, seq, route.m);
    const loads = loadProfile(inst, seq, route.m);
    const steps: Step[] = [];
    const t0 = timing.departureS;
    if (inst.vehHasStart[v]) {
      steps.push({ type: 'start', arrival: t0, waiting: 0, service_start: t0, departure: t0, load: loads.start, distance: 0, duration: 0 });
    }
    timing.steps.forEach((s, k) => {
      const j = s.job;
      steps.push({
        ...stepIdentity(inst, j), arrival: s.arrival, waiting: s.waiting, service_start: s.serviceStart,
        departure: s.departure, load: loads.after[k]!, distance: s.legDistance, duration: s.legDurationS,
      });
      if (inst.jobKind[j] !== DELIVERY) priority += inst.jobPriority[j]!;
    });
    const load = route.m > 0 ? loads.after[route.m - 1]! : loads.start;
    const t = timing.endS;
    const distance = timing.distance;
    if (inst.vehHasEnd[v]) {
      steps.push({
        type: 'end', arrival: t, waiting: 0, service_start: t, departure: t, load: [...load],
        distance: timing.endLegDistance, duration: timing.endLegDurationS,
      });
    }
    const duration = t - timing.departureS;
    measures.push(sol.ev.balanceBy === 'stops' ? route.m : duration);
    routes.push({
      vehicle: problem.vehicles[v]!.id, steps, distance, duration,
      cost: sol.ev.plainCost(v, distance, duration), share: 0,
    });
  }
  const totalMeasure = measures.reduce((a, b) => a + b, 0);
  routes.forEach((r, i) => (r.share = totalMeasure > 0 ? measures[i]! / totalMeasure : 0));

  const unassigned: Solution['unassigned'] = [];
  for (let j = 0; j < inst.nJobs; j++) {
    if (sol.jobRoute[j] !== -1 || inst.jobKind[j] === DELIVERY) continue;
    const reason = unassignedReason(sol, j);
    if (inst.jobKind[j] === PLAIN) unassigned.push({ job: problem.jobs[j]!.id, reason });
    else {
      const id = shipmentOf(inst, j).id;
      unassigned.push({ job: id, shipment: id, reason });
    }
  }
  const summary: Solution['summary'] = {
    cost: routes.reduce((a, r) => a + r.cost, 0),
    distance: routes.reduce((a, r) => a + r.distance, 0),
    duration: routes.reduce((a, r) => a + r.duration, 0),
    vehicles: routes.length,
    unassigned: unassigned.length,
    priority,
    iterations,
  };
  if (sol.ev.balanceWeight > 0) {
    // Over all vehicles, as the objective balances them: an unused vehicle counts 0.
    const max = measures.length ? Math.max(...measures) : 0;
    const min = routes.length < inst.nVehicles || measures.length === 0 ? 0 : Math.min(...measures);
    summary.balance = { by: sol.ev.balanceBy, max, min, spread: max - min };
  }
  return { routes, unassigned, summary };
}
