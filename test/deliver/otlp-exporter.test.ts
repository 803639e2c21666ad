import { gunzipSync, gzipSync } from 'node:zlib';
import {
  GZIP_CHUNK_BYTES,
  GZIP_LEVEL,
  OtlpExporter,
  type ExporterOptions,
} from '../../src/deliver/otlp-exporter.js';
import { describeOutcome } from '../../src/deliver/outcome.js';
import type { RetryPolicy } from '../../src/deliver/retrying-transport.js';
import { encodeRequests } from '../../src/encode/requests.js';
import { tokfEvent } from '../helpers/events.js';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';

// Room for a 3 s Retry-After and another attempt's 2 s timeout.
const FAST: RetryPolicy = {
  initialBackoffMs: 5,
  maxBackoffMs: 20,
  budgetMs: 10_000,
};
const [REQUEST] = encodeRequests(
  [tokfEvent(1, '2026-03-05T10:22:13Z')],
  { 'service.name': 'tokf' },
  'http/protobuf',
  1 << 20,
);
const BODY = REQUEST!.body;

const receiver = otlpReceiverForEachTest();

function exporter(overrides: Partial<ExporterOptions> = {}) {
  const waits: number[] = [];
  const c = new OtlpExporter({
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

describe('OtlpExporter over HTTP on loopback', () => {
  it('posts gzip protobuf with the headers and reports an acknowledgement', async () => {
    const { c } = exporter();
    const outcome = await c.send(BODY);
    c.close();
    expect(outcome).toMatchObject({ kind: 'acknowledged', attempts: 1, rejectedPoints: 0 });
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

  it('sends a full batch as one gzip stream, the same bytes as zlib writes in its own chunks', async () => {
    // 500 events in as many seconds, commands varied: a body whose compressed form is several of
    // zlib's default output chunks (16 KB), as a real request's is (about 240 KB at the default
    // batch of 2000), and small enough that the receiver's decoding of it is soon done.
    const events = Array.from({ length: 500 }, (_, i) =>
      tokfEvent(i + 1, new Date(Date.UTC(2026, 2, 5, 10) + i * 1000).toISOString(), {
        command: `cargo test --package crate-${i % 97} -- --test-threads ${i % 13}`,
        inputTokens: 1000 + ((i * 7919) % 50_000),
        outputTokens: 200 + ((i * 104_729) % 9000),
        filterTimeMs: i % 300,
      }),
    );
    const [big] = encodeRequests(events, { 'service.name': 'tokf' }, 'http/protobuf', 64 << 20);
    const { c } = exporter();
    const wire = await c.wireBody(big!.body);
    const outcome = await c.send(big!.body, Promise.resolve(wire));
    c.close();
    expect(outcome).toMatchObject({ kind: 'acknowledged', attempts: 1 });
    const ownChunks = gzipSync(big!.body, { level: GZIP_LEVEL });
    expect(ownChunks.byteLength).toBeGreaterThan(2 * 16 * 1024);
    expect(Buffer.from(wire).equals(ownChunks)).toBe(true);
    expect(wire.byteLength).toBeLessThan(GZIP_CHUNK_BYTES);
    expect(gunzipSync(wire).equals(Buffer.from(big!.body))).toBe(true);
    // What arrived: those bytes (the receiver keeps the body as it decompressed it).
    const [got] = receiver.requests;
    expect(got).toMatchObject({ contentEncoding: 'gzip', bodyBytes: ownChunks.byteLength });
    expect(got!.body.equals(Buffer.from(big!.body))).toBe(true);
  });

  it('retries 429 honouring Retry-After, then 503/502 with backoff', async () => {
    receiver.enqueue({ status: 429, retryAfter: '3' }, { status: 503 }, { status: 502 });
    const { c, waits } = exporter();
    const outcome = await c.send(BODY);
    c.close();
    expect(outcome).toMatchObject({ kind: 'acknowledged', attempts: 4 });
    expect(waits[0]).toBe(3000);
    expect(waits.slice(1).every((w) => w >= 2 && w <= 20)).toBe(true);
  });

  it('gives up when the retry budget is spent, with the last status and reason', async () => {
    receiver.enqueue(...Array.from({ length: 20 }, () => ({ status: 504 })));
    // Attempts with room to answer under CI's load (a 50 ms timeout once ran out before the 504
    // came, and the last outcome had no status); the waits, counted but not slept, spend the
    // budget in about eight attempts, fewer than the answers queued.
    const policy = { initialBackoffMs: 50, maxBackoffMs: 200, budgetMs: 2000 };
    const { c } = exporter({ policy, timeoutMs: 500 });
    const outcome = await c.send(BODY);
    c.close();
    expect(outcome).toMatchObject({ kind: 'retries-exhausted', status: 504 });
    expect(outcome.attempts).toBeGreaterThan(1);
    expect(describeOutcome(outcome)).toMatch(
      /^HTTP 504: Gateway Timeout; gave up after \d+ attempts over .* the 2 s retry budget$/,
    );
  });

  it('gives up at once when Retry-After exceeds the retry budget', async () => {
    receiver.enqueue({ status: 429, retryAfter: '3600' });
    const { c, waits } = exporter();
    const outcome = await c.send(BODY);
    c.close();
    expect(outcome).toMatchObject({ kind: 'retries-exhausted', attempts: 1 });
    expect(outcome.message).toMatch(/asked to wait 3600 s.*retry budget/);
    expect(waits).toEqual([]);
  });

  it.each([
    [400, 'bad-data'],
    [413, 'bad-data'],
    [422, 'bad-data'],
    [401, 'failed'],
    [404, 'failed'],
    [500, 'failed'],
  ] as const)('classifies HTTP %i as %s, without a retry', async (status, kind) => {
    receiver.enqueue({ status, errorMessage: 'nope' });
    const { c } = exporter();
    const outcome = await c.send(BODY);
    c.close();
    expect(outcome).toMatchObject({ kind, attempts: 1, status });
    expect(receiver.requests).toHaveLength(1);
  });

  it("classifies Prometheus's 400 out of bounds as too old", async () => {
    receiver.enqueue({ status: 400, errorMessage: 'out of bounds' });
    const { c } = exporter();
    const outcome = await c.send(BODY);
    c.close();
    expect(outcome).toMatchObject({ kind: 'too-old', status: 400 });
    expect(describeOutcome(outcome)).toMatch(/^HTTP 400: .*out of bounds/);
  });

  it('retries a reset connection and a response slower than the timeout', async () => {
    receiver.enqueue({ reset: true }, { hangMs: 1500 }, {});
    // Time for the third attempt's answer under CI's load, and still well short of the hang.
    const { c } = exporter({ timeoutMs: 500 });
    const outcome = await c.send(BODY);
    c.close();
    expect(outcome).toMatchObject({ kind: 'acknowledged', attempts: 3 });
  });

  it('retries a refused connection and then reports it', async () => {
    const url = receiver.metricsUrl;
    await receiver.close();
    const { c } = exporter({
      endpoint: { url, headers: {}, secrets: [] },
      // A refusal comes back at once; the timeout is only room for it under CI's load.
      policy: { ...FAST, budgetMs: 1500 },
      timeoutMs: 500,
    });
    const outcome = await c.send(BODY);
    c.close();
    expect(outcome.kind).toBe('retries-exhausted');
    expect(outcome.attempts).toBeGreaterThan(1);
    expect(outcome.message).toMatch(/ECONNREFUSED/);
  });

  it('fails at once, without retries, for a host that does not resolve', async () => {
    const { c } = exporter({
      endpoint: { url: 'http://telemetry-sync.invalid:4318/v1/metrics', headers: {}, secrets: [] },
    });
    const outcome = await c.send(BODY);
    c.close();
    expect(outcome).toMatchObject({ kind: 'failed', attempts: 1 });
    expect(outcome.message).toMatch(/ENOTFOUND|EAI_/);
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
      const { c } = exporter({ protocol, compression: 'none' });
      const outcome = await c.send(req!.body);
      c.close();
      expect(outcome).toMatchObject({
        kind: 'acknowledged',
        rejectedPoints: 3,
        message: 'too old',
      });
      expect(receiver.requests[0]!.contentType).toBe(
        protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
      );
      expect(receiver.requests[0]!.contentEncoding).toBeUndefined();
    },
  );
});
