/**
 * API load benchmark: autocannon against Milkrun (1,000 seeded stops) and a bare fastify hello-world, both started
 * here, each in its own process (Milkrun twice: with and without its stop-page cache). Reports requests/s and p99 per case and the ratio to bare fastify (the figure;
 * absolute numbers depend on the machine). Target: the authenticated page of 100 stops at ≥ 40 % of bare.
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

async function start(mode: 'api' | 'api-nocache' | 'bare'): Promise<{ child: ChildProcess; port: number; token?: string }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, serveScript, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const info = JSON.parse(line) as { port: number; token?: string };
    return { child, ...info };
  }
  throw new Error(`${mode} server exited before listening`);
}

interface Case {
  name: string;
  port: number;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

async function load(c: Case): Promise<{ rps: number; p99: number; errors: number; non2xx: number }> {
  const result = await autocannon({
    url: `http://127.0.0.1:${c.port}${c.path}`,
    method: c.method ?? 'GET',
    headers: c.headers,
    body: c.body,
    connections,
    duration,
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

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
  const cases: Case[] = [
    { name: 'bare fastify GET / (baseline)', port: bare.port, path: '/' },
    { name: 'bare fastify GET /page (a fixed 57 KB body)', port: bare.port, path: '/page' },
    { name: 'GET /api/v1/stops?limit=100 (authenticated)', port: api.port, path: '/api/v1/stops?limit=100', headers: auth },
    {
      // What fetch (undici), curl --compressed and browsers send.
      name: 'same, Accept-Encoding: gzip, deflate, br',
      port: api.port,
      path: '/api/v1/stops?limit=100',
      headers: { ...auth, 'accept-encoding': 'gzip, deflate, br' },
    },
    {
      name: 'same, page cache off (every page rendered)',
      port: uncached.port,
      path: '/api/v1/stops?limit=100',
      headers: { authorization: `Bearer ${uncached.token}` },
    },
    { name: 'GET /api/v1/me (authenticated, small)', port: api.port, path: '/api/v1/me', headers: auth },
    {
      name: 'POST /api/v1/stops (create)',
      port: api.port,
      path: '/api/v1/stops',
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: stopBody,
    },
  ];
  // Warm up both servers (JIT, SQLite page cache) before measuring.
  await load({ ...cases[0]!, name: 'warm' });
  await load({ ...cases[2]!, name: 'warm' });
  await load({ ...cases[3]!, name: 'warm' });
  await load({ ...cases[4]!, name: 'warm' });
  const rows: { case: string; 'req/s': number; 'p99 ms': number; 'ratio to bare': string; errors: number }[] = [];
  let baseline = 0;
  for (const c of cases) {
    const r = await load(c);
    if (r.errors > 0 || r.non2xx > 0) console.error(`${c.name}: ${r.errors} errors, ${r.non2xx} non-2xx answers`);
    if (baseline === 0) baseline = r.rps;
    rows.push({
      case: c.name,
      'req/s': Math.round(r.rps),
      'p99 ms': r.p99,
      'ratio to bare': `${((r.rps / baseline) * 100).toFixed(0)} %`,
      errors: r.errors + r.non2xx,
    });
  }
  console.log(`\nAPI load: ${connections} connections, ${duration} s per case, ${new Date().toISOString()}`);
  console.table(rows);
  for (const read of [rows[2]!, rows[3]!]) {
    const ratio = read['req/s'] / baseline;
    console.log(`${read.case}: ${(ratio * 100).toFixed(0)} % of bare fastify (target ≥ 40 %): ${ratio >= 0.4 ? 'met' : 'NOT met'}`);
  }
} finally {
  bare.child.kill();
  api.child.kill();
  uncached.child.kill();
}
