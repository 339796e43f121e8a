/**
 * A process-local doorbell: whoever writes to the outbox or re-queues a delivery rings it, and the dispatcher
 * runs at once instead of at its next poll. Missing a ring is harmless; the poll catches up.
 */
type Listener = () => void;

const listeners = new Set<Listener>();

export function onWebhookWork(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function ringWebhookDispatcher(): void {
  for (const listener of listeners) listener();
}
