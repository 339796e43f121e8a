/**
 * A VROOM client's view of the answer, written from VROOM's docs/API.md ("Output") alone — it shares nothing with
 * src/formats/vroom. Objects are not strict (a client ignores keys it does not know, such as Milkrun's `reason`
 * and `matrix_source`); every documented key has its type, optional where the document says "if provided".
 */
import { z } from 'zod';

const uint = z.number().int().nonnegative();
const coordinates = z.tuple([z.number(), z.number()]);
const amount = z.array(uint);

const violation = z.object({
  cause: z.enum(['delay', 'lead_time', 'load', 'max_tasks', 'skills', 'precedence', 'missing_break', 'max_travel_time', 'max_distance', 'max_load']),
  duration: uint.optional(),
});

const step = z.object({
  type: z.enum(['start', 'job', 'pickup', 'delivery', 'break', 'end']),
  arrival: uint,
  duration: uint,
  setup: uint,
  service: uint,
  waiting_time: uint,
  violations: z.array(violation),
  description: z.string().optional(),
  location: coordinates.optional(),
  location_index: uint.optional(),
  id: uint.optional(),
  load: amount.optional(),
  distance: uint.optional(),
});

const route = z.object({
  vehicle: uint,
  steps: z.array(step),
  cost: uint,
  setup: uint,
  service: uint,
  duration: uint,
  waiting_time: uint,
  priority: uint,
  violations: z.array(violation),
  delivery: amount.optional(),
  pickup: amount.optional(),
  description: z.string().optional(),
  geometry: z.string().optional(),
  distance: uint.optional(),
});

export const clientSolution = z.object({
  code: z.literal(0),
  summary: z.object({
    cost: uint,
    routes: uint,
    unassigned: uint,
    setup: uint,
    service: uint,
    duration: uint,
    waiting_time: uint,
    priority: uint,
    violations: z.array(violation),
    delivery: amount.optional(),
    pickup: amount.optional(),
    distance: uint.optional(),
  }),
  unassigned: z.array(
    z.object({
      id: uint,
      type: z.enum(['job', 'pickup', 'delivery']),
      description: z.string().optional(),
      location: coordinates.optional(),
      location_index: uint.optional(),
    }),
  ),
  routes: z.array(route),
});

export const clientError = z.object({ code: z.union([z.literal(1), z.literal(2), z.literal(3)]), error: z.string() });

export type ClientSolution = z.infer<typeof clientSolution>;

/**
 * The answer's own arithmetic, as a client would check it: each step's travel and distance grow along the route,
 * arrival = previous arrival + waiting + setup + service + the leg's travel, the route's totals are its steps'
 * and the summary's the routes'. `legDuration(from, to)` gives the matrix travel time when the client has one.
 */
export function checkClientArithmetic(s: ClientSolution, legDuration?: (from: number, to: number) => number): void {
  const sum = (f: (r: ClientSolution['routes'][number]) => number) => s.routes.reduce((a, r) => a + f(r), 0);
  for (const r of s.routes) {
    let prev: ClientSolution['routes'][number]['steps'][number] | undefined;
    for (const st of r.steps) {
      if (prev) {
        const leg = st.duration - prev.duration;
        if (leg < 0) throw new Error(`vehicle ${r.vehicle}: travel goes down at ${st.type} ${st.id ?? ''}`);
        if (legDuration && prev.location_index !== undefined && st.location_index !== undefined) {
          const expected = legDuration(prev.location_index, st.location_index);
          if (leg !== expected) throw new Error(`vehicle ${r.vehicle}: leg to ${st.type} ${st.id ?? ''} is ${leg}, matrix says ${expected}`);
        }
        const expectedArrival = prev.arrival + prev.waiting_time + prev.setup + prev.service + leg;
        if (Math.abs(st.arrival - expectedArrival) > 1) throw new Error(`vehicle ${r.vehicle}: arrival at ${st.type} ${st.id ?? ''} is ${st.arrival}, expected ${expectedArrival}`);
      }
      prev = st;
    }
    const last = r.steps[r.steps.length - 1]!;
    if (r.duration !== last.duration) throw new Error(`vehicle ${r.vehicle}: duration ${r.duration} is not the last step's ${last.duration}`);
    if (r.distance !== undefined && r.distance !== last.distance) throw new Error(`vehicle ${r.vehicle}: distance is not the last step's`);
    if (r.service !== r.steps.reduce((a, x) => a + x.service, 0)) throw new Error(`vehicle ${r.vehicle}: service is not its steps'`);
    if (r.waiting_time !== r.steps.reduce((a, x) => a + x.waiting_time, 0)) throw new Error(`vehicle ${r.vehicle}: waiting is not its steps'`);
  }
  if (s.summary.routes !== s.routes.length) throw new Error('summary.routes');
  if (s.summary.unassigned !== s.unassigned.length) throw new Error('summary.unassigned');
  for (const key of ['cost', 'service', 'duration', 'waiting_time', 'priority', 'setup'] as const) {
    if (s.summary[key] !== sum((r) => r[key])) throw new Error(`summary.${key} is not the sum of the routes'`);
  }
  if (s.summary.distance !== undefined && s.summary.distance !== sum((r) => r.distance ?? 0)) throw new Error('summary.distance');
}
