import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { Solution } from '../../src/solver/model.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/milkrun.js');

function runBin(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function runMain(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'milkrun-cli-'));
function tmpFile(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe('milkrun (bin)', () => {
  it('solves C101 and prints valid solution JSON serving all 100 customers', () => {
    const { code, stdout, stderr } = runBin(['solve', 'data/solomon/C101.txt', '--time', '0.5']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const solution = JSON.parse(stdout) as Solution;
    const served = solution.routes.flatMap((r) => r.steps.filter((s) => s.type === 'job').map((s) => s.job));
    expect(solution.unassigned).toEqual([]);
    expect(new Set(served).size).toBe(100);
    expect(served.length).toBe(100);
    expect(served).toContain('1');
    expect(served).toContain('100');
    expect(solution.summary.vehicles).toBeLessThanOrEqual(25);
    expect(solution.summary.distance).toBeCloseTo(solution.routes.reduce((s, r) => s + r.distance, 0), 6);
  });

  it('exits with 2 and names the line for a malformed Solomon file', () => {
    const file = tmpFile('bad.txt', 'BAD\n\nVEHICLE\nNUMBER CAPACITY\n 3 100\n\nCUSTOMER\nheader\n 0 0 0 0 0 100 0\n 1 5 5 10 0\n');
    const { code, stdout, stderr } = runBin(['solve', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('line 10: expected 7 numbers');
  });

  it('prints help with no arguments', () => {
    const { code, stdout } = runBin([]);
    expect(code).toBe(0);
    expect(stdout).toContain('milkrun solve FILE');
  });
});

describe('milkrun (in process)', () => {
  it('reports the field path of an invalid problem JSON with exit code 2', async () => {
    const file = tmpFile('bad.json', JSON.stringify({ jobs: [{ id: 'a', location: { lat: 100, lng: 0 } }], vehicles: [{ id: 'v' }] }));
    const { code, stderr } = await runMain(['solve', file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/jobs\[0\]\.location/);
  });

  it('solves a small problem JSON with the options from the command line', async () => {
    const problem = {
      jobs: [
        { id: 'a', location: { index: 1 }, demand: [1] },
        { id: 'b', location: { index: 2 }, demand: [1] },
      ],
      vehicles: [{ id: 'v', start: { index: 0 }, end: { index: 0 }, capacity: [5] }],
      matrices: { durations: [[0, 1, 2], [1, 0, 1], [2, 1, 0]], distances: [[0, 1, 2], [1, 0, 1], [2, 1, 0]] },
    };
    const file = tmpFile('ok.json', JSON.stringify(problem));
    const { code, stdout, stderr } = await runMain(['solve', file, '--time', '0.2', '--seed', '7', '--format', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const solution = JSON.parse(stdout) as Solution;
    expect(solution.summary.distance).toBe(4);
    expect(solution.routes[0]!.steps.map((s) => s.job ?? s.type)).toEqual(['start', 'a', 'b', 'end']);
  });

  it('prints the solve usage for --help', async () => {
    const { code, stdout } = await runMain(['solve', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: milkrun solve FILE/);
  });

  it.each([
    [['solve'], /expected one FILE, got 0/],
    [['solve', 'x.txt', '--time', 'soon'], /--time: /],
    [['solve', 'x.txt', '--minimize', 'trucks'], /--minimize: /],
    [['solve', 'x.txt', '--colour'], /Unknown option '--colour'/],
    [['solve', join(tmp, 'missing.txt')], /cannot read .*missing\.txt/],
    [['launch'], /unknown command "launch"/],
  ])('exits with 2 on bad usage %j', async (args, message) => {
    const { code, stderr } = await runMain(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
