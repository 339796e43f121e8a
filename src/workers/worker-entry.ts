/**
 * Where to start a worker thread whose script sits next to the calling module: the compiled `.js` file, or,
 * when running from the .ts sources (tsx, vitest), the bootstrap that registers tsx in the worker first and
 * then imports `entry` (pass it in workerData).
 */
export function workerEntry(callerUrl: string, baseName: string): { url: URL; entry: string | undefined } {
  if (!callerUrl.endsWith('.ts')) return { url: new URL(`./${baseName}.js`, callerUrl), entry: undefined };
  return {
    url: new URL('./tsx-worker-bootstrap.mjs', import.meta.url),
    entry: new URL(`./${baseName}.ts`, callerUrl).href,
  };
}
