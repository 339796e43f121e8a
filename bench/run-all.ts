/**
 * `npm run bench`: every benchmark, one after another (they would disturb each other's timings in parallel):
 * micro, scale, a short quality run, then each other area's bench/<name>/index.ts when it exists.
 * `--list` prints the steps without running them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
/** Folders that are not runnable benchmarks of their own. */
const SKIP = new Set(['results', 'solver-dev', 'node_modules']);

const steps: { name: string; script: string; args: string[] }[] = [
  { name: 'micro', script: 'micro.ts', args: [] },
  { name: 'scale', script: 'scale.ts', args: ['--time', '10'] },
  { name: 'quality (solomon, cost, 1 s)', script: 'quality.ts', args: ['--set', 'solomon', '--minimize', 'cost', '--time', '1', '--quiet'] },
  { name: 'eta-accuracy', script: 'eta-accuracy.ts', args: ['--seed', '1', '--drivers', '40'] },
];
for (const entry of readdirSync(benchDir).sort()) {
  if (SKIP.has(entry) || !statSync(`${benchDir}${entry}`).isDirectory()) continue;
  if (existsSync(`${benchDir}${entry}/index.ts`)) steps.push({ name: entry, script: `${entry}/index.ts`, args: [] });
}

if (process.argv.includes('--list')) {
  for (const step of steps) console.log(`${step.name}: ${step.script} ${step.args.join(' ')}`);
  process.exit(0);
}

const failed: string[] = [];
for (const step of steps) {
  console.log(`\n=== ${step.name} ===`);
  const result = spawnSync(process.execPath, ['--import', tsxLoader, `${benchDir}${step.script}`, ...step.args], { stdio: 'inherit' });
  if (result.status !== 0) failed.push(`${step.name} (exit ${result.status ?? result.signal})`);
}
console.log(failed.length === 0 ? '\nall benchmarks finished' : `\nfailed: ${failed.join(', ')}`);
if (failed.length > 0) process.exitCode = 1;
