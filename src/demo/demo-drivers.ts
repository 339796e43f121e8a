/**
 * Demo drivers: for every route of a day that has a driver, issue a driver token through the API, connect to
 * /ws/driver and drive the planned stops in order (pings with heading, then `arrived` and `completed` at each stop),
 * fast-forwarded so a whole route plays out in minutes. Only the public API and the driver protocol are used, so
 * this is also what a real driver app does.
 */
import WebSocket from 'ws';
import { z } from 'zod';
import { walkAt, type LatLng } from './route-walk.js';

export interface DemoDriverOptions {
  /** e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** A full_access API token of the organization. */
  token: string;
  /** Service day, YYYY-MM-DD. */
  date: string;
  /** Real time one leg takes to drive. */
  legMs: number;
  /** Real time a driver stands at each stop. */
  dwellMs: number;
  pingEveryMs: number;
  log?: (line: string) => void;
}

export interface DemoDrivers {
  /** Drivers that are driving. */
  count: number;
  stop(): Promise<void>;
}

const Point = z.object({ lat: z.number(), lng: z.number() });
const RouteListAnswer = z.object({ data: z.array(z.object({ id: z.string() })), next_cursor: z.string().nullable() });
const RouteStopAnswer = z.object({ stop_id: z.string(), status: z.string().optional() });
const RouteAnswer = z.object({
  id: z.string(),
  name: z.string().nullish(),
  driver_id: z.string().nullish(),
  vehicle_id: z.string().nullish(),
  stops: z.array(RouteStopAnswer),
});
const StopListAnswer = z.object({
  data: z.array(z.object({ id: z.string(), lat: z.number(), lng: z.number(), status: z.string() })),
  next_cursor: z.string().nullable(),
});
const VehicleAnswer = z.object({ id: z.string(), start: Point.nullish(), end: Point.nullish() });
const DriverTokenAnswer = z.object({ token: z.string() });
const DriverAnswer = z.object({ last_position: Point.nullish() });

type Fetcher = <T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown) => Promise<T>;

function apiFetcher(baseUrl: string, token: string): Fetcher {
  return async (method, path, schema, body) => {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return schema.parse(JSON.parse(text));
  };
}

interface DrivePlan {
  routeId: string;
  routeName: string;
  driverId: string;
  /** Start (last known position, depot or first stop), then each stop still to visit. */
  points: LatLng[];
  /** stopIds[i] is the stop at points[i + 1]. */
  stopIds: string[];
}

const OPEN_STATUSES = new Set(['pending', 'assigned', 'en_route', 'arrived']);

async function drivePlans(api: Fetcher, date: string): Promise<DrivePlan[]> {
  const routes = await api('GET', `/routes?date=${date}&limit=200`, RouteListAnswer);
  const stops = new Map<string, { lat: number; lng: number; status: string }>();
  let cursor: string | null = null;
  do {
    const page: z.infer<typeof StopListAnswer> = await api(
      'GET',
      `/stops?date=${date}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      StopListAnswer,
    );
    for (const s of page.data) stops.set(s.id, s);
    cursor = page.next_cursor;
  } while (cursor);

  const plans: DrivePlan[] = [];
  for (const { id } of routes.data) {
    const route = await api('GET', `/routes/${id}`, RouteAnswer);
    if (!route.driver_id) continue;
    const open = route.stops
      .map((s) => ({ id: s.stop_id, stop: stops.get(s.stop_id) }))
      .filter((s): s is { id: string; stop: { lat: number; lng: number; status: string } } =>
        s.stop !== undefined && OPEN_STATUSES.has(s.stop.status),
      );
    if (open.length === 0) continue;
    const vehicle = route.vehicle_id ? await api('GET', `/vehicles/${route.vehicle_id}`, VehicleAnswer) : null;
    // A driver already out (an earlier demo run) carries on from where it was, not from the depot.
    const driver = await api('GET', `/drivers/${route.driver_id}`, DriverAnswer);
    const start = driver.last_position ?? vehicle?.start ?? open[0]!.stop;
    plans.push({
      routeId: route.id,
      routeName: route.name ?? route.id,
      driverId: route.driver_id,
      points: [start, ...open.map((s) => ({ lat: s.stop.lat, lng: s.stop.lng }))],
      stopIds: open.map((s) => s.id),
    });
  }
  return plans;
}

/** One connected driver: pings on a timer, sends each stop's events once when the walk reaches it. */
function driveOne(plan: DrivePlan, socket: WebSocket, options: DemoDriverOptions): () => void {
  const startedAt = Date.now();
  let seq = 0;
  /** Stops (by index into plan.stopIds) whose events were sent. */
  let reported = 0;
  const send = (frame: Record<string, unknown>) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ ...frame, seq: ++seq }));
  };
  const tick = () => {
    const walk = walkAt(plan.points, Date.now() - startedAt, options.legMs, options.dwellMs);
    const speed = walk.done ? 0 : 8 + Math.random() * 4;
    send({
      type: 'ping',
      lat: walk.position.lat,
      lng: walk.position.lng,
      ts: new Date().toISOString(),
      heading: Math.round(walk.headingDeg) % 360,
      speed_mps: speed,
      battery_pct: 80,
    });
    // Leg i ends at stop i: once the walk is past leg i (or dwelling at its end), that stop is reached.
    const elapsed = Date.now() - startedAt;
    while (reported < plan.stopIds.length && elapsed >= reported * (options.legMs + options.dwellMs) + options.legMs) {
      const stopId = plan.stopIds[reported]!;
      send({ type: 'stop_event', stop_id: stopId, event: 'arrived', ts: new Date().toISOString() });
      send({ type: 'stop_event', stop_id: stopId, event: 'completed', ts: new Date().toISOString() });
      reported += 1;
    }
  };
  tick();
  const timer = setInterval(tick, options.pingEveryMs);
  return () => clearInterval(timer);
}

export async function startDemoDrivers(options: DemoDriverOptions): Promise<DemoDrivers> {
  const log = options.log ?? (() => {});
  const api = apiFetcher(options.baseUrl, options.token);
  const plans = await drivePlans(api, options.date);
  const stops: (() => void)[] = [];
  const sockets: WebSocket[] = [];
  const wsBase = options.baseUrl.replace(/^http/, 'ws');
  for (const plan of plans) {
    const { token } = await api('POST', `/drivers/${plan.driverId}/tokens`, DriverTokenAnswer, {});
    const socket = new WebSocket(`${wsBase}/ws/driver?token=${encodeURIComponent(token)}`);
    sockets.push(socket);
    socket.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"error"')) log(`${plan.routeName}: ${text}`);
    });
    socket.on('error', (err) => log(`${plan.routeName}: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    stops.push(driveOne(plan, socket, options));
    log(`driving ${plan.routeName}: ${plan.stopIds.length} stops`);
  }
  return {
    count: plans.length,
    async stop() {
      for (const s of stops) s();
      await Promise.all(
        sockets.map(
          (s) =>
            new Promise<void>((resolve) => {
              if (s.readyState === WebSocket.CLOSED) return resolve();
              s.once('close', () => resolve());
              s.close();
            }),
        ),
      );
    },
  };
}
