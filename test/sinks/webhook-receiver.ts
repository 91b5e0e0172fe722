// A webhook receiver for tests: a real HTTP server on 127.0.0.1 (port 0) that
// records every request and answers with whatever status the test's policy
// picks for the n-th request; a policy may also hold a request until the test
// releases it (to queue commits behind a request in flight, or to make one
// time out).

import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedChange {
  readonly lsn: number;
  readonly weight: number;
  readonly row: Record<string, unknown>;
}

export interface ReceivedBody {
  readonly sink: string;
  readonly lsn: number;
  readonly changes: ReceivedChange[];
}

export interface ReceivedRequest {
  readonly method: string;
  readonly contentType: string | undefined;
  readonly text: string;
  readonly body: ReceivedBody;
  /** The status answered; null while held or when never answered. */
  status: number | null;
}

/** The answer to request number `index` (0-based): a status, or 'hold' to answer only when released. */
export type Policy = (index: number) => number | 'hold';

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Bodies that were answered 2xx, in arrival order. */
  accepted(): ReceivedBody[];
  /** Resolves once `count` requests have arrived (answered or held). */
  arrived(count: number): Promise<void>;
  /** Answers every held request with `status`. */
  release(status?: number): void;
  close(): Promise<void>;
}

export async function startReceiver(policy: Policy = () => 200): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const held: { request: ReceivedRequest; res: ServerResponse }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const answer = (request: ReceivedRequest, res: ServerResponse, status: number): void => {
    request.status = status;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'failed');
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const request: ReceivedRequest = { method: req.method ?? '', contentType: req.headers['content-type'], text, body: JSON.parse(text) as ReceivedBody, status: null };
      const decision = policy(requests.length);
      requests.push(request);
      if (decision === 'hold') held.push({ request, res });
      else answer(request, res, decision);
      for (const w of waiters.splice(0)) {
        if (requests.length >= w.count) w.resolve();
        else waiters.push(w);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    accepted: () => requests.filter((r) => r.status !== null && r.status < 300).map((r) => r.body),
    arrived(count) {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    release(status = 200) {
      for (const h of held.splice(0)) if (!h.res.writableEnded && !h.res.destroyed) answer(h.request, h.res, status);
    },
    async close() {
      for (const h of held.splice(0)) h.res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
