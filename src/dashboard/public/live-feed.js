// /ws/live client: subscribes to every driver of the organization and hands each driver update (position and/or
// ETAs, snake_case as the REST live endpoint) to the page. Reconnects with capped backoff; a 4401/4403-style
// refusal (bad token) stops retrying and reports it instead.

/**
 * The hub may send one update per frame or a batch; updates may nest the driver state. Accept each shape and
 * return flat driver-state objects (each with driver_id).
 * @param {any} frame
 * @returns {any[]}
 */
export function driverUpdatesOf(frame) {
  if (!frame || typeof frame !== 'object') return [];
  if (Array.isArray(frame)) return frame.flatMap(driverUpdatesOf);
  if (Array.isArray(frame.updates)) return frame.updates.flatMap(driverUpdatesOf);
  if (Array.isArray(frame.drivers)) return frame.drivers.flatMap(driverUpdatesOf);
  if (frame.data && typeof frame.data === 'object' && !Array.isArray(frame.data)) {
    const inner = driverUpdatesOf(frame.data);
    if (inner.length > 0) return inner;
  }
  for (const key of ['live', 'driver', 'position', 'state']) {
    const nested = frame[key];
    if (nested && typeof nested === 'object' && !Array.isArray(nested)) {
      const merged = { ...frame, ...nested };
      delete merged[key];
      merged.driver_id = nested.driver_id ?? frame.driver_id ?? (key === 'driver' ? nested.id : undefined);
      if (typeof merged.driver_id === 'string') return [merged];
    }
  }
  return typeof frame.driver_id === 'string' ? [frame] : [];
}

/**
 * @param {{ token: string, onUpdate: (update: any) => void, onStatus: (status: string) => void }} options
 */
export function connectLiveFeed(options) {
  let socket = /** @type {WebSocket | null} */ (null);
  let retryMs = 500;
  let stopped = false;

  function open() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // Browsers cannot set an Authorization header on a WebSocket, so the token travels as a query parameter.
    socket = new WebSocket(`${scheme}://${location.host}/ws/live?token=${encodeURIComponent(options.token)}`);
    socket.addEventListener('open', () => {
      retryMs = 500;
      options.onStatus('live');
      socket?.send(JSON.stringify({ type: 'subscribe', all: true }));
    });
    socket.addEventListener('message', (event) => {
      let frame;
      try {
        frame = JSON.parse(String(event.data));
      } catch {
        return;
      }
      for (const update of driverUpdatesOf(frame)) options.onUpdate(update);
    });
    socket.addEventListener('close', (event) => {
      socket = null;
      if (stopped) return;
      if (event.code === 1008 || event.code === 4401 || event.code === 4403) {
        options.onStatus('live updates refused (token?)');
        return;
      }
      options.onStatus('reconnecting…');
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    });
  }

  open();
  return {
    close() {
      stopped = true;
      socket?.close();
    },
  };
}
