/**
 * Turns the working solution into the public `Solution`: every route is scheduled from scratch by the exact
 * walk (route-timeline.ts, the one route timing), which is the truth for times, loads, distances and costs.
 */
import { unassignedReason } from './finalize.js';
import type { Route, Solution, Step } from './model.js';
import { routeTimeline } from './route-timeline.js';
import type { SolutionState } from './solution-state.js';

export function buildSolution(sol: SolutionState, iterations: number): Solution {
  const inst = sol.inst;
  const problem = inst.problem;
  const dims = inst.dims;
  const routes: Route[] = [];
  const measures: number[] = [];
  let priority = 0;
  for (const route of sol.routes) {
    if (route.m === 0) continue;
    const v = route.vehicle;
    const seq = route.jobs.subarray(0, route.m);
    const timing = routeTimeline(inst, v, seq, route.m);
    const load = new Array<number>(dims).fill(0);
    for (const j of seq) for (let d = 0; d < dims; d++) load[d]! += inst.jobDemand[j * dims + d]!;
    const steps: Step[] = [];
    const t0 = timing.departureS;
    if (inst.vehHasStart[v]) {
      steps.push({ type: 'start', arrival: t0, waiting: 0, service_start: t0, departure: t0, load: [...load], distance: 0, duration: 0 });
    }
    for (const s of timing.steps) {
      const j = s.job;
      for (let d = 0; d < dims; d++) load[d]! -= inst.jobDemand[j * dims + d]!;
      steps.push({
        type: 'job', job: problem.jobs[j]!.id, arrival: s.arrival, waiting: s.waiting, service_start: s.serviceStart,
        departure: s.departure, load: [...load], distance: s.legDistance, duration: s.legDurationS,
      });
      priority += inst.jobPriority[j]!;
    }
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
    if (sol.jobRoute[j] === -1) unassigned.push({ job: problem.jobs[j]!.id, reason: unassignedReason(sol, j) });
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
