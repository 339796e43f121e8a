#!/usr/bin/env node
// The compiled CLI (dist/, built by `npm install` through `prepare`, and by `npm run build`).
await import('../dist/cli/main.js').then(
  (cli) => cli.runCli(),
  (err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
      console.error('milkrun: the build is missing; run `npm run build` (or `npm install`) first.');
      process.exit(1);
    }
    throw err;
  },
);
