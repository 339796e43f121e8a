/**
 * The compiled problem: everything the search reads, in typed arrays indexed by job or vehicle number.
 * Built once per solve from the public `Problem`; never mutated afterwards.
 *
 * "Job" inside the solver means one stop (a node): numbers 0..nPlainJobs − 1 are the problem's jobs in order,
 * then shipment s has its pickup at nPlainJobs + 2s and its delivery at nPlainJobs + 2s + 1.
 */
import { buildMatrices, type TravelMatrices } from './matrix.js';
import type { Location, Problem, TimeWindow } from './model.js';

export type CostObjective = 'distance' | 'duration' | 'cost';

/** jobKind values: a plain job, a shipment's pickup half, a shipment's delivery half. */
export const PLAIN = 0;
export const PICKUP = 1;
export const DELIVERY = 2;

export interface Instance {
  problem: Problem;
  /** Number of stops: plain jobs plus two per shipment. */
  nJobs: number;
  /** Number of the problem's jobs (stops 0..nPlainJobs − 1). */
  nPlainJobs: number;
  nShipments: number;
  hasShipments: boolean;
  /** jobKind[j]: PLAIN, PICKUP or DELIVERY. */
  jobKind: Uint8Array;
  /** jobSibling[j]: the other half of j's shipment, −1 for a plain job. */
  jobSibling: Int32Array;
  nVehicles: number;
  /** Number of capacity dimensions (the longest demand or capacity vector). */
  dims: number;
  m: TravelMatrices;

  /** Matrix index of job j. */
  jobLoc: Int32Array;
  /** Service duration of job j, seconds. */
  jobServiceS: Float64Array;
  /** Earliest service start of job j: start of its first window (the envelope used by the O(1) checks). */
  jobTwStart: Float64Array;
  /** Latest service start of job j: end of its last window. */
  jobTwEnd: Float64Array;
  /** Windows of job j are twStarts/twEnds[twOffset[j] .. twOffset[j + 1]); empty range: any time. */
  twOffset: Int32Array;
  twStarts: Float64Array;
  twEnds: Float64Array;
  /** 1 when job j has more than one window (the envelope check then needs an exact check after it). */
  jobMultiTw: Uint8Array;
  hasMultiTw: boolean;
  /**
   * Load data of stop j in dimension d, at [j * dims + d] (the load-segment model of route-state.ts):
   * jobDelivery — amount loaded at the route's start and dropped at j (a plain job's delivery);
   * jobLoadDelta — change of the load on board at j: pickup − delivery for a plain job, +amount at a shipment's
   * pickup, −amount at its delivery.
   */
  jobDelivery: Float64Array;
  jobLoadDelta: Float64Array;
  /** Sum over dimensions of what stop j moves (delivery + pickup, or the shipment amount): an order key. */
  jobSize: Float64Array;
  /** 1..10 (0 in the input counts as 5). */
  jobPriority: Int32Array;
  /**
   * Lexicographic weight of leaving job j unassigned: dominates every job of lower priority together. A shipment
   * counts as one job: each half carries half its weight.
   */
  jobPenalty: Float64Array;

  /** compat[v * nJobs + j] = 1 when vehicle v has every skill job j needs. */
  compat: Uint8Array;
  /** True when some job is incompatible with some vehicle. */
  hasSkillLimits: boolean;

  /** Start location of vehicle v (m.nowhere for an open start). */
  vehStartLoc: Int32Array;
  vehEndLoc: Int32Array;
  vehHasStart: Uint8Array;
  vehHasEnd: Uint8Array;
  vehShiftStart: Float64Array;
  vehShiftEnd: Float64Array;
  /** capacity[v * dims + d]; Infinity when not limited. */
  vehCapacity: Float64Array;
  vehMaxStops: Float64Array;
  vehMaxDurationS: Float64Array;
  vehMaxDistance: Float64Array;
  vehFixedCost: Float64Array;
  vehCostPerHour: Float64Array;
  vehCostPerKm: Float64Array;
  /** Travel durations of vehicle v are matrix durations times this factor. */
  vehSpeed: Float64Array;
  /** Vehicles with identical attributes share a type; an empty vehicle of each type stands for all of them. */
  vehType: Int32Array;

  /** neighbours[j * k .. j * k + k): the k jobs nearest to j (by travel cost), nearest first. */
  neighbours: Int32Array;
  k: number;
  objective: CostObjective;
}

const NEIGHBOURS = 30;

export function compileInstance(problem: Problem, objective: CostObjective | undefined): Instance {
  const { matrices: m, indexOf } = buildMatrices(problem);
  const jobs = problem.jobs;
  const shipments = problem.shipments ?? [];
  const vehicles = problem.vehicles;
  const nPlainJobs = jobs.length;
  const nShipments = shipments.length;
  const nJobs = nPlainJobs + 2 * nShipments;
  const nVehicles = vehicles.length;
  let dims = 0;
  for (const j of jobs) {
    dims = Math.max(dims, j.delivery?.length ?? 0, j.demand?.length ?? 0, j.pickup?.length ?? 0);
  }
  for (const s of shipments) dims = Math.max(dims, s.amount?.length ?? 0);
  for (const v of vehicles) dims = Math.max(dims, v.capacity?.length ?? 0);

  // One record per stop: a job, or a half of a shipment.
  interface Stop {
    location: Location;
    serviceS: number;
    timeWindows: TimeWindow[];
    priority: number;
    skills: string[];
  }
  const stops: Stop[] = [];
  for (const job of jobs) {
    stops.push({ location: job.location, serviceS: job.serviceS ?? 0, timeWindows: job.timeWindows ?? [], priority: job.priority ?? 0, skills: job.skills ?? [] });
  }
  for (const s of shipments) {
    for (const half of [s.pickup, s.delivery]) {
      stops.push({ location: half.location, serviceS: half.serviceS ?? 0, timeWindows: half.timeWindows ?? [], priority: s.priority ?? 0, skills: s.skills ?? [] });
    }
  }
  const jobKind = new Uint8Array(nJobs);
  const jobSibling = new Int32Array(nJobs).fill(-1);
  const jobDelivery = new Float64Array(nJobs * dims);
  const jobLoadDelta = new Float64Array(nJobs * dims);
  const jobSize = new Float64Array(nJobs);
  for (let j = 0; j < nPlainJobs; j++) {
    const job = jobs[j]!;
    const delivery = job.delivery ?? job.demand ?? [];
    const pickup = job.pickup ?? [];
    for (let d = 0; d < delivery.length; d++) {
      jobDelivery[j * dims + d] = delivery[d]!;
      jobLoadDelta[j * dims + d]! -= delivery[d]!;
      jobSize[j]! += delivery[d]!;
    }
    for (let d = 0; d < pickup.length; d++) {
      jobLoadDelta[j * dims + d]! += pickup[d]!;
      jobSize[j]! += pickup[d]!;
    }
  }
  for (let s = 0; s < nShipments; s++) {
    const p = nPlainJobs + 2 * s;
    jobKind[p] = PICKUP;
    jobKind[p + 1] = DELIVERY;
    jobSibling[p] = p + 1;
    jobSibling[p + 1] = p;
    const amount = shipments[s]!.amount ?? [];
    for (let d = 0; d < amount.length; d++) {
      jobLoadDelta[p * dims + d] = amount[d]!;
      jobLoadDelta[(p + 1) * dims + d] = -amount[d]!;
      jobSize[p]! += amount[d]!;
      jobSize[p + 1]! += amount[d]!;
    }
  }

  const jobLoc = new Int32Array(nJobs);
  const jobServiceS = new Float64Array(nJobs);
  const jobTwStart = new Float64Array(nJobs);
  const jobTwEnd = new Float64Array(nJobs);
  const twOffset = new Int32Array(nJobs + 1);
  const starts: number[] = [];
  const ends: number[] = [];
  const jobMultiTw = new Uint8Array(nJobs);
  const jobPriority = new Int32Array(nJobs);
  const skillIds = new Map<string, number>();
  const skillId = (s: string): number => {
    let id = skillIds.get(s);
    if (id === undefined) {
      id = skillIds.size;
      skillIds.set(s, id);
    }
    return id;
  };
  const jobSkills: number[][] = [];
  for (let j = 0; j < nJobs; j++) {
    const job = stops[j]!;
    jobLoc[j] = indexOf(job.location);
    jobServiceS[j] = job.serviceS;
    const windows = job.timeWindows;
    twOffset[j] = starts.length;
    for (const w of windows) {
      starts.push(w.start);
      ends.push(w.end);
    }
    jobTwStart[j] = windows.length ? windows[0]!.start : -Infinity;
    jobTwEnd[j] = windows.length ? windows[windows.length - 1]!.end : Infinity;
    jobMultiTw[j] = windows.length > 1 ? 1 : 0;
    const p = job.priority;
    jobPriority[j] = p === 0 ? 5 : p;
    jobSkills.push(job.skills.map(skillId));
  }
  twOffset[nJobs] = starts.length;

  const vehStartLoc = new Int32Array(nVehicles);
  const vehEndLoc = new Int32Array(nVehicles);
  const vehHasStart = new Uint8Array(nVehicles);
  const vehHasEnd = new Uint8Array(nVehicles);
  const vehShiftStart = new Float64Array(nVehicles);
  const vehShiftEnd = new Float64Array(nVehicles);
  const vehCapacity = new Float64Array(nVehicles * dims).fill(Infinity);
  const vehMaxStops = new Float64Array(nVehicles);
  const vehMaxDurationS = new Float64Array(nVehicles);
  const vehMaxDistance = new Float64Array(nVehicles);
  const vehFixedCost = new Float64Array(nVehicles);
  const vehCostPerHour = new Float64Array(nVehicles);
  const vehCostPerKm = new Float64Array(nVehicles);
  const vehSpeed = new Float64Array(nVehicles);
  const vehType = new Int32Array(nVehicles);
  const typeKeys = new Map<string, number>();
  const compat = new Uint8Array(nVehicles * nJobs);
  let hasSkillLimits = false;
  let anyCostTerm = false;
  for (let v = 0; v < nVehicles; v++) {
    const veh = vehicles[v]!;
    vehHasStart[v] = veh.start ? 1 : 0;
    vehHasEnd[v] = veh.end ? 1 : 0;
    vehStartLoc[v] = veh.start ? indexOf(veh.start) : m.nowhere;
    vehEndLoc[v] = veh.end ? indexOf(veh.end) : m.nowhere;
    vehShiftStart[v] = veh.shift?.start ?? -Infinity;
    vehShiftEnd[v] = veh.shift?.end ?? Infinity;
    const cap = veh.capacity ?? [];
    for (let d = 0; d < cap.length; d++) vehCapacity[v * dims + d] = cap[d]!;
    vehMaxStops[v] = veh.maxStops ?? Infinity;
    vehMaxDurationS[v] = veh.maxDurationS ?? Infinity;
    vehMaxDistance[v] = veh.maxDistanceM ?? Infinity;
    vehFixedCost[v] = veh.fixedCost ?? 0;
    vehCostPerHour[v] = veh.costPerHour ?? 0;
    vehCostPerKm[v] = veh.costPerKm ?? 0;
    vehSpeed[v] = veh.speedFactor ?? 1;
    if (veh.fixedCost || veh.costPerHour || veh.costPerKm) anyCostTerm = true;
    const skills = new Set((veh.skills ?? []).map(skillId));
    for (let j = 0; j < nJobs; j++) {
      const ok = jobSkills[j]!.every((s) => skills.has(s));
      compat[v * nJobs + j] = ok ? 1 : 0;
      if (!ok) hasSkillLimits = true;
    }
    const key = JSON.stringify([
      vehStartLoc[v], vehEndLoc[v], vehShiftStart[v], vehShiftEnd[v], cap, vehMaxStops[v], vehMaxDurationS[v],
      vehMaxDistance[v], vehFixedCost[v], vehCostPerHour[v], vehCostPerKm[v], vehSpeed[v], [...skills].sort(),
    ]);
    let type = typeKeys.get(key);
    if (type === undefined) {
      type = typeKeys.size;
      typeKeys.set(key, type);
    }
    vehType[v] = type;
  }

  // Priority weights, lowest level 1; each level outweighs all lower-priority jobs together.
  // A shipment's halves count half a job each.
  const unitShare = (j: number): number => (jobKind[j] === PLAIN ? 1 : 0.5);
  const levelCount = new Map<number, number>();
  for (let j = 0; j < nJobs; j++) levelCount.set(jobPriority[j]!, (levelCount.get(jobPriority[j]!) ?? 0) + unitShare(j));
  const levels = [...levelCount.keys()].sort((a, b) => a - b);
  const levelWeight = new Map<number, number>();
  let lowerTotal = 0;
  for (const p of levels) {
    const w = lowerTotal + 1;
    levelWeight.set(p, w);
    lowerTotal += w * levelCount.get(p)!;
  }
  const jobPenalty = new Float64Array(nJobs);
  for (let j = 0; j < nJobs; j++) jobPenalty[j] = levelWeight.get(jobPriority[j]!)! * unitShare(j);

  const k = Math.min(NEIGHBOURS, Math.max(0, nJobs - 1));
  const neighbours = buildNeighbours(nJobs, k, jobLoc, m);

  return {
    problem, nJobs, nPlainJobs, nShipments, hasShipments: nShipments > 0, jobKind, jobSibling, nVehicles, dims, m,
    jobLoc, jobServiceS, jobTwStart, jobTwEnd, twOffset,
    twStarts: Float64Array.from(starts), twEnds: Float64Array.from(ends),
    jobMultiTw, hasMultiTw: jobMultiTw.some((x) => x === 1),
    jobDelivery, jobLoadDelta, jobSize, jobPriority, jobPenalty, compat, hasSkillLimits,
    vehStartLoc, vehEndLoc, vehHasStart, vehHasEnd, vehShiftStart, vehShiftEnd, vehCapacity, vehMaxStops,
    vehMaxDurationS, vehMaxDistance, vehFixedCost, vehCostPerHour, vehCostPerKm, vehSpeed, vehType,
    neighbours, k,
    objective: objective ?? (anyCostTerm ? 'cost' : 'distance'),
  };
}

/**
 * For each job, the k other jobs closest by (distance + duration) in either direction, nearest first.
 * A bounded insertion buffer keeps it O(n² · small) instead of sorting every row.
 */
function buildNeighbours(nJobs: number, k: number, jobLoc: Int32Array, m: TravelMatrices): Int32Array {
  const out = new Int32Array(nJobs * k);
  if (k === 0) return out;
  const n = m.size;
  const bufKey = new Float64Array(k);
  const bufJob = new Int32Array(k);
  for (let j = 0; j < nJobs; j++) {
    const a = jobLoc[j]!;
    let filled = 0;
    for (let i = 0; i < nJobs; i++) {
      if (i === j) continue;
      const b = jobLoc[i]!;
      const d1 = m.distance[a * n + b]! + m.durationS[a * n + b]!;
      const d2 = m.distance[b * n + a]! + m.durationS[b * n + a]!;
      const key = d1 < d2 ? d1 : d2;
      if (filled === k && !(key < bufKey[k - 1]!)) continue;
      let pos = filled < k ? filled++ : k - 1;
      while (pos > 0 && bufKey[pos - 1]! > key) {
        bufKey[pos] = bufKey[pos - 1]!;
        bufJob[pos] = bufJob[pos - 1]!;
        pos--;
      }
      bufKey[pos] = key;
      bufJob[pos] = i;
    }
    // Unreachable pairs (NaN or Infinity keys) never enter; pad with the job itself, which operators skip.
    for (let t = 0; t < k; t++) out[j * k + t] = t < filled ? bufJob[t]! : j;
  }
  return out;
}
