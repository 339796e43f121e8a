/**
 * The real server (`src/server.ts`) as a child process for crash tests. Node runs the server itself with tsx as a
 * loader, not tsx's CLI: SIGKILL must reach the process holding the database, or the "crash" leaves the old server
 * running (and orphaned after the test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = new URL('../..', import.meta.url).pathname;

/** Starts the server on a free port with `env` on top of the test's; resolves once it listens, with its base URL. */
export function startChildServer(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/server.ts')], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) resolve({ child, base: match[1] });
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${String(code)}: ${err}`)));
  });
}

/** SIGKILL, resolved once the process is gone (at once when it already is). */
export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
