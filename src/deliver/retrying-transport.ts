import { setTimeout as delay } from 'node:timers/promises';
import { classifyRefusal, type DeliveryOutcome } from './outcome.js';
import { condenseRepeats } from './refusal-text.js';
import type { AttemptResult, Transport } from './transport.js';
import { plural } from '../words.js';

/** Wait before the first retry; it doubles each time, up to MAX_BACKOFF_MS. */
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
/**
 * How long one request may take in all, its attempts and the waits between them, before a
 * transient failure is given up: a time, not a count of attempts, so that a flapping endpoint gets
 * the same chance whether it fails fast or slowly.
 */
const RETRY_BUDGET_MS = 120_000;

/** Statuses a gateway answers when the backend behind it did not answer in time, or at all. */
const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 504]);

export interface RetryPolicy {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** The budget: attempts and waits of one request together, Retry-After included. */
  budgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  initialBackoffMs: INITIAL_BACKOFF_MS,
  maxBackoffMs: MAX_BACKOFF_MS,
  budgetMs: RETRY_BUDGET_MS,
};

export interface RetryOptions {
  policy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter. */
  random?: () => number;
  /** Measures the attempts; waits are counted as slept. */
  now?: () => number;
  /**
   * How long one attempt may take (its timeout): no attempt is started that could end past the
   * budget. 0 when unknown.
   */
  attemptTimeoutMs?: number;
  /** Told before each wait between attempts, with what the last attempt came to. */
  onRetry?: (wait: { waitMs: number; attempts: number; reason: string }) => void;
  /**
   * Once aborted, no attempt is started and a wait between attempts ends at once: the request
   * comes to `interrupted`. An attempt already in flight is let finish, within its timeout, so that
   * a request the endpoint may have taken is settled rather than sent again by a later run.
   */
  signal?: AbortSignal;
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
  private readonly now: () => number;
  private readonly custom: ((ms: number) => Promise<void>) | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly options: RetryOptions = {},
  ) {
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.custom = options.sleep;
    this.sleep = options.sleep ?? delay;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** Sleeps `ms`, or less when the signal aborts the wait; true when it did. */
  private wait(ms: number): Promise<boolean> {
    const { signal } = this.options;
    if (signal === undefined) return this.sleep(ms).then(() => false);
    if (signal.aborted) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        // The default timer is cleared, so that it keeps nothing waiting once the run ends.
        if (timer !== undefined) clearTimeout(timer);
        resolve(true);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(false);
      };
      if (this.custom !== undefined) void this.custom(ms).then(done);
      else timer = setTimeout(done, ms);
    });
  }

  async send(body: Uint8Array): Promise<DeliveryOutcome> {
    // Time spent: attempts as measured, waits as slept (a test's sleep may not pass real time).
    let spent = 0;
    let bytesSent = 0;
    // Whether an earlier attempt may have been stored without our reading the answer.
    let mayHaveLanded = false;
    for (let attempts = 1; ; attempts++) {
      const landed = mayHaveLanded ? { mayHaveLanded } : {};
      if (this.options.signal?.aborted === true) {
        return {
          kind: 'interrupted',
          attempts: attempts - 1,
          bytesSent,
          ...landed,
          message:
            attempts === 1 ? 'interrupted before it was sent' : 'interrupted between retries',
        };
      }
      const started = this.now();
      const result: AttemptResult = await this.transport.send(body);
      spent += Math.max(0, this.now() - started);
      // Counted once the endpoint answered: a connection that never opened carried nothing.
      if (result.kind === 'acknowledged' || result.status !== undefined)
        bytesSent += body.byteLength;
      const exchange = { attempts, bytesSent, ...landed };
      if (result.kind === 'acknowledged') {
        const { rejectedPoints, message } = result.partial;
        return {
          ...exchange,
          kind: 'acknowledged',
          rejectedPoints,
          ...(message !== undefined && { message }),
        };
      }
      if (result.kind === 'not-otlp') {
        // Not a failure to retry or split: the endpoint is not one, and every request would
        // meet the same page.
        return { ...exchange, kind: 'not-otlp', status: result.status, message: result.message };
      }
      const status = result.status === undefined ? {} : { status: result.status };
      if (result.kind === 'permanent') {
        const kind =
          result.status === undefined ? 'failed' : classifyRefusal(result.status, result.message);
        if (kind === 'failed') return { ...exchange, ...status, kind, message: result.message };
        const message = condenseRepeats(result.message);
        return { ...exchange, kind, status: result.status as number, message };
      }
      if (attemptMayHaveLanded(result)) mayHaveLanded = true;
      const gaveUp = (why: string): DeliveryOutcome => ({
        ...exchange,
        ...(mayHaveLanded && { mayHaveLanded }),
        ...status,
        kind: 'retries-exhausted',
        message: result.message === '' ? why : `${result.message}; ${why}`,
      });
      // Retry-After is honoured, but never below the usual step: "0" from a struggling server
      // would otherwise turn the budget into back-to-back requests.
      const backoff = backoffMs(this.policy, attempts, this.random());
      const wait = Math.max(result.retryAfterMs ?? 0, backoff);
      const attemptMs = this.options.attemptTimeoutMs ?? 0;
      if (spent + wait + attemptMs > this.policy.budgetMs) {
        const budget = `the ${seconds(this.policy.budgetMs)} retry budget`;
        const attempt =
          attemptMs === 0 ? '' : ` with another attempt's ${seconds(attemptMs)} timeout`;
        return gaveUp(
          result.retryAfterMs !== undefined && result.retryAfterMs >= backoff
            ? `gave up after ${plural(attempts, 'attempt')}: the endpoint asked to wait ${seconds(wait)}, past ${budget}${attempt}`
            : `gave up after ${plural(attempts, 'attempt')} over ${seconds(spent)}: the next wait${attempt} would pass ${budget}`,
        );
      }
      spent += wait;
      this.options.onRetry?.({
        waitMs: wait,
        attempts,
        reason: result.status === undefined ? result.message : describeStatus(result),
      });
      // Interrupted: the loop's check above ends the request.
      await this.wait(wait);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/**
 * Whether a failed attempt may have been stored all the same: no answer came after the body may
 * have gone out (a timeout, a connection dropped once open), or a gateway gave up on the backend
 * (502, 504) after passing the request on. A connection that never opened, a 429 or a 503 (the
 * backend turning the request away) carried nothing into the backend.
 */
function attemptMayHaveLanded(result: Extract<AttemptResult, { kind: 'retryable' }>): boolean {
  if (result.status === undefined) return result.neverSent !== true;
  return GATEWAY_STATUSES.has(result.status);
}

function describeStatus(result: { status?: number; message: string }): string {
  return result.message === ''
    ? `HTTP ${result.status}`
    : `HTTP ${result.status}: ${result.message}`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
