/**
 * API load benchmark against Milkrun and a bare fastify hello-world, each server in its own process.
 *
 * Headline: a mixed, open-loop case. Requests arrive at a fixed rate (`--rates`) whatever the answers do, from this
 * process's own scheduler over `--open-connections` keep-alive sockets; each request's latency counts from its
 * scheduled time, so a slow answer delays the requests behind it and that wait is measured (no coordinated omission).
 * The mix: `--orgs` organizations of 1,000 stops, each read with a read-only and a full-access token; stop-list
 * pages of varied size (limit 20/50/100/200), filters (status, service day, include=archived) and depth (pages 1–3
 * through `next_cursor`), most with `Accept-Encoding: gzip, deflate, br`; 10 % writes (`POST /stops`) that invalidate
 * the organization's cached pages. Seeded. The same scheduler drives bare fastify's `GET /` at the same rate in the
 * same run (the baseline): per rate, latency and the server's CPU per request against bare's.
 *
 * Then, closed-loop with autocannon (each connection sends its next request when the last answer came): the single
 * cached URL (1,000 seeded stops) and the other single-URL cases, Milkrun twice (with and without its stop-page
 * cache). Reports per case:
 * - requests/s, p99 and the ratio to bare fastify in the same run (the issue's figure; absolute numbers depend on
 *   the machine). Target: the authenticated page of 100 stops at ≥ 40 % of bare.
 * - the server's CPU time per request (user + system, from the server process itself) and the same ratio on that
 *   measure. On a 2-core machine the load generator shares the CPU, and autocannon decodes every response body
 *   into a string (slow for compressed bytes), so req/s partly measures the generator; CPU per request is the
 *   server alone, and much steadier from run to run.
 *
 *   npx tsx bench/api-load/index.ts [--duration 5] [--connections 10]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { request as httpRequest, Agent } from 'node:http';
import { seededRandom } from '../../src/util/seeded-random.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    rates: { type: 'string', default: '250,500,1000' },
    orgs: { type: 'string', default: '4' },
    'open-connections': { type: 'string', default: '32' },
    seed: { type: 'string', default: '1' },
  },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const openRates = values.rates.split(',').map(Number);
const orgCount = Number(values.orgs);
const openConnections = Number(values['open-connections']);
const seed = Number(values.seed);
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
const serveScript = fileURLToPath(new URL('./serve.ts', import.meta.url));
// Every server runs with the node flags `npm start` uses (a larger young generation), the baseline included.
const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

interface Server {
  child: ChildProcess;
  port: number;
  token?: string;
  /** api-mixed: a read-only and a full-access token per organization. */
  orgs?: { read: string; write: string }[];
  /** The server process's CPU time so far (user + system), µs. */
  cpuMicros(): Promise<number>;
}

async function start(mode: 'api' | 'api-nocache' | 'api-mixed' | 'bare'): Promise<Server> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', tsxLoader, serveScript, mode, String(orgCount)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${mode} server exited`);
    return value;
  };
  const info = JSON.parse(await nextLine()) as { port: number; token?: string; orgs?: { read: string; write: string }[] };
  return {
    child,
    ...info,
    async cpuMicros() {
      child.stdin!.write('cpu\n');
      return (JSON.parse(await nextLine()) as { cpu_us: number }).cpu_us;
    },
  };
}

interface Case {
  name: string;
  server: Server;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

interface Measured {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Server CPU time per answered request, µs. */
  cpuPerRequest: number;
}

async function load(c: Case): Promise<Measured> {
  const before = await c.server.cpuMicros();
  const result = await autocannon({
    url: `http://127.0.0.1:${c.server.port}${c.path}`,
    method: c.method ?? 'GET',
    headers: c.headers,
    body: c.body,
    connections,
    duration,
  });
  const cpu = (await c.server.cpuMicros()) - before;
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    cpuPerRequest: cpu / Math.max(1, result.requests.total),
  };
}

const percent = (x: number) => `${(x * 100).toFixed(0)} %`;

/** One request of an open-loop run. */
interface OpenRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface OpenMeasured {
  offered: number;
  /** Answers received per second of the run (answers that come during the drain included). */
  completedPerS: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers other than 2xx, and transport errors. */
  failed: number;
  /** Requests still unanswered `DRAIN_MS` after the last one was due: counted, and in the percentiles as their wait so far. */
  unanswered: number;
  cpuPerRequest: number;
}

const DRAIN_MS = 2000;

function send(agent: Agent, port: number, r: OpenRequest): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: r.method, path: r.path, headers: r.headers, agent }, (res) => {
      res.resume(); // the body is read and dropped: no decoding in the generator
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end(r.body);
  });
}

/**
 * Open loop: request i is due at start + i / rate and is sent when due (a 1 ms timer issues every request due by
 * then), whether or not earlier ones were answered; its latency is answer time − due time.
 */
async function openLoop(server: Server, rate: number, seconds: number, next: () => OpenRequest): Promise<OpenMeasured> {
  const agent = new Agent({ keepAlive: true, maxSockets: openConnections });
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failed = 0;
  let answered = 0;
  const cpuBefore = await server.cpuMicros();
  const start = performance.now();
  const pending = new Set<number>();
  const dueAt = (i: number) => start + (i * 1000) / rate;
  let issued = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      while (issued < total && dueAt(issued) <= now) {
        const i = issued++;
        pending.add(i);
        void send(agent, server.port, next()).then((status) => {
          pending.delete(i);
          answered++;
          latencies.push(performance.now() - dueAt(i));
          if (status < 200 || status >= 300) failed++;
        });
      }
      if (issued >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  const lastDue = dueAt(total - 1);
  while (pending.size > 0 && performance.now() < lastDue + DRAIN_MS) await new Promise((r) => setTimeout(r, 10));
  const end = performance.now();
  const unanswered = pending.size;
  for (const i of pending) latencies.push(end - dueAt(i));
  const cpu = (await server.cpuMicros()) - cpuBefore;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  return {
    offered: rate,
    completedPerS: answered / ((end - start) / 1000),
    p50: at(50),
    p99: at(99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    failed,
    unanswered,
    cpuPerRequest: cpu / Math.max(1, answered),
  };
}

/**
 * Warm-up before the open-loop runs: `n` requests, 8 at a time, each batch waiting for its answers, so a cold
 * server (JIT, SQLite's page cache, first page renders) is warm whatever the machine's load, without a backlog.
 */
async function warmUp(server: Server, n: number, next: () => OpenRequest): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  for (let i = 0; i < n; i += 8) await Promise.all(Array.from({ length: 8 }, () => send(agent, server.port, next())));
  agent.destroy();
}

/** Picks one of `items` by weight. */
function weighted<T>(random: () => number, items: readonly (readonly [T, number])[]): T {
  let x = random() * items.reduce((s, [, w]) => s + w, 0);
  for (const [item, w] of items) if ((x -= w) < 0) return item;
  return items[items.length - 1]![0];
}

const LIMITS = [[20, 0.2], [50, 0.4], [100, 0.3], [200, 0.1]] as const;
const FILTERS = [
  ['', 0.4],
  ['&status=pending', 0.2],
  ['&date=2026-05-07', 0.1],
  ['&date=2026-05-08', 0.1],
  ['&date=2026-05-09', 0.1],
  ['&status=pending,assigned', 0.05],
  ['&include=archived', 0.05],
] as const;
const DEPTHS = [[0, 0.6], [1, 0.25], [2, 0.15]] as const;

/**
 * The mixed request stream: 90 % stop-list reads (organization, token, size, filter and depth drawn by weight;
 * pages 2 and 3 through cursors fetched before the run), 10 % creates that invalidate the organization's pages.
 */
async function mixedStream(server: Server, stopBody: string, random: () => number): Promise<() => OpenRequest> {
  const orgs = server.orgs!;
  // cursors.get(`${org}|${limit}|${filter}`)[depth - 1]: the cursor of page depth + 1 (cursors point at rows, so
  // they stay valid while creates add rows at the end).
  const cursors = new Map<string, string[]>();
  for (let o = 0; o < orgs.length; o++) {
    for (const [limit] of LIMITS) {
      for (const [filter] of FILTERS) {
        const list: string[] = [];
        let cursor: string | null = null;
        for (let d = 0; d < 2; d++) {
          const url: string = `http://127.0.0.1:${server.port}/api/v1/stops?limit=${limit}${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
          const res: Response = await fetch(url, { headers: { authorization: `Bearer ${orgs[o]!.read}` } });
          if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
          cursor = ((await res.json()) as { next_cursor: string | null }).next_cursor;
          if (cursor === null) break;
          list.push(cursor);
        }
        cursors.set(`${o}|${limit}|${filter}`, list);
      }
    }
  }
  return () => {
    const o = Math.floor(random() * orgs.length);
    if (random() < 0.1) {
      return {
        method: 'POST',
        path: '/api/v1/stops',
        headers: { authorization: `Bearer ${orgs[o]!.write}`, 'content-type': 'application/json' },
        body: stopBody,
      };
    }
    const limit = weighted(random, LIMITS);
    const filter = weighted(random, FILTERS);
    const depth = weighted(random, DEPTHS);
    const cursor = depth === 0 ? undefined : cursors.get(`${o}|${limit}|${filter}`)![depth - 1];
    const headers: Record<string, string> = { authorization: `Bearer ${random() < 0.5 ? orgs[o]!.read : orgs[o]!.write}` };
    if (random() < 0.8) headers['accept-encoding'] = 'gzip, deflate, br';
    return {
      method: 'GET',
      path: `/api/v1/stops?limit=${limit}${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      headers,
    };
  };
}

const bare = await start('bare');
const api = await start('api');
const uncached = await start('api-nocache');
const mixed = await start('api-mixed');
try {
  const auth = { authorization: `Bearer ${api.token}` };
  const stopBody = JSON.stringify({
    address: 'Pikk 19, 10123 Tallinn',
    lat: 59.4372,
    lng: 24.7453,
    customer_name: 'Mia Lindqvist',
    phone: '+3725123456',
    time_windows: [{ from: '2026-05-08T09:00:00+03:00', to: '2026-05-08T12:00:00+03:00' }],
    service_duration_s: 300,
    demand: [12],
    priority: 5,
  });
  const page = '/api/v1/stops?limit=100';
  const cases: Case[] = [
    { name: 'bare fastify GET / (baseline)', server: bare, path: '/' },
    { name: 'bare fastify GET /page (a fixed 64 KB body)', server: bare, path: '/page' },
    { name: 'GET /api/v1/stops?limit=100 (authenticated)', server: api, path: page, headers: auth },
    {
      // What browsers, fetch (undici), Python requests, Go and curl --compressed send.
      name: 'same, Accept-Encoding: gzip, deflate, br',
      server: api,
      path: page,
      headers: { ...auth, 'accept-encoding': 'gzip, deflate, br' },
    },
    {
      name: 'same, page cache off (every page rendered)',
      server: uncached,
      path: page,
      headers: { authorization: `Bearer ${uncached.token}` },
    },
    { name: 'GET /api/v1/me (authenticated, small)', server: api, path: '/api/v1/me', headers: auth },
    {
      name: 'POST /api/v1/stops (create)',
      server: api,
      path: '/api/v1/stops',
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: stopBody,
    },
  ];
  // The headline: mixed open-loop against bare fastify's GET / at the same arrival rate, rate by rate.
  const nextMixed = await mixedStream(mixed, stopBody, seededRandom(seed));
  const bareRequest: OpenRequest = { method: 'GET', path: '/', headers: {} };
  await warmUp(bare, 2000, () => bareRequest);
  await warmUp(mixed, 2000, nextMixed);
  const openRows: Record<string, string | number>[] = [];
  const ms = (x: number) => Number(x.toFixed(1));
  for (const rate of openRates) {
    const b = await openLoop(bare, rate, duration, () => bareRequest);
    const m = await openLoop(mixed, rate, duration, nextMixed);
    for (const [name, r] of [['bare fastify GET / (baseline)', b], [`mixed: ${orgCount} orgs, varied pages, 10 % writes`, m]] as const) {
      openRows.push({
        'offered req/s': rate,
        case: name,
        'answered req/s': Math.round(r.completedPerS),
        'p50 ms': ms(r.p50),
        'p99 ms': ms(r.p99),
        'max ms': ms(r.max),
        'p99 / bare p99': r === b ? 1 : Number((r.p99 / b.p99).toFixed(1)),
        'server µs/req': ms(r.cpuPerRequest),
        'CPU ratio': percent(b.cpuPerRequest / r.cpuPerRequest),
        failed: r.failed,
        unanswered: r.unanswered,
      });
    }
  }
  console.log(
    `\nAPI load, open loop (latency from each request's scheduled time): ${duration} s per rate, ` +
      `${openConnections} keep-alive sockets at most, seed ${seed}, ${new Date().toISOString()}`,
  );
  console.table(openRows);

  // Warm up the servers (JIT, SQLite page cache) before measuring.
  for (const i of [0, 2, 3, 4]) await load(cases[i]!);
  const rows: Record<string, string | number>[] = [];
  const measured: Measured[] = [];
  for (const c of cases) {
    const r = await load(c);
    if (r.errors > 0 || r.non2xx > 0) console.error(`${c.name}: ${r.errors} errors, ${r.non2xx} non-2xx answers`);
    measured.push(r);
    const base = measured[0]!;
    rows.push({
      case: c.name,
      'req/s': Math.round(r.rps),
      'p99 ms': r.p99,
      'req/s ratio': percent(r.rps / base.rps),
      'server µs/req': Number(r.cpuPerRequest.toFixed(1)),
      'CPU ratio': percent(base.cpuPerRequest / r.cpuPerRequest),
      errors: r.errors + r.non2xx,
    });
  }
  console.log(`\nAPI load, closed loop (autocannon): ${connections} connections, ${duration} s per case, ${new Date().toISOString()}`);
  console.table(rows);
  const base = measured[0]!;
  for (const i of [2, 3]) {
    const r = measured[i]!;
    const ratio = r.rps / base.rps;
    console.log(
      `${cases[i]!.name}: ${percent(ratio)} of bare fastify's req/s (target ≥ 40 %: ${ratio >= 0.4 ? 'met' : 'NOT met'}); ` +
        `server CPU per request ${percent(base.cpuPerRequest / r.cpuPerRequest)} of bare's`,
    );
  }
} finally {
  bare.child.kill();
  api.child.kill();
  uncached.child.kill();
  mixed.child.kill();
}
