/**
 * `npm run demo`: the server on a fresh demo database (seeded and optimized by `npm start`'s path) plus simulated
 * drivers driving every route of the demo day, so the dashboard's map moves. The server runs as a child process,
 * exactly as `npm start` runs it; this script reads the address, token and day it prints.
 *
 * MILKRUN_DB picks the database (default var/demo.db, recreated on every run so the routes have stops left to
 * drive). On an existing database the server seeds nothing and prints no token, so this script makes one for the
 * "Demo" organization itself. DEMO_LEG_S (default 12) is how many real seconds a driver takes per leg.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { openDb } from '../store/db.js';
import { ensureOrganization } from '../store/organizations.js';
import { createToken } from '../store/tokens.js';
import { trackFileOf } from '../store/track-file.js';
import { startDemoDrivers, type DemoDrivers } from './demo-drivers.js';

interface ServerAnnouncement {
  address: string;
  token: string;
  date: string;
}

const dbFile = resolve(process.env.MILKRUN_DB || 'var/demo.db');
if (!process.env.MILKRUN_DB) {
  mkdirSync(dirname(dbFile), { recursive: true });
  for (const file of [dbFile, trackFileOf(dbFile)]) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}
const legMs = Math.max(1, Number(process.env.DEMO_LEG_S ?? 12)) * 1000;

/** A token for the demo drivers when the server will not print one (the database is not new). */
function tokenForExistingDb(): string | null {
  if (!existsSync(dbFile)) return null;
  const db = openDb(dbFile);
  try {
    const { organization } = ensureOrganization(db, 'Demo');
    return createToken(db, organization.id, { name: 'demo drivers', scope: 'full_access' }).token;
  } finally {
    db.close();
  }
}
const presetToken = tokenForExistingDb();

/** The day of the organization's stops, asked of the API when the server printed none. */
async function stopDate(baseUrl: string, token: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/stops?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  const page = z.object({ data: z.array(z.object({ date: z.string().nullish() })) }).parse(await res.json());
  const date = page.data[0]?.date;
  if (!date) throw new Error('the demo organization has no stops to drive');
  return date;
}

// The node flags of `npm start` (package.json), so the demo's server is the one users run.
const server = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', resolve('src/server.ts')], {
  env: { ...process.env, MILKRUN_DB: dbFile },
  stdio: ['ignore', 'pipe', 'inherit'],
});

const announced = new Promise<ServerAnnouncement>((resolvePromise, reject) => {
  const seen: Partial<ServerAnnouncement> = {};
  const lines = createInterface({ input: server.stdout });
  lines.on('line', (line) => {
    console.log(line);
    seen.token ??= /\b(mk_(?:live|test)_[A-Za-z0-9_-]+)/.exec(line)?.[1];
    seen.date ??= /\/dashboard\?date=(\d{4}-\d{2}-\d{2})/.exec(line)?.[1];
    seen.address ??= /listening on (https?:\/\/\S+?)[\s,)]/i.exec(`${line} `)?.[1];
    if (seen.address && presetToken) resolvePromise({ address: seen.address, token: presetToken, date: '' });
    else if (seen.address && seen.token && seen.date) resolvePromise(seen as ServerAnnouncement);
  });
  server.once('exit', (code) => reject(new Error(`the server exited (code ${code}) before it was ready`)));
});

let drivers: DemoDrivers | null = null;
const shutdown = async (): Promise<void> => {
  await drivers?.stop();
  server.kill('SIGTERM');
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
server.once('exit', (code) => process.exit(code ?? 0));

try {
  const { address, token, date: printedDate } = await announced;
  // A wildcard listen address is not a place a client can connect to.
  const baseUrl = address.replace('//0.0.0.0', '//127.0.0.1').replace('//[::]', '//127.0.0.1');
  const date = printedDate || (await stopDate(baseUrl, token));
  if (presetToken) console.log(`[demo drivers] token for the dashboard: ${token}`);
  drivers = await startDemoDrivers({
    baseUrl,
    token,
    date,
    legMs,
    dwellMs: Math.round(legMs / 4),
    pingEveryMs: 1000,
    log: (line) => console.log(`[demo drivers] ${line}`),
  });
  console.log(`[demo drivers] ${drivers.count} drivers on the road; open ${baseUrl}/dashboard?date=${date}`);
} catch (err) {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown();
}
