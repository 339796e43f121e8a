import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../../src/api/app.js';
import { DEFAULT_CONFIG, type Config } from '../../src/config.js';
import { openDb, type Db } from '../../src/store/db.js';
import { ensureOrganization } from '../../src/store/organizations.js';
import { createToken, type TokenScope } from '../../src/store/tokens.js';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  dir: string;
  file: string;
  config: Config;
  close(): Promise<void>;
}

/** A fresh app on a temp SQLite file; responses are checked against their schemas. */
export async function makeApp(
  overrides: Partial<Config> = {},
  deps: Partial<Omit<AppDeps, 'db' | 'config'>> = {},
  dir = mkdtempSync(join(tmpdir(), 'milkrun-api-')),
): Promise<TestApp> {
  const file = join(dir, 'test.db');
  const config: Config = { ...DEFAULT_CONFIG, dbFile: file, logLevel: 'silent', validateResponses: true, ...overrides };
  const db = openDb(file);
  const app = await buildApp({ db, config, ...deps });
  await app.ready();
  return {
    app,
    db,
    dir,
    file,
    config,
    async close() {
      // Closing aborts running jobs; wait for them to record how they ended before the database closes.
      await app.close();
      await app.jobs.idle();
      db.close();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** An organization with a token of the given scope. */
export function orgWithToken(db: Db, name: string, scope: TokenScope = 'full_access'): { orgId: string; token: string } {
  const { organization } = ensureOrganization(db, name);
  const { token } = createToken(db, organization.id, { name: `${name} ${scope}`, scope });
  return { orgId: organization.id, token };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A small client bound to one token. */
export function client(app: FastifyInstance, token: string) {
  return async (
    method: Method,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse & { body: string; data: any }> => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(body !== undefined && { payload: body as object }),
    });
    const data = res.body ? JSON.parse(res.body) : undefined;
    return Object.assign(res, { data });
  };
}
