// Worker entry used only when running from the .ts sources (tsx, vitest): on Node 20, tsx's `--import tsx/esm`
// does not register its loader inside worker threads, so the worker registers it itself, then loads the real
// entry named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
