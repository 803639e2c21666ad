import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Compression, EndpointConfig, Protocol } from '../config/sync-config.js';
import { CONTENT_TYPES } from '../encode/serialize.js';
import { attempt, type AttemptResult } from './http-attempt.js';
import { keepAliveAgents } from './http-post.js';
import { backoffMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

const gzipAsync = promisify(gzipCallback);
/**
 * Fastest zlib level: OTLP bodies repeat the same attributes and bucket bounds point after point,
 * so level 1 already shrinks them about fifteen times, at a quarter of the default level's cost.
 */
const GZIP_LEVEL = 1;

export interface DeliveryOutcome {
  /** The endpoint answered 2xx: the events are delivered, whatever partial_success said. */
  acknowledged: boolean;
  status?: number;
  attempts: number;
  /** Points the endpoint reported rejected in partial_success; never retried. */
  rejectedPoints: number;
  /** partial_success's message, or why the request failed. */
  message?: string;
  /** Bytes put on the wire, every attempt counted. */
  bytesSent: number;
}

export interface ClientOptions {
  endpoint: EndpointConfig;
  protocol: Protocol;
  compression: Compression;
  timeoutMs: number;
  userAgent: string;
  policy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** Sends one OTLP request with retries by the OTLP rules and reports how it ended. */
export class OtlpHttpClient {
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  private readonly url: URL;
  private readonly agents = keepAliveAgents();

  constructor(private readonly options: ClientOptions) {
    this.url = new URL(options.endpoint.url);
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** Closes the kept-alive connection, so that the process can exit at once. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /**
   * The body as it goes on the wire. Compression runs in the thread pool, so a caller that starts
   * it as soon as a request is encoded gets it done while the main thread encodes the next one.
   */
  wireBody(payload: Uint8Array): Promise<Uint8Array> {
    if (this.options.compression !== 'gzip') return Promise.resolve(payload);
    return gzipAsync(payload, { level: GZIP_LEVEL });
  }

  /** Sends `payload`; `wire` is its wire body when the caller started that already. */
  async send(payload: Uint8Array, wire?: Promise<Uint8Array>): Promise<DeliveryOutcome> {
    const { endpoint, protocol, compression, timeoutMs, userAgent } = this.options;
    const gzip = compression === 'gzip';
    const body = await (wire ?? this.wireBody(payload));
    const headers: Record<string, string> = {
      ...endpoint.headers,
      'Content-Type': CONTENT_TYPES[protocol],
      'User-Agent': userAgent,
      ...(gzip && { 'Content-Encoding': 'gzip' }),
    };
    let waited = 0;
    let bytesSent = 0;
    for (let n = 1; ; n++) {
      const result: AttemptResult = await attempt(
        { url: this.url, headers, body, timeoutMs, agents: this.agents },
        this.now,
      );
      bytesSent += body.byteLength;
      const base = {
        attempts: n,
        bytesSent,
        ...(result.status !== undefined && { status: result.status }),
      };
      if (result.kind === 'acknowledged') {
        return {
          ...base,
          acknowledged: true,
          rejectedPoints: result.partial.rejectedPoints,
          ...(result.partial.message !== undefined && { message: result.partial.message }),
        };
      }
      const failed = { ...base, acknowledged: false, rejectedPoints: 0 };
      if (result.kind === 'permanent') return { ...failed, message: result.reason };
      if (n >= this.policy.maxAttempts) {
        return { ...failed, message: `${result.reason}; gave up after ${n} attempts` };
      }
      const wait = result.retryAfterMs ?? backoffMs(this.policy, n, this.random());
      if (waited + wait > this.policy.maxTotalWaitMs) {
        const why =
          result.retryAfterMs !== undefined
            ? `the endpoint asked to wait ${Math.ceil(wait / 1000)} s`
            : 'backoff';
        return {
          ...failed,
          message: `${result.reason}; gave up: ${why} would exceed the ${this.policy.maxTotalWaitMs / 1000} s retry budget`,
        };
      }
      waited += wait;
      await this.sleep(wait);
    }
  }
}
