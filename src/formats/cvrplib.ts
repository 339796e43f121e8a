/**
 * Reader for CVRPLIB `.vrp` files (TSPLIB-style header, then NODE_COORD_SECTION, DEMAND_SECTION, DEPOT_SECTION,
 * EOF). Only EDGE_WEIGHT_TYPE EUC_2D: distances are Euclidean rounded to the nearest integer, travel time equals
 * distance. Location index i is the i-th node of NODE_COORD_SECTION; job ids are the node numbers of the file.
 *
 * CVRP has an unlimited fleet. The solver's work grows with the number of vehicles, so we give it a bounded fleet
 * that can never bind in practice: twice the trivial lower bound ceil(total demand / capacity) plus a few, capped at
 * one vehicle per customer (a VEHICLES header, when present, is used as given).
 */
import type { Job, Problem, Vehicle } from '../solver/model.js';
import { euclideanMatrix, type Point } from './euclidean.js';
import { lineError, type ParseResult } from './errors.js';

type Section = 'header' | 'NODE_COORD_SECTION' | 'DEMAND_SECTION' | 'DEPOT_SECTION' | 'EOF';
const SECTIONS = new Set(['NODE_COORD_SECTION', 'DEMAND_SECTION', 'DEPOT_SECTION', 'EOF']);

function fail(line: number, reason: string): ParseResult {
  return lineError('malformed_cvrplib', line, reason);
}

/** Fleet size used for an unlimited CVRP fleet; see the module comment. */
export function cvrpFleetBound(totalDemand: number, capacity: number, customers: number): number {
  const lower = capacity > 0 ? Math.ceil(totalDemand / capacity) : customers;
  return Math.max(1, Math.min(customers, Math.max(2 * lower, lower + 3)));
}

export function parseCvrplib(text: string): ParseResult {
  const lines = text.split(/\r?\n/);
  const header = new Map<string, { value: string; line: number }>();
  const nodes: (Point & { id: number; line: number })[] = [];
  const nodeIndex = new Map<number, number>();
  const demands = new Map<number, number>();
  const depots: number[] = [];
  let section: Section = 'header';
  let dimension = 0;
  let depotDone = false;

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const keyword = raw.split(/[\s:]+/)[0]!.toUpperCase();
    if (SECTIONS.has(keyword)) {
      if (section === 'header') {
        const dim = header.get('DIMENSION');
        if (!dim) return fail(lineNo, `${keyword} before the DIMENSION header`);
        dimension = Number(dim.value);
        if (!Number.isInteger(dimension) || dimension < 2) {
          return fail(dim.line, `DIMENSION must be an integer of at least 2, got "${dim.value}"`);
        }
        const type = header.get('TYPE');
        if (type && type.value.toUpperCase() !== 'CVRP') return fail(type.line, `TYPE ${type.value} is not supported (only CVRP)`);
        const ewt = header.get('EDGE_WEIGHT_TYPE');
        if (!ewt) return fail(lineNo, 'missing the EDGE_WEIGHT_TYPE header (only EUC_2D is supported)');
        if (ewt.value.toUpperCase() !== 'EUC_2D') {
          return fail(ewt.line, `EDGE_WEIGHT_TYPE ${ewt.value} is not supported (only EUC_2D)`);
        }
        if (!header.get('CAPACITY')) return fail(lineNo, `${keyword} before the CAPACITY header`);
      }
      section = keyword as Section;
      if (section === 'EOF') break;
      continue;
    }
    if (section === 'header') {
      const colon = raw.indexOf(':');
      if (colon < 0) return fail(lineNo, `expected "KEY : value" or a section name, found "${raw}"`);
      const key = raw.slice(0, colon).trim().toUpperCase();
      const value = raw.slice(colon + 1).trim();
      header.set(key, { value, line: lineNo });
      continue;
    }
    const values = raw.split(/\s+/).map(Number);
    if (!values.every(Number.isFinite)) return fail(lineNo, `expected numbers in ${section}, found "${raw}"`);
    if (section === 'NODE_COORD_SECTION') {
      if (values.length !== 3) return fail(lineNo, `expected 3 numbers (node x y) in NODE_COORD_SECTION, found ${values.length}`);
      const [id, x, y] = values as [number, number, number];
      if (!Number.isInteger(id) || id < 1) return fail(lineNo, `node number must be a positive integer, got ${id}`);
      if (nodeIndex.has(id)) return fail(lineNo, `node ${id} listed twice in NODE_COORD_SECTION`);
      if (nodes.length >= dimension) return fail(lineNo, `more than DIMENSION = ${dimension} nodes in NODE_COORD_SECTION`);
      nodeIndex.set(id, nodes.length);
      nodes.push({ id, x, y, line: lineNo });
    } else if (section === 'DEMAND_SECTION') {
      if (values.length !== 2) return fail(lineNo, `expected 2 numbers (node demand) in DEMAND_SECTION, found ${values.length}`);
      const [id, demand] = values as [number, number];
      if (!nodeIndex.has(id)) return fail(lineNo, `demand for node ${id}, which is not in NODE_COORD_SECTION`);
      if (demand < 0) return fail(lineNo, `demand must not be negative, got ${demand}`);
      if (demands.has(id)) return fail(lineNo, `demand for node ${id} given twice`);
      demands.set(id, demand);
    } else if (section === 'DEPOT_SECTION') {
      for (const id of values) {
        if (depotDone) return fail(lineNo, 'DEPOT_SECTION continues after its terminating -1');
        if (id === -1) {
          depotDone = true;
          continue;
        }
        if (!nodeIndex.has(id)) return fail(lineNo, `depot ${id} is not in NODE_COORD_SECTION`);
        depots.push(id);
      }
    }
  }

  const last = lines.length;
  if (section === 'header') return fail(last, 'missing NODE_COORD_SECTION');
  if (nodes.length !== dimension) return fail(last, `NODE_COORD_SECTION has ${nodes.length} nodes, DIMENSION says ${dimension}`);
  if (depots.length === 0) return fail(last, 'missing DEPOT_SECTION (or it names no depot)');
  if (depots.length > 1) return fail(last, `${depots.length} depots in DEPOT_SECTION; only one is supported`);
  const capacityField = header.get('CAPACITY')!;
  const capacity = Number(capacityField.value);
  if (!Number.isFinite(capacity) || capacity <= 0) return fail(capacityField.line, `CAPACITY must be a positive number, got "${capacityField.value}"`);
  for (const node of nodes) {
    if (!demands.has(node.id)) return fail(last, `DEMAND_SECTION has no demand for node ${node.id} (line ${node.line})`);
  }

  const optionalNumber = (key: string): number | undefined | ParseResult => {
    const field = header.get(key);
    if (!field) return undefined;
    const v = Number(field.value);
    if (!Number.isFinite(v) || v < 0) return fail(field.line, `${key} must be a non-negative number, got "${field.value}"`);
    return v;
  };
  const maxDistance = optionalNumber('DISTANCE');
  if (typeof maxDistance === 'object') return maxDistance;
  const serviceTime = optionalNumber('SERVICE_TIME');
  if (typeof serviceTime === 'object') return serviceTime;
  const vehiclesField = optionalNumber('VEHICLES');
  if (typeof vehiclesField === 'object') return vehiclesField;

  const depotId = depots[0]!;
  const depotIndex = nodeIndex.get(depotId)!;
  const jobs: Job[] = [];
  let totalDemand = 0;
  nodes.forEach((node, index) => {
    if (index === depotIndex) return;
    const demand = demands.get(node.id)!;
    totalDemand += demand;
    jobs.push({
      id: String(node.id),
      location: { index },
      demand: [demand],
      ...(serviceTime !== undefined ? { serviceS: serviceTime } : {}),
    });
  });
  const fleet = vehiclesField !== undefined && vehiclesField >= 1 ? Math.floor(vehiclesField) : cvrpFleetBound(totalDemand, capacity, jobs.length);
  const vehicles: Vehicle[] = [];
  for (let v = 1; v <= fleet; v++) {
    vehicles.push({
      id: String(v),
      start: { index: depotIndex },
      end: { index: depotIndex },
      capacity: [capacity],
      ...(maxDistance !== undefined ? { maxDistanceM: maxDistance } : {}),
    });
  }
  const distances = euclideanMatrix(nodes, true);
  const problem: Problem = { jobs, vehicles, matrices: { durations: distances, distances, size: nodes.length } };
  const name = header.get('NAME')?.value;
  return { ok: true, value: { format: 'cvrplib', ...(name ? { name } : {}), problem, options: { objective: 'distance' } } };
}
