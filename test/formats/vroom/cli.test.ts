/** `milkrun solve` with VROOM problems: detected or forced, from a file or standard input, plan mode, errors. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import { clientError, clientSolution } from './client-schema.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'milkrun-vroom-cli-'));

async function runMain(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const problem = {
  vehicles: [{ id: 1, start_index: 0, end_index: 0, steps: [{ type: 'job', id: 2 }, { type: 'job', id: 1 }] }],
  jobs: [{ id: 1, location_index: 1 }, { id: 2, location_index: 2 }],
  matrices: { car: { durations: [[0, 5, 9], [5, 0, 4], [9, 4, 0]] } },
};
const { steps: _steps, ...vehicleWithoutSteps } = problem.vehicles[0]!;
const toSolve = { ...problem, vehicles: [vehicleWithoutSteps] };

function file(name: string, content: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('milkrun solve with VROOM problems', () => {
  it('recognises a VROOM file and prints VROOM’s solution JSON', async () => {
    const { code, stdout } = await runMain(['solve', file('p.json', toSolve), '--time', '0.1']);
    expect(code).toBe(0);
    const answer = clientSolution.parse(JSON.parse(stdout));
    expect(answer.summary.cost).toBe(18);
  });

  it('honours --format vroom and times the vehicles’ steps with --plan', async () => {
    const { code, stdout } = await runMain(['solve', file('plan.json', problem), '--format', 'vroom', '--plan']);
    expect(code).toBe(0);
    const answer = clientSolution.parse(JSON.parse(stdout));
    expect(answer.routes[0]!.steps.map((s) => s.id ?? s.type)).toEqual(['start', 2, 1, 'end']);
    expect(answer.summary.duration).toBe(9 + 4 + 5);
  });

  it('answers an input error as VROOM does: { code: 2, error } naming the key, exit code 2', async () => {
    const { code, stdout, stderr } = await runMain(['solve', file('bad.json', { ...toSolve, jobs: [{ id: 1, location_index: 1, setup: 30 }] })]);
    expect(code).toBe(2);
    const error = clientError.parse(JSON.parse(stdout));
    expect(error.code).toBe(2);
    expect(error.error).toMatch(/^jobs\[0\]\.setup: /);
    expect(stderr).toContain('jobs[0].setup');
  });

  it('refuses --plan for other formats', async () => {
    const { code, stderr } = await runMain(['solve', join(root, 'data/solomon/C101.txt'), '--plan']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--plan is for VROOM problems/);
  });

  it('reads the problem from standard input when FILE is -', () => {
    const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');
    const r = spawnSync(process.execPath, [tsx, 'src/cli/main.ts', 'solve', '-', '--time', '0.1'], {
      cwd: root,
      input: JSON.stringify(toSolve),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(clientSolution.parse(JSON.parse(r.stdout)).summary.cost).toBe(18);
  });
});
