import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAtMs: number;
}

/** Decides how the receiver answers the n-th request (0-based). Return nothing to answer 200. */
export type Responder = (req: ReceivedRequest, index: number, res: ServerResponse) => void | 'handled';

/** A real HTTP receiver on 127.0.0.1 with an OS-assigned port that records every request. */
export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  respond: Responder;
  close(): Promise<void>;
  /** Resolves once at least `count` requests arrived. */
  waitFor(count: number): Promise<void>;
}

export async function startReceiver(respond: Responder = () => undefined): Promise<Receiver> {
  const waiters: { count: number; resolve: () => void }[] = [];
  const receiver: Receiver = {
    url: '',
    requests: [],
    respond,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    waitFor: (count) =>
      new Promise<void>((resolve) => {
        if (receiver.requests.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record: ReceivedRequest = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAtMs: Date.now() };
      const index = receiver.requests.length;
      receiver.requests.push(record);
      for (const waiter of waiters.filter((w) => receiver.requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      if (receiver.respond(record, index, res) !== 'handled') {
        if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/plain' });
        if (!res.writableEnded) res.end('ok');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
