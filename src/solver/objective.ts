/**
 * The objective, lexicographic as the issue asks:
 *   1. unassigned penalty — each job's weight outweighs all jobs of lower priority together (instance.jobPenalty),
 *   2. vehicles used, when minimize = 'vehicles' — a fixed `vehicleWeight` per used route that outweighs any cost,
 *   3. cost — distance, duration or the vehicles' cost terms — plus the balance term weight × (max − min) of the
 *      routes' measure (duration or stops) over all vehicles.
 * (1) is kept apart (compared first); (2) and (3) are summed into one number.
 */
import type { Instance } from './instance.js';
import type { BalanceOption, Minimize } from './model.js';

export class Evaluator {
  readonly vehicleWeight: number;
  readonly balanceWeight: number;
  readonly balanceBy: 'duration' | 'stops';

  constructor(
    private readonly inst: Instance,
    minimize: Minimize,
    balance: BalanceOption | undefined,
  ) {
    this.balanceWeight = balance && balance.weight > 0 ? balance.weight : 0;
    this.balanceBy = balance?.by ?? 'duration';
    this.vehicleWeight = minimize === 'vehicles' ? 2 * this.costUpperBound() + 1 : 0;
  }

  /** Cost of a route of vehicle v (0 when it has no stops), including the vehicle weight. */
  routeCost(v: number, stops: number, distance: number, durationS: number): number {
    if (stops === 0) return 0;
    return this.vehicleWeight + this.plainCost(v, distance, durationS);
  }

  /** The user-facing cost of a non-empty route, without the vehicle weight. */
  plainCost(v: number, distance: number, durationS: number): number {
    const inst = this.inst;
    switch (inst.objective) {
      case 'distance':
        return distance;
      case 'duration':
        return durationS;
      case 'cost':
        return (
          inst.vehFixedCost[v]! + (inst.vehCostPerHour[v]! * durationS) / 3600 + (inst.vehCostPerKm[v]! * distance) / 1000
        );
    }
  }

  /** The balanced measure of a route. */
  measure(stops: number, durationS: number): number {
    if (stops === 0) return 0;
    return this.balanceBy === 'stops' ? stops : durationS;
  }

  /** An upper bound on the cost of serving every job alone (finite travel only), to size the vehicle weight. */
  private costUpperBound(): number {
    const inst = this.inst;
    const n = inst.m.size;
    let total = 0;
    for (let j = 0; j < inst.nJobs; j++) {
      let worst = 0;
      for (let v = 0; v < inst.nVehicles; v++) {
        const a = inst.vehStartLoc[v]! * n + inst.jobLoc[j]!;
        const b = inst.jobLoc[j]! * n + inst.vehEndLoc[v]!;
        const dist = inst.m.distance[a]! + inst.m.distance[b]!;
        const dur = (inst.m.durationS[a]! + inst.m.durationS[b]!) * inst.vehSpeed[v]! + inst.jobServiceS[j]!;
        const c = this.plainCost(v, dist, dur);
        if (c < Infinity && c > worst) worst = c;
      }
      total += worst;
    }
    return total + 1;
  }
}
