/** Statuses the OTLP specification calls retryable; every other failure status is permanent. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** Wait before the first retry; it doubles each time. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Upper bound on all waits for one request together, Retry-After included. */
  maxTotalWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  initialBackoffMs: 1000,
  maxBackoffMs: 30_000,
  maxTotalWaitMs: 120_000,
};

/**
 * Exponential backoff with jitter: half the step is fixed and half random, so retries from many
 * runners spread out without ever retrying at once. `random` is in [0, 1).
 */
export function backoffMs(policy: RetryPolicy, retry: number, random: number): number {
  const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (step / 2) * random);
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
