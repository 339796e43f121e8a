/**
 * API writes under SIGKILL: the server is a child process taking keyed writes (POST /stops/bulk of 100 stops with an
 * Idempotency-Key, slow enough to be caught mid-way) a few at a time; it is killed at a random moment of the stream,
 * restarted on the same file, and every key is retried. Each key's write must exist exactly once, and its retries must answer one body — the one the client
 * got before the crash, when it got one.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { ensureOrganization } from '../../src/store/organizations.js';
import { createToken } from '../../src/store/tokens.js';
import { killHard, startChildServer } from '../support/child-server.js';

const dir = mkdtempSync(join(tmpdir(), 'milkrun-idempotency-crash-'));
const dbFile = join(dir, 'milkrun.db');
let server: ChildProcess | null = null;
let token: string;

function startServer(): Promise<{ child: ChildProcess; base: string }> {
  return startChildServer({ MILKRUN_DB: dbFile, MILKRUN_SEED_DEMO: '0', MILKRUN_RATE_LIMIT: '100000' });
}

interface Answer {
  status: number;
  body: string;
  replayed: boolean;
}

const STOPS_PER_WRITE = 100;

/** One keyed write: a bulk of stops all named after the key (so the file tells how many times it ran). */
async function createStops(base: string, key: string): Promise<Answer> {
  const stops = Array.from({ length: STOPS_PER_WRITE }, (_, i) => ({
    lat: 59.43 + i * 1e-4,
    lng: 24.75,
    customer_name: key,
    notes: `${key} #${i}`,
  }));
  const res = await fetch(`${base}/api/v1/stops/bulk`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ stops }),
  });
  return { status: res.status, body: await res.text(), replayed: res.headers.get('idempotent-replayed') === 'true' };
}

beforeAll(() => {
  const db = openDb(dbFile);
  const org = ensureOrganization(db, 'Crashers').organization.id;
  token = createToken(db, org, { name: 'full', scope: 'full_access' }).token;
  db.close();
});

afterAll(async () => {
  if (server) await killHard(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('idempotent writes across a SIGKILL', () => {
  it('performs every keyed write exactly once and answers its retries with one body', async () => {
    const ROUNDS = 3;
    const KEYS = 30;
    const IN_FLIGHT = 4;
    const lostAnswers: string[] = [];
    const caught = { claimed: 0, committed: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const keys = Array.from({ length: KEYS }, (_, i) => `r${round}-k${i}`);
      const first = await startServer();
      server = first.child;
      // Killed at a random moment of the stream, with requests in flight (parsed, claimed, writing, committed,
      // answering...); the keys not sent yet are sent for the first time after the restart.
      const before = new Map<string, Answer>();
      let next = 0;
      let dead = false;
      const killed = new Promise<void>((resolve) => {
        setTimeout(() => {
          dead = true;
          void killHard(first.child).then(resolve);
        }, 100 + Math.random() * 1500);
      });
      const worker = async () => {
        while (next < keys.length && !dead) {
          const key = keys[next++]!;
          try {
            before.set(key, await createStops(first.base, key));
          } catch {
            // the connection died with the server
          }
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      await killed;
      for (const answer of before.values()) expect(answer.status).toBe(201);
      const crashed = new Database(dbFile, { readonly: true });
      const open = crashed.prepare('SELECT committed_at FROM idempotency WHERE status IS NULL').all() as { committed_at: string | null }[];
      crashed.close();
      caught.claimed += open.filter((r) => r.committed_at === null).length;
      caught.committed += open.filter((r) => r.committed_at !== null).length;

      const second = await startServer();
      server = second.child;
      for (const key of keys) {
        const retry = await createStops(second.base, key);
        const got = before.get(key);
        if (got) {
          expect([key, retry.status, retry.body, retry.replayed]).toEqual([key, got.status, got.body, true]);
        } else if (retry.status === 409) {
          // Committed, then killed before the answer was stored: not run again, and said so.
          expect(JSON.parse(retry.body).error.code).toBe('idempotency_answer_lost');
          lostAnswers.push(key);
        } else {
          expect([key, retry.status]).toEqual([key, 201]);
        }
        const again = await createStops(second.base, key);
        expect([key, again.status, again.body, again.replayed]).toEqual([key, retry.status, retry.body, true]);
        if (retry.status === 201) expect(JSON.parse(retry.body).created).toBe(STOPS_PER_WRITE);
      }
      await killHard(second.child);
      server = null;

      const side = new Database(dbFile, { readonly: true });
      const counts = new Map(
        (side.prepare('SELECT customer_name AS key, COUNT(*) AS n FROM stops GROUP BY customer_name').all() as { key: string; n: number }[]).map(
          (r) => [r.key, r.n],
        ),
      );
      const idsOf = (key: string) =>
        (side.prepare('SELECT id FROM stops WHERE customer_name = ? ORDER BY id').all(key) as { id: string }[]).map((r) => r.id);
      const stored = new Map(
        (side.prepare('SELECT key, status, response FROM idempotency').all() as { key: string; status: number; response: string }[]).map(
          (r) => [r.key, r],
        ),
      );
      for (const key of keys) {
        expect([key, counts.get(key)]).toEqual([key, STOPS_PER_WRITE]);
        const answer = stored.get(key)!;
        if (answer.status === 201) {
          const answered = (JSON.parse(answer.response) as { data: { id: string }[] }).data.map((x) => x.id).sort();
          expect([key, answered]).toEqual([key, idsOf(key)]);
        }
      }
      side.close();
    }
    // How often the narrow window (after COMMIT, before the answer is stored) was hit, for whoever reads the log.
    console.info(`idempotency crash: open claims at the kills ${JSON.stringify(caught)}; answers lost: ${lostAnswers.join(', ')}`);
  }, 120_000);
});
