import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
} from '../../src/deliver/retry-policy.js';

describe('retry policy', () => {
  it('doubles the backoff up to the cap, with half of each step random', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect([1, 2, 3, 4].map((n) => backoffMs(p, n, 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => backoffMs(p, n, 0.999999))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(p, 20, 0.5)).toBe(22500);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-03-05T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 05 Mar 2026 10:00:30 GMT', now)).toBe(30000);
    expect(parseRetryAfter('Thu, 05 Mar 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
