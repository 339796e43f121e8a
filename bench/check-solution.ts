/**
 * An independent feasibility checker for benchmark solutions. It reads the instance file with its own minimal
 * parser (not src/formats), recomputes every leg from the coordinates, and replays each route: time windows,
 * return to the depot before its due time, capacity, every customer served exactly once, fleet size. It also
 * checks that the distance the solver reported equals the recomputed one.
 *
 * Li & Lim PDPTW instances: the steps name nodes (`job` is the node number, on pickup, delivery and job steps
 * alike); each pickup must be followed, on the same route, by its delivery sibling, and the load after every step
 * (starting from the deliveries of plain nodes, if any) must stay within [0, capacity].
 */
import { readFileSync } from 'node:fs';
import type { Solution } from '../src/solver/model.js';

export interface CheckNode {
  /** Li & Lim only: the delivery node of a pickup and the pickup node of a delivery (0: none). */
  pickupSibling?: number;
  deliverySibling?: number;
  x: number;
  y: number;
  demand: number;
  ready: number;
  due: number;
  service: number;
}

export interface CheckInstance {
  kind: 'solomon' | 'cvrp' | 'lilim';
  /** Maximum number of routes (Solomon: VEHICLE NUMBER; CVRP: unlimited). */
  fleet: number;
  capacity: number;
  depot: CheckNode;
  /** Customers by their number in the file. */
  customers: Map<string, CheckNode>;
  /** CVRPLIB EUC_2D rounds each leg to the nearest integer. */
  roundLegs: boolean;
}

export interface CheckResult {
  feasible: boolean;
  errors: string[];
  /** Routes that serve at least one customer. */
  vehicles: number;
  /** Recomputed total distance. */
  distance: number;
}

const EPS = 1e-6;

export function readCheckInstance(path: string): CheckInstance {
  const text = readFileSync(path, 'utf8');
  if (/NODE_COORD_SECTION/.test(text)) return readCvrp(text);
  const rows = numericRows(text.split(/\r?\n/));
  if (rows[0]?.length === 3 && rows[1]?.length === 9) return readLilim(rows);
  return readSolomon(text);
}

function readLilim(rows: number[][]): CheckInstance {
  const [fleetRow, ...nodeRows] = rows;
  const node = (r: number[]): CheckNode => ({
    x: r[1]!, y: r[2]!, demand: r[3]!, ready: r[4]!, due: r[5]!, service: r[6]!, pickupSibling: r[7]!, deliverySibling: r[8]!,
  });
  const customers = new Map<string, CheckNode>();
  for (const r of nodeRows.slice(1)) customers.set(String(r[0]), node(r));
  return { kind: 'lilim', fleet: fleetRow![0]!, capacity: fleetRow![1]!, depot: node(nodeRows[0]!), customers, roundLegs: false };
}

function numericRows(lines: string[]): number[][] {
  return lines
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(/\s+/).map(Number))
    .filter((r) => r.every(Number.isFinite));
}

function readSolomon(text: string): CheckInstance {
  const lines = text.split(/\r?\n/);
  const rows = numericRows(lines).filter((r) => r.length === 2 || r.length === 7);
  const [fleetRow, ...customerRows] = rows;
  if (!fleetRow || fleetRow.length !== 2 || customerRows.length === 0) throw new Error('not a Solomon instance');
  const node = (r: number[]): CheckNode => ({ x: r[1]!, y: r[2]!, demand: r[3]!, ready: r[4]!, due: r[5]!, service: r[6]! });
  const customers = new Map<string, CheckNode>();
  for (const r of customerRows.slice(1)) customers.set(String(r[0]), node(r));
  return { kind: 'solomon', fleet: fleetRow[0]!, capacity: fleetRow[1]!, depot: node(customerRows[0]!), customers, roundLegs: false };
}

function readCvrp(text: string): CheckInstance {
  const capacity = Number(/CAPACITY\s*:\s*(\S+)/.exec(text)?.[1]);
  const section = (name: string): number[][] => {
    const start = text.indexOf(name);
    const rest = text.slice(start + name.length);
    const end = rest.search(/[A-Z_]{3,}/);
    return numericRows((end < 0 ? rest : rest.slice(0, end)).split(/\r?\n/));
  };
  const coords = section('NODE_COORD_SECTION');
  const demands = new Map(section('DEMAND_SECTION').map((r) => [r[0]!, r[1]!]));
  const depotId = section('DEPOT_SECTION')[0]![0]!;
  let depot: CheckNode | undefined;
  const customers = new Map<string, CheckNode>();
  for (const [id, x, y] of coords) {
    const n: CheckNode = { x: x!, y: y!, demand: demands.get(id!) ?? NaN, ready: 0, due: Infinity, service: 0 };
    if (id === depotId) depot = n;
    else customers.set(String(id), n);
  }
  if (!depot || !Number.isFinite(capacity)) throw new Error('not a CVRPLIB instance');
  return { kind: 'cvrp', fleet: Infinity, capacity, depot, customers, roundLegs: true };
}

/** Li & Lim: each pickup before its delivery on this route, the load after every step within [0, capacity]. */
function checkPairsAndLoads(inst: CheckInstance, vehicle: string, nodes: string[], errors: string[]): void {
  const position = new Map(nodes.map((id, k) => [id, k]));
  // Plain nodes (no siblings) are deliveries loaded at the depot.
  let load = 0;
  for (const id of nodes) {
    const c = inst.customers.get(id);
    if (c && !c.pickupSibling && !c.deliverySibling) load += c.demand;
  }
  if (load > inst.capacity + EPS) errors.push(`route ${vehicle}: leaves the depot with ${load}, capacity ${inst.capacity}`);
  nodes.forEach((id, k) => {
    const c = inst.customers.get(id);
    if (!c) return;
    if (c.deliverySibling) {
      const d = position.get(String(c.deliverySibling));
      if (d === undefined) errors.push(`route ${vehicle}: pickup ${id} without its delivery ${c.deliverySibling} on the same route`);
      else if (d < k) errors.push(`route ${vehicle}: delivery ${c.deliverySibling} before its pickup ${id}`);
      load += c.demand;
    } else if (c.pickupSibling) {
      if (!position.has(String(c.pickupSibling))) errors.push(`route ${vehicle}: delivery ${id} without its pickup ${c.pickupSibling} on the same route`);
      load += c.demand; // negative
    } else load -= c.demand;
    if (load > inst.capacity + EPS) errors.push(`route ${vehicle}: load ${load} after ${id} exceeds capacity ${inst.capacity}`);
    if (load < -EPS) errors.push(`route ${vehicle}: load ${load} after ${id} is negative`);
  });
}

export function checkSolution(inst: CheckInstance, solution: Solution): CheckResult {
  const errors: string[] = [];
  const leg = (a: CheckNode, b: CheckNode): number => {
    const d = Math.hypot(a.x - b.x, a.y - b.y);
    return inst.roundLegs ? Math.round(d) : d;
  };
  const served = new Map<string, string>();
  let vehicles = 0;
  let distance = 0;
  const isVisit = (t: string): boolean => t === 'job' || t === 'pickup' || t === 'delivery';
  for (const route of solution.routes) {
    const jobs = route.steps.filter((s) => isVisit(s.type)).map((s) => s.job ?? '');
    if (jobs.length === 0) continue;
    vehicles++;
    let at = inst.depot;
    let time = inst.depot.ready;
    let load = 0;
    let routeDistance = 0;
    if (inst.kind === 'lilim') checkPairsAndLoads(inst, route.vehicle, jobs, errors);
    for (const id of jobs) {
      const c = inst.customers.get(id);
      if (!c) {
        errors.push(`route ${route.vehicle}: unknown customer ${id}`);
        continue;
      }
      const previous = served.get(id);
      if (previous !== undefined) errors.push(`customer ${id} served twice (routes ${previous} and ${route.vehicle})`);
      served.set(id, route.vehicle);
      const d = leg(at, c);
      routeDistance += d;
      time += d;
      if (time > c.due + EPS) errors.push(`route ${route.vehicle}: customer ${id} reached at ${time.toFixed(3)}, due ${c.due}`);
      time = Math.max(time, c.ready) + c.service;
      if (inst.kind !== 'lilim') load += c.demand;
      at = c;
    }
    const back = leg(at, inst.depot);
    routeDistance += back;
    time += back;
    if (time > inst.depot.due + EPS) errors.push(`route ${route.vehicle}: back at the depot at ${time.toFixed(3)}, due ${inst.depot.due}`);
    if (load > inst.capacity + EPS) errors.push(`route ${route.vehicle}: load ${load} exceeds capacity ${inst.capacity}`);
    distance += routeDistance;
  }
  for (const id of inst.customers.keys()) if (!served.has(id)) errors.push(`customer ${id} not served`);
  if (vehicles > inst.fleet) errors.push(`${vehicles} routes, the fleet has ${inst.fleet} vehicles`);
  const reported = solution.summary.distance;
  if (Math.abs(reported - distance) > 1e-6 * Math.max(1, distance)) {
    errors.push(`reported distance ${reported} differs from the recomputed ${distance}`);
  }
  return { feasible: errors.length === 0, errors, vehicles, distance };
}
