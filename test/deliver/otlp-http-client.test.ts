import { OtlpHttpClient } from '../../src/deliver/otlp-http-client.js';
import type { RetryPolicy } from '../../src/deliver/retry-policy.js';
import { encodeRequests } from '../../src/encode/requests.js';
import { tokfEvent } from '../helpers/events.js';
import { OtlpReceiver } from '../helpers/otlp-receiver.js';

const FAST: RetryPolicy = {
  maxAttempts: 4,
  initialBackoffMs: 5,
  maxBackoffMs: 20,
  maxTotalWaitMs: 5000,
};
const [REQUEST] = encodeRequests(
  [tokfEvent(1, '2026-03-05T10:22:13Z')],
  { 'service.name': 'tokf' },
  'http/protobuf',
  1 << 20,
);
const BODY = REQUEST!.body;

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = new OtlpReceiver();
  await receiver.start();
});
afterEach(() => receiver.close());

function client(overrides: Partial<ConstructorParameters<typeof OtlpHttpClient>[0]> = {}) {
  const waits: number[] = [];
  const c = new OtlpHttpClient({
    endpoint: { url: receiver.metricsUrl, headers: { 'x-api-key': 'k3y' }, secrets: ['k3y'] },
    protocol: 'http/protobuf',
    compression: 'gzip',
    timeoutMs: 2000,
    userAgent: 'telemetry-sync/test',
    policy: FAST,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...overrides,
  });
  return { c, waits };
}

describe('OtlpHttpClient', () => {
  it('posts gzip protobuf with the headers and reports an acknowledgement', async () => {
    const { c } = client();
    const outcome = await c.send(BODY);
    expect(outcome).toMatchObject({
      acknowledged: true,
      status: 200,
      attempts: 1,
      rejectedPoints: 0,
    });
    const [req] = receiver.requests;
    expect(req).toMatchObject({
      path: '/v1/metrics',
      contentType: 'application/x-protobuf',
      contentEncoding: 'gzip',
    });
    expect(req!.headers['x-api-key']).toBe('k3y');
    expect(req!.headers['user-agent']).toBe('telemetry-sync/test');
    expect(outcome.bytesSent).toBe(req!.bodyBytes);
  });

  it('retries 429 honouring Retry-After, then 503/502/504 with backoff', async () => {
    receiver.enqueue({ status: 429, retryAfter: '3' }, { status: 503 }, { status: 502 });
    const { c, waits } = client();
    const outcome = await c.send(BODY);
    expect(outcome).toMatchObject({ acknowledged: true, attempts: 4 });
    expect(waits[0]).toBe(3000);
    expect(waits.slice(1).every((w) => w >= 2 && w <= 20)).toBe(true);
  });

  it('gives up after the attempts allowed, with the last reason', async () => {
    receiver.enqueue({ status: 504 }, { status: 504 }, { status: 504 }, { status: 504 }, {});
    const { c } = client();
    const outcome = await c.send(BODY);
    expect(outcome).toMatchObject({ acknowledged: false, attempts: 4, status: 504 });
    expect(outcome.message).toMatch(/HTTP 504.*gave up after 4 attempts/);
  });

  it('gives up at once when Retry-After exceeds the retry budget', async () => {
    receiver.enqueue({ status: 429, retryAfter: '3600' });
    const { c, waits } = client();
    const outcome = await c.send(BODY);
    expect(outcome).toMatchObject({ acknowledged: false, attempts: 1 });
    expect(outcome.message).toMatch(/asked to wait 3600 s.*retry budget/);
    expect(waits).toEqual([]);
  });

  it.each([400, 401, 403, 404, 500])('treats HTTP %i as permanent: no retry', async (status) => {
    receiver.enqueue({ status, errorMessage: 'nope' });
    const { c } = client();
    const outcome = await c.send(BODY);
    expect(outcome).toMatchObject({ acknowledged: false, attempts: 1, status });
    expect(receiver.requests).toHaveLength(1);
  });

  it('reports 413 without retrying, for the caller to split', async () => {
    receiver.enqueue({ status: 413 });
    const outcome = await client().c.send(BODY);
    expect(outcome).toMatchObject({ acknowledged: false, status: 413, attempts: 1 });
  });

  it('retries a reset connection and a response slower than the timeout', async () => {
    receiver.enqueue({ reset: true }, { hangMs: 1000 }, {});
    const { c } = client({ timeoutMs: 200 });
    const outcome = await c.send(BODY);
    expect(outcome).toMatchObject({ acknowledged: true, attempts: 3 });
  });

  it('retries a refused connection and then reports it', async () => {
    const url = receiver.metricsUrl;
    await receiver.close();
    const { c } = client({ endpoint: { url, headers: {}, secrets: [] } });
    const outcome = await c.send(BODY);
    expect(outcome).toMatchObject({ acknowledged: false, attempts: 4 });
    expect(outcome.message).toMatch(/ECONNREFUSED/);
    receiver = new OtlpReceiver();
    await receiver.start();
  });

  it.each(['http/protobuf', 'http/json'] as const)(
    'reads partial_success in %s',
    async (protocol) => {
      receiver.enqueue({ partialSuccess: { rejectedDataPoints: 3, errorMessage: 'too old' } });
      const [req] = encodeRequests(
        [tokfEvent(1, '2026-03-05T10:22:13Z')],
        { 'service.name': 'tokf' },
        protocol,
        1 << 20,
      );
      const outcome = await client({ protocol, compression: 'none' }).c.send(req!.body);
      expect(outcome).toMatchObject({ acknowledged: true, rejectedPoints: 3, message: 'too old' });
      expect(receiver.requests[0]!.contentType).toBe(
        protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
      );
      expect(receiver.requests[0]!.contentEncoding).toBeUndefined();
    },
  );
});
