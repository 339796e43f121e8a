#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npx milkrun` works after `npm install` without a build.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli();
