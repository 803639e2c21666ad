/**
 * A loopback relay in front of a backend, losing answers the way a slow proxy or a flaky network
 * does: each request is forwarded whole and the backend's answer read (so the backend has stored
 * what it took), then, as the relay's plan says for that request, passed back, held past the
 * client's timeout, or dropped with the connection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the relay does with the backend's answer to one request. */
export type RelayAction =
  | { kind: 'pass' }
  /** Answer only after this long: a client with a shorter timeout has given up by then. */
  | { kind: 'hold'; ms: number }
  /** Close the client's connection without an answer. */
  | { kind: 'drop' };

export interface RelayedRequest {
  /** 1 for the first request the relay saw. */
  n: number;
  /** The backend's status. */
  status: number;
  action: RelayAction['kind'];
}

export class Relay {
  readonly seen: RelayedRequest[] = [];
  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private baseUrl = '';

  /** `plan(n)` says what to do with the answer to the n-th request (1-based). */
  constructor(
    private readonly target: string,
    private readonly plan: (n: number) => RelayAction,
  ) {
    this.server = http.createServer((req, res) => {
      this.relay(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(502).end(String(err));
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  get url(): string {
    return this.baseUrl;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async relay(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const n = this.seen.length + 1;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
    const answer = await fetch(`${this.target}${req.url ?? '/'}`, {
      method: req.method ?? 'POST',
      headers,
      body: Buffer.concat(chunks),
    });
    const body = Buffer.from(await answer.arrayBuffer());
    const action = this.plan(n);
    this.seen.push({ n, status: answer.status, action: action.kind });
    const reply = () => {
      if (res.destroyed) return;
      res
        .writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'text/plain',
          'content-length': body.length,
        })
        .end(body);
    };
    if (action.kind === 'pass') return reply();
    if (action.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      reply();
    }, action.ms);
    this.timers.add(timer);
  }
}
