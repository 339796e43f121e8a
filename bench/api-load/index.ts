/**
 * API load benchmark: autocannon against Milkrun (1,000 seeded stops) and a bare fastify hello-world, both started
 * here, each in its own process (Milkrun twice: with and without its stop-page cache). Reports per case:
 * - requests/s, p99 and the ratio to bare fastify in the same run (the figure; absolute numbers depend on
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

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '5' }, connections: { type: 'string', default: '10' } },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
const serveScript = fileURLToPath(new URL('./serve.ts', import.meta.url));
// Every server runs with the node flags `npm start` uses (a larger young generation), the baseline included.
const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

interface Server {
  child: ChildProcess;
  port: number;
  token?: string;
  /** The server process's CPU time so far (user + system), µs. */
  cpuMicros(): Promise<number>;
}

async function start(mode: 'api' | 'api-nocache' | 'bare'): Promise<Server> {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', tsxLoader, serveScript, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${mode} server exited`);
    return value;
  };
  const info = JSON.parse(await nextLine()) as { port: number; token?: string };
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

const bare = await start('bare');
const api = await start('api');
const uncached = await start('api-nocache');
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
  console.log(`\nAPI load: ${connections} connections, ${duration} s per case, ${new Date().toISOString()}`);
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
}
