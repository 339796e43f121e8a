/** Milkrun's library surface: what integrations import. Each module adds its own export line. */
export { verifyWebhook, type VerifyResult, type VerifyFailureCode } from './webhooks/verify.js';
export { solve } from './solver/solve.js';
export { timeRoutes, type FixedRoute, type TimedRoute, type TimedStep, type RouteViolation, type ViolationType } from './solver/time-routes.js';
export type * from './solver/model.js';
export { readProblem } from './formats/read-problem.js';
export { readProblemFile } from './formats/read-problem-file.js';
export { parseSolomon } from './formats/solomon.js';
export { parseCvrplib } from './formats/cvrplib.js';
export { parseProblemJson, problemFromJson, problemFileSchema } from './formats/problem-json.js';
export { detectFormat } from './formats/detect.js';
export type { FormatError, FormatErrorCode, FormatName, ParsedProblem, ParseResult, FileSolveOptions } from './formats/errors.js';
export { SolvePool, SolveWorkerError, solveInWorker, closeSharedPool } from './workers/solve-pool.js';
export type { PoolSolveOptions, SolvePoolOptions, SolveWorkerErrorCode } from './workers/solve-pool.js';
