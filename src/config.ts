import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/** Everything the server reads from its environment, resolved once at start. */
export interface Config {
  /** SQLite file (MILKRUN_DB, default ./var/milkrun.db). */
  dbFile: string;
  port: number;
  host: string;
  /** Seed the demo organization when the database is new (off with MILKRUN_SEED_DEMO=0 or --no-demo). */
  seedDemo: boolean;
  /** Per-token request budget: at most `max` requests each `windowMs`. */
  rateLimit: { max: number; windowMs: number };
  /** Largest accepted request body, bytes; larger answers 413. */
  bodyLimitBytes: number;
  /** Rendered stop-list pages kept in memory (served while no stop changed); 0 switches the cache off. */
  pageCacheEntries: number;
  /** Check every response against its zod schema (tests); off in production for speed. */
  validateResponses: boolean;
  /** Nominatim-compatible search endpoint used to geocode stops sent without coordinates; null: coordinates required. */
  geocoderUrl: string | null;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** Longest solve a request may ask for, seconds (MILKRUN_MAX_SOLVE_TIME_S); a larger `time_limit_s` answers 400. */
  maxSolveTimeS: number;
  /** Solver worker threads, i.e. solves running at once (MILKRUN_SOLVE_WORKERS, default cores - 1, at least 1). */
  solveWorkers: number;
  /**
   * Solves one organization may run at once while another organization has solves waiting (MILKRUN_SOLVES_PER_ORG);
   * with nobody else waiting, one organization may use every free worker.
   */
  solvesPerOrg: number;
  /** How long a client may hold a connection without doing its part (ms; 0: no limit). */
  timeouts: {
    /** From connect to the end of the request headers (also of a WebSocket upgrade, which authenticates there). */
    headersMs: number;
    /** From connect to the end of the request body (>= headersMs). The answer's time is not counted. */
    requestMs: number;
    /** An idle keep-alive connection between requests; above common proxies' 60 s so they close first. */
    keepAliveMs: number;
    /** No bytes either way; above the longest synchronous solve (time_limit_s up to 300 s), which sends nothing. */
    idleMs: number;
  };
}

export const DEFAULT_CONFIG: Config = {
  dbFile: resolve('var/milkrun.db'),
  port: 3000,
  host: '127.0.0.1',
  seedDemo: true,
  rateLimit: { max: 1200, windowMs: 60_000 },
  bodyLimitBytes: 5 * 1024 * 1024,
  pageCacheEntries: 200,
  validateResponses: false,
  geocoderUrl: null,
  logLevel: 'info',
  maxSolveTimeS: 60,
  solveWorkers: Math.max(1, availableParallelism() - 1),
  solvesPerOrg: 1,
  timeouts: { headersMs: 10_000, requestMs: 60_000, keepAliveMs: 72_000, idleMs: 330_000 },
};

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function positiveFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${value}"`);
  return n;
}

const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;

/**
 * Reads MILKRUN_DB, PORT, HOST, MILKRUN_SEED_DEMO, MILKRUN_RATE_LIMIT, MILKRUN_GEOCODER_URL, MILKRUN_MAX_SOLVE_TIME_S,
 * MILKRUN_SOLVE_WORKERS, MILKRUN_SOLVES_PER_ORG, LOG_LEVEL,
 * MILKRUN_HEADERS_TIMEOUT_MS, MILKRUN_REQUEST_TIMEOUT_MS, MILKRUN_KEEP_ALIVE_TIMEOUT_MS, MILKRUN_IDLE_TIMEOUT_MS
 * and `--no-demo`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): Config {
  const logLevel = env.LOG_LEVEL ?? DEFAULT_CONFIG.logLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const t = DEFAULT_CONFIG.timeouts;
  const timeouts = {
    headersMs: intFrom(env.MILKRUN_HEADERS_TIMEOUT_MS, t.headersMs, 'MILKRUN_HEADERS_TIMEOUT_MS'),
    requestMs: intFrom(env.MILKRUN_REQUEST_TIMEOUT_MS, t.requestMs, 'MILKRUN_REQUEST_TIMEOUT_MS'),
    keepAliveMs: intFrom(env.MILKRUN_KEEP_ALIVE_TIMEOUT_MS, t.keepAliveMs, 'MILKRUN_KEEP_ALIVE_TIMEOUT_MS'),
    idleMs: intFrom(env.MILKRUN_IDLE_TIMEOUT_MS, t.idleMs, 'MILKRUN_IDLE_TIMEOUT_MS'),
  };
  // Node refuses a headers timeout longer than the whole-request one.
  if (timeouts.requestMs > 0 && timeouts.headersMs > timeouts.requestMs) {
    throw new Error('MILKRUN_HEADERS_TIMEOUT_MS must not exceed MILKRUN_REQUEST_TIMEOUT_MS');
  }
  return {
    dbFile: resolve(env.MILKRUN_DB || DEFAULT_CONFIG.dbFile),
    port: intFrom(env.PORT, DEFAULT_CONFIG.port, 'PORT'),
    host: env.HOST || DEFAULT_CONFIG.host,
    seedDemo: env.MILKRUN_SEED_DEMO !== '0' && !argv.includes('--no-demo'),
    rateLimit: {
      max: intFrom(env.MILKRUN_RATE_LIMIT, DEFAULT_CONFIG.rateLimit.max, 'MILKRUN_RATE_LIMIT'),
      windowMs: DEFAULT_CONFIG.rateLimit.windowMs,
    },
    bodyLimitBytes: DEFAULT_CONFIG.bodyLimitBytes,
    pageCacheEntries: intFrom(env.MILKRUN_PAGE_CACHE, DEFAULT_CONFIG.pageCacheEntries, 'MILKRUN_PAGE_CACHE'),
    validateResponses: env.MILKRUN_VALIDATE_RESPONSES === '1',
    geocoderUrl: env.MILKRUN_GEOCODER_URL || null,
    logLevel: logLevel as Config['logLevel'],
    maxSolveTimeS: positiveFrom(env.MILKRUN_MAX_SOLVE_TIME_S, DEFAULT_CONFIG.maxSolveTimeS, 'MILKRUN_MAX_SOLVE_TIME_S'),
    solveWorkers: Math.max(1, intFrom(env.MILKRUN_SOLVE_WORKERS, DEFAULT_CONFIG.solveWorkers, 'MILKRUN_SOLVE_WORKERS')),
    solvesPerOrg: Math.max(1, intFrom(env.MILKRUN_SOLVES_PER_ORG, DEFAULT_CONFIG.solvesPerOrg, 'MILKRUN_SOLVES_PER_ORG')),
    timeouts,
  };
}
