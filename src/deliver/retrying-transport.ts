import { classifyRefusal, type DeliveryOutcome } from './outcome.js';
import type { AttemptResult, Transport } from './http-transport.js';

/** Attempts per request, the first included. */
const MAX_ATTEMPTS = 6;
/** Wait before the first retry; it doubles each time, up to MAX_BACKOFF_MS. */
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
/** Upper bound on all waits for one request together, Retry-After included. */
const MAX_TOTAL_WAIT_MS = 120_000;

export interface RetryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  maxTotalWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: MAX_ATTEMPTS,
  initialBackoffMs: INITIAL_BACKOFF_MS,
  maxBackoffMs: MAX_BACKOFF_MS,
  maxTotalWaitMs: MAX_TOTAL_WAIT_MS,
};

export interface RetryOptions {
  policy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter. */
  random?: () => number;
}

/**
 * Exponential backoff with jitter: half the step is fixed and half random, so retries from many
 * runners spread out without ever retrying at once.
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: number): number {
  const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (step / 2) * random);
}

/**
 * Wraps a transport: retries what the OTLP rules call transient, within the policy, and turns the
 * last attempt into the one classified outcome of the request.
 */
export class RetryingTransport {
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly transport: Transport,
    options: RetryOptions = {},
  ) {
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  async send(body: Uint8Array): Promise<DeliveryOutcome> {
    let waited = 0;
    let bytesSent = 0;
    for (let attempts = 1; ; attempts++) {
      const result: AttemptResult = await this.transport.send(body);
      bytesSent += body.byteLength;
      const exchange = { attempts, bytesSent };
      if (result.kind === 'acknowledged') {
        const { rejectedPoints, message } = result.partial;
        return {
          ...exchange,
          kind: 'acknowledged',
          rejectedPoints,
          ...(message !== undefined && { message }),
        };
      }
      const status = result.status === undefined ? {} : { status: result.status };
      if (result.kind === 'permanent') {
        const kind =
          result.status === undefined ? 'failed' : classifyRefusal(result.status, result.message);
        if (kind === 'failed') return { ...exchange, ...status, kind, message: result.message };
        return { ...exchange, kind, status: result.status as number, message: result.message };
      }
      const gaveUp = (why: string): DeliveryOutcome => ({
        ...exchange,
        ...status,
        kind: 'retries-exhausted',
        message: result.message === '' ? why : `${result.message}; ${why}`,
      });
      if (attempts >= this.policy.maxAttempts) return gaveUp(`gave up after ${attempts} attempts`);
      const wait = result.retryAfterMs ?? backoffMs(this.policy, attempts, this.random());
      if (waited + wait > this.policy.maxTotalWaitMs) {
        const why =
          result.retryAfterMs !== undefined
            ? `the endpoint asked to wait ${Math.ceil(wait / 1000)} s`
            : 'backoff';
        return gaveUp(
          `gave up: ${why} would exceed the ${this.policy.maxTotalWaitMs / 1000} s retry budget`,
        );
      }
      waited += wait;
      await this.sleep(wait);
    }
  }

  close(): void {
    this.transport.close();
  }
}
