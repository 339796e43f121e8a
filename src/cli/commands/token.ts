import { parseArgs } from 'node:util';
import type { CliIo } from '../io.js';
import { loadConfig } from '../../config.js';
import { openDb } from '../../store/db.js';
import { ensureOrganization } from '../../store/organizations.js';
import { createToken, type TokenScope } from '../../store/tokens.js';

const USAGE = 'usage: milkrun token create --org NAME --scope read_only|full_access [--name LABEL] [--test]\n';
const SCOPES: readonly TokenScope[] = ['read_only', 'full_access'];

/**
 * `milkrun token create`: creates a token (and the organization, when new) in the database named by MILKRUN_DB
 * and prints it once. Exit 2 on bad usage.
 */
export async function run(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'create') {
    io.stderr(USAGE);
    return 2;
  }
  let values: { org?: string; scope?: string; name?: string; test?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        org: { type: 'string' },
        scope: { type: 'string', default: 'full_access' },
        name: { type: 'string' },
        test: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    io.stderr(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  if (!values.org) {
    io.stderr(`--org is required\n${USAGE}`);
    return 2;
  }
  const scope = values.scope as TokenScope;
  if (!SCOPES.includes(scope)) {
    io.stderr(`--scope must be read_only or full_access\n${USAGE}`);
    return 2;
  }
  const config = loadConfig(env, []);
  const db = openDb(config.dbFile);
  try {
    const { organization, created } = db.transaction(() => ensureOrganization(db, values.org!)).immediate();
    const { token, record } = createToken(db, organization.id, {
      name: values.name ?? `cli ${scope}`,
      scope,
      mode: values.test ? 'test' : 'live',
    });
    io.stdout(
      `${created ? 'Created' : 'Using'} organization "${organization.name}" (${organization.id}) in ${config.dbFile}\n` +
        `Token ${record.id} (${scope}), shown once:\n${token}\n`,
    );
    return 0;
  } finally {
    db.close();
  }
}
