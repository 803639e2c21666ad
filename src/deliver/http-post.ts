import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { ProxyServer } from '../config/vocabulary.js';

/**
 * The most of a response body that is read, what the OpenTelemetry JS exporters allow: an export
 * response is a few bytes, an error page a few kilobytes. Past it the connection is closed, so
 * that the rest is neither buffered nor waited for.
 */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface PostResponse {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  location: string | null;
  /** At most MAX_RESPONSE_BYTES of the body. */
  body: Uint8Array;
  /** Whether the body went on past what was read. */
  truncated: boolean;
}

/** The exchange outlived its timeout: worth another attempt, unlike most request errors. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * A POST over node:http(s) with a keep-alive agent of the caller's, so that a thousand requests
 * in a run share one connection. The timeout covers the whole exchange, response body included;
 * a body is read up to MAX_RESPONSE_BYTES and the connection dropped past that.
 */
export function post(
  url: URL,
  headers: Record<string, string>,
  body: Uint8Array,
  timeoutMs: number,
  agent: http.Agent,
): Promise<PostResponse> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const req = client.request(url, {
      method: 'POST',
      agent,
      headers: { ...headers, 'Content-Length': String(body.byteLength) },
    });
    // The timeout is the verdict even mid-body, whatever the destroyed socket then reports.
    const timer = setTimeout(() => {
      const err = new TimeoutError(`no answer within ${timeoutMs} ms`);
      finish(() => reject(err));
      req.destroy(err);
    }, timeoutMs);
    let answered = false;
    // Once a response has begun, the request's own error (a server that answered and reset the
    // connection without reading our body, as a refusing proxy does) is the response's to judge:
    // it ends, or it closes short.
    req.on('error', (err) => {
      if (!answered) finish(() => reject(err));
    });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = (truncated: boolean) => ({
        status: res.statusCode ?? 0,
        contentType: header(res.headers['content-type']),
        retryAfter: header(res.headers['retry-after']),
        location: header(res.headers.location),
        body: new Uint8Array(Buffer.concat(chunks)),
        truncated,
      });
      res.on('data', (c: Buffer) => {
        if (settled) return;
        const room = MAX_RESPONSE_BYTES - size;
        if (c.byteLength <= room) {
          chunks.push(c);
          size += c.byteLength;
          return;
        }
        chunks.push(c.subarray(0, room));
        size = MAX_RESPONSE_BYTES;
        // The rest is not read: the socket goes, and with it whatever the server still sends.
        finish(() => resolve(answer(true)));
        res.destroy();
        req.destroy();
      });
      res.on('error', (err) => finish(() => reject(err)));
      res.on('end', () => finish(() => resolve(answer(false))));
      res.on('close', () => {
        if (!res.complete)
          finish(() =>
            reject(
              Object.assign(new Error('connection closed mid-response'), { code: 'ECONNRESET' }),
            ),
          );
      });
    });
    req.end(body);
  });
}

function header(value: string | string[] | undefined): string | null {
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/** PEM contents for the https agent: a CA to trust, a client certificate and its key. */
export interface TlsOptions {
  ca?: string;
  cert?: string;
  key?: string;
}

/**
 * Keep-alive agents for one client, one per scheme and proxy: one connection reused request after
 * request. A CA of the user's is trusted besides the usual ones (Node's `ca` would otherwise
 * replace them), so that one variable set for a private collector does not break a public
 * endpoint reached through it. Through a proxy, Node's own proxy support does the work (an
 * absolute URL for http, CONNECT for https); which proxy, if any, is the caller's decision.
 */
export class Agents {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly tlsFiles: TlsOptions = {}) {}

  for(url: URL, proxy: ProxyServer | undefined): http.Agent {
    const key = `${url.protocol} ${proxy?.url ?? 'direct'}`;
    let agent = this.agents.get(key);
    if (agent === undefined) {
      agent = this.make(url.protocol === 'https:', proxy);
      this.agents.set(key, agent);
    }
    return agent;
  }

  private make(secure: boolean, proxy: ProxyServer | undefined): http.Agent {
    const proxyEnv =
      proxy === undefined
        ? {}
        : { proxyEnv: { [secure ? 'HTTPS_PROXY' : 'HTTP_PROXY']: href(proxy) } };
    if (!secure) return new http.Agent({ keepAlive: true, maxSockets: 1, ...proxyEnv });
    const { ca, cert, key } = this.tlsFiles;
    return new https.Agent({
      keepAlive: true,
      maxSockets: 1,
      ...proxyEnv,
      ...(ca !== undefined && { ca: [...tls.getCACertificates('default'), ca] }),
      ...(cert !== undefined && { cert }),
      ...(key !== undefined && { key }),
    });
  }

  /** Closes every kept-alive connection, so that the process can exit at once. */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/** The proxy URL with its credentials, as Node reads them into Proxy-Authorization. */
function href(proxy: ProxyServer): string {
  const url = new URL(proxy.url);
  if (proxy.credentials !== undefined) {
    url.username = encodeURIComponent(proxy.credentials.user);
    url.password = encodeURIComponent(proxy.credentials.password);
  }
  return url.toString();
}
