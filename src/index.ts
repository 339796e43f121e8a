/** Milkrun's library surface: what integrations import. Each module adds its own export line. */
export { verifyWebhook, type VerifyResult, type VerifyFailureCode } from './webhooks/verify.js';
