import http from 'node:http';
import { readFileSync } from 'node:fs';
import { OtlpExporter } from '../../src/deliver/otlp-exporter.js';
import { describeOutcome } from '../../src/deliver/outcome.js';
import { HttpTransport } from '../../src/deliver/http-transport.js';
import { resolveEndpoint } from '../../src/config/endpoint.js';
import { startOtlpReceiver, type ReceivedRequest } from '../helpers/otlp-receiver.js';
import { makeTestCa } from '../helpers/test-ca.js';

/** What a loopback server saw of one request. */
interface Seen {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: Seen, res: http.ServerResponse) => void;

/** What the loopback receiver saw of one request, its body as text. */
const seenOf = (r: ReceivedRequest): Seen => ({
  method: r.method,
  path: r.path,
  headers: r.headers,
  body: r.body.toString('utf8'),
});

/** The loopback receiver, recording each request as it came and answering it with `handler`. */
async function server(handler: Handler) {
  const receiver = await startOtlpReceiver({
    decode: false,
    reply: (request, res) => handler(seenOf(request), res),
  });
  return {
    origin: receiver.url,
    get seen(): Seen[] {
      return receiver.requests.map(seenOf);
    },
    close: () => receiver.close(),
  };
}

const servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(handler: Handler) {
  const s = await server(handler);
  servers.push(s);
  return s;
}

/** An exporter as the sync command configures it for `url`, with a token and a key header. */
function exporter(
  url: string,
  extra: { onRedirect?: (l: string) => void; timeoutMs?: number } = {},
) {
  const endpoint = resolveEndpoint(
    { endpoint: url, headers: 'Authorization=Bearer t0ken-s3cret,X-Api-Key=k3y-s3cret' },
    {},
  )!;
  return new OtlpExporter({
    endpoint,
    protocol: 'http/json',
    compression: 'none',
    timeoutMs: extra.timeoutMs ?? 2000,
    userAgent: 'telemetry-sync/test',
    ...(extra.onRedirect !== undefined && { onRedirect: extra.onRedirect }),
    policy: { initialBackoffMs: 5, maxBackoffMs: 20, budgetMs: 5000 },
  });
}

const BODY = new TextEncoder().encode('{"resourceMetrics":[]}');

describe('a 2xx that is not an OTLP export response', () => {
  it.each([
    ['a login page', 'text/html; charset=utf-8', '<!doctype html><title>Please sign in</title>'],
    ['another JSON shape', 'application/json', '{"status":"ok","received":true}'],
  ])(
    '%s: not-otlp at once, no retry, with status, type and first bytes',
    async (_n, type, page) => {
      const s = await serve((_req, res) => res.writeHead(200, { 'Content-Type': type }).end(page));
      const c = exporter(s.origin);
      const outcome = await c.send(BODY);
      c.close();
      expect(outcome).toMatchObject({ kind: 'not-otlp', status: 200, attempts: 1 });
      expect(s.seen).toHaveLength(1);
      const said = describeOutcome(outcome);
      expect(said).toContain('HTTP 200: not an OTLP endpoint');
      expect(said).toContain(`Content-Type ${type}`);
      expect(said).toContain(`it begins "${page.slice(0, 20)}`);
      expect(said).toContain('check that --endpoint is the OTLP/HTTP receiver itself');
    },
  );

  it('redacts a token the page echoes', async () => {
    const s = await serve((req, res) =>
      res
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end(`<p>token ${String(req.headers.authorization)} is not valid here</p>`),
    );
    const c = exporter(s.origin);
    const outcome = await c.send(BODY);
    c.close();
    expect(describeOutcome(outcome)).not.toContain('t0ken-s3cret');
    expect(describeOutcome(outcome)).toContain('token *** is not valid');
  });

  it('reads at most 4 MiB of a huge body and drops the connection, within the timeout', async () => {
    let written = 0;
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = Buffer.alloc(1 << 20, 0x61);
      // An endless body, written as fast as the client reads it: it ends only if the client goes.
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.byteLength;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    const c = exporter(s.origin, { timeoutMs: 5000 });
    const started = Date.now();
    const outcome = await c.send(BODY);
    c.close();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome).toMatchObject({ kind: 'not-otlp', attempts: 1 });
    expect(describeOutcome(outcome)).toContain('far longer than any OTLP response');
    // The server stopped soon after the client had its 4 MiB: nothing near an endless body.
    expect(written).toBeLessThan(64 << 20);
  });

  it('a body slower than the timeout ends the attempt at the timeout', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{');
      // ...and nothing more.
    });
    const transport = new HttpTransport({ url: s.origin, headers: {}, timeoutMs: 300 });
    const started = Date.now();
    const result = await transport.send(BODY);
    transport.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ kind: 'retryable' });
    expect(result.kind === 'retryable' && result.message).toMatch(
      /^no answer from 127\.0\.0\.1:\d+ within 300 ms$/,
    );
  });
});

describe('redirects', () => {
  it('follows a 307 and a 308 across two origins, keeping method and body, credentials only on the first', async () => {
    const b = await serve((req, res) => {
      if (req.path === '/moved') {
        res.writeHead(308, { Location: '/v1/metrics' }).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    const a = await serve((_req, res) =>
      res.writeHead(307, { Location: `${b.origin}/moved` }).end(),
    );
    const hops: string[] = [];
    const c = exporter(a.origin, { onRedirect: (l) => hops.push(l) });
    const outcome = await c.send(BODY);
    c.close();
    expect(outcome).toMatchObject({ kind: 'acknowledged', attempts: 1 });
    const all = [...a.seen, ...b.seen];
    expect(all.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', '/v1/metrics', '{"resourceMetrics":[]}'],
      ['POST', '/moved', '{"resourceMetrics":[]}'],
      ['POST', '/v1/metrics', '{"resourceMetrics":[]}'],
    ]);
    expect(a.seen[0]!.headers.authorization).toBe('Bearer t0ken-s3cret');
    expect(a.seen[0]!.headers['x-api-key']).toBe('k3y-s3cret');
    for (const r of b.seen) {
      expect(r.headers.authorization).toBeUndefined();
      expect(r.headers['x-api-key']).toBeUndefined();
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(hops).toEqual([
      `HTTP 307: redirected from ${a.origin}/v1/metrics to ${b.origin}/moved; Authorization, X-Api-Key not sent to the other origin`,
      `HTTP 308: redirected from ${b.origin}/moved to ${b.origin}/v1/metrics`,
    ]);
  });

  it('keeps the headers on a redirect within the origin', async () => {
    const a = await serve((req, res) => {
      if (req.path === '/v1/metrics') res.writeHead(308, { Location: '/otlp/v1/metrics' }).end();
      else res.writeHead(200).end();
    });
    const c = exporter(a.origin);
    expect(await c.send(BODY)).toMatchObject({ kind: 'acknowledged' });
    c.close();
    expect(a.seen.map((r) => r.headers.authorization)).toEqual([
      'Bearer t0ken-s3cret',
      'Bearer t0ken-s3cret',
    ]);
  });

  it.each([301, 302, 303])(
    'does not follow %i for a POST: shows the Location to use instead',
    async (status) => {
      const a = await serve((_req, res) =>
        res.writeHead(status, { Location: 'https://otlp.example.com/v1/metrics?key=s3cret' }).end(),
      );
      const c = exporter(a.origin);
      const outcome = await c.send(BODY);
      c.close();
      expect(outcome).toMatchObject({ kind: 'failed', status, attempts: 1 });
      expect(describeOutcome(outcome)).toBe(
        `HTTP ${status}: the endpoint redirects to https://otlp.example.com/v1/metrics (Location); a POST is not followed through ${status} (it would turn into a GET): give https://otlp.example.com/v1/metrics as the endpoint`,
      );
      expect(a.seen).toHaveLength(1);
    },
  );

  it('never follows https to http', async () => {
    const plain = await serve((_req, res) => res.writeHead(200).end());
    const ca = makeTestCa();
    const secure = await startOtlpReceiver({
      tls: ca.server,
      decode: false,
      respond: () => ({ status: 308, headers: { location: `${plain.origin}/v1/metrics` } }),
    });
    servers.push(secure);
    const url = secure.url;
    const transport = new HttpTransport({
      url: `${url}/v1/metrics`,
      headers: { Authorization: 'Bearer t0ken' },
      timeoutMs: 2000,
      tls: { ca: readFileSync(ca.caFile, 'utf8') },
    });
    const result = await transport.send(BODY);
    transport.close();
    expect(result).toMatchObject({ kind: 'permanent', status: 308 });
    expect(result.kind === 'permanent' && result.message).toBe(
      `a redirect from ${url}/v1/metrics to ${plain.origin}/v1/metrics would leave TLS, so it is not followed; check the endpoint's configuration, or give the https URL it should have`,
    );
    expect(plain.seen).toHaveLength(0);
  });

  it('stops after 5 hops', async () => {
    const a = await serve((req, res) =>
      res.writeHead(307, { Location: `/hop${a.seen.length}` }).end(),
    );
    const c = exporter(a.origin);
    const outcome = await c.send(BODY);
    c.close();
    expect(outcome).toMatchObject({ kind: 'failed', status: 307 });
    expect(describeOutcome(outcome)).toMatch(/more than 5 redirects/);
    expect(a.seen).toHaveLength(6);
  });
});

describe('Retry-After: 0 from an endpoint that is always busy', () => {
  it('waits the usual backoff anyway and ends within the budget', async () => {
    const a = await serve((_req, res) => res.writeHead(503, { 'Retry-After': '0' }).end('busy'));
    const endpoint = resolveEndpoint({ endpoint: a.origin }, {})!;
    const c = new OtlpExporter({
      endpoint,
      protocol: 'http/json',
      compression: 'none',
      timeoutMs: 500,
      userAgent: 'telemetry-sync/test',
      // The real backoff (1 s, doubling) and real sleeps, in a 4 s budget.
      policy: { initialBackoffMs: 1000, maxBackoffMs: 30_000, budgetMs: 4000 },
    });
    const started = Date.now();
    const outcome = await c.send(BODY);
    c.close();
    const elapsed = Date.now() - started;
    expect(outcome).toMatchObject({ kind: 'retries-exhausted', status: 503 });
    // 1st at 0, then waits of 0.5-1 s and 1-2 s (each at least the backoff, not 0); no attempt
    // starts that could end past 4 s.
    expect(a.seen.length).toBeGreaterThanOrEqual(2);
    expect(a.seen.length).toBeLessThanOrEqual(3);
    expect(elapsed).toBeLessThanOrEqual(4000);
  });
});
