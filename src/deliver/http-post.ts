import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';

export interface PostResponse {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  body: Uint8Array;
}

/** The exchange outlived its timeout: worth another attempt, unlike most request errors. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * A POST over node:http(s) with a keep-alive agent of the caller's, so that a thousand requests
 * in a run share one connection. The timeout covers the whole exchange, response body included.
 */
export function post(
  url: URL,
  headers: Record<string, string>,
  body: Uint8Array,
  timeoutMs: number,
  agents: { http: http.Agent; https: https.Agent },
): Promise<PostResponse> {
  const client = url.protocol === 'https:' ? https : http;
  const agent = url.protocol === 'https:' ? agents.https : agents.http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: 'POST',
      agent,
      headers: { ...headers, 'Content-Length': String(body.byteLength) },
    });
    const timer = setTimeout(
      () => req.destroy(new TimeoutError(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          contentType: header(res.headers['content-type']),
          retryAfter: header(res.headers['retry-after']),
          body: new Uint8Array(Buffer.concat(chunks)),
        });
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
 * Keep-alive agents for one client: one connection reused request after request. A CA of the
 * user's is trusted besides the usual ones (Node's `ca` would otherwise replace them), so that one
 * variable set for a private collector does not break a public endpoint reached through it.
 */
export function keepAliveAgents(tlsFiles: TlsOptions = {}): {
  http: http.Agent;
  https: https.Agent;
} {
  const { ca, cert, key } = tlsFiles;
  return {
    http: new http.Agent({ keepAlive: true, maxSockets: 1 }),
    https: new https.Agent({
      keepAlive: true,
      maxSockets: 1,
      ...(ca !== undefined && { ca: [...tls.getCACertificates('default'), ca] }),
      ...(cert !== undefined && { cert }),
      ...(key !== undefined && { key }),
    }),
  };
}
