import type { AttemptResult, Transport } from '../../src/deliver/transport.js';
import { parseRetryAfter } from '../../src/deliver/http-transport.js';
import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  RetryingTransport,
} from '../../src/deliver/retrying-transport.js';

/** A transport that answers from a script, one result per attempt, and counts what it was sent. */
class ScriptedTransport implements Transport {
  readonly sent: number[] = [];
  closed = false;
  constructor(private readonly script: AttemptResult[]) {}
  async send(body: Uint8Array): Promise<AttemptResult> {
    this.sent.push(body.byteLength);
    const next = this.script.shift();
    if (next === undefined) throw new Error('the script ran out');
    return next;
  }
  close(): void {
    this.closed = true;
  }
}

const ACK: AttemptResult = {
  kind: 'acknowledged',
  status: 200,
  partial: { rejectedPoints: 0, message: undefined },
};
const BODY = new Uint8Array(10);

function retrying(script: AttemptResult[], policy = DEFAULT_RETRY_POLICY) {
  const transport = new ScriptedTransport(script);
  const waits: number[] = [];
  const r = new RetryingTransport(transport, {
    policy,
    random: () => 0.5,
    now: () => 0,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { r, transport, waits };
}

describe('RetryingTransport', () => {
  it('returns an acknowledgement with what the exchange cost', async () => {
    const { r } = retrying([{ kind: 'retryable', status: 503, message: '' }, ACK]);
    await expect(r.send(BODY)).resolves.toEqual({
      kind: 'acknowledged',
      rejectedPoints: 0,
      attempts: 2,
      bytesSent: 20,
    });
  });

  it('waits what Retry-After asks, else backs off with jitter', async () => {
    const { r, waits } = retrying([
      { kind: 'retryable', status: 429, message: '', retryAfterMs: 4000 },
      { kind: 'retryable', status: 503, message: '' },
      { kind: 'retryable', message: 'connection failed (ECONNRESET)' },
      ACK,
    ]);
    await r.send(BODY);
    expect(waits).toEqual([4000, 1500, 3000]);
  });

  it('keeps retrying within the time budget, not a count: six failures in a row then success', async () => {
    const { r, waits } = retrying([
      { kind: 'retryable', status: 503, message: '' },
      { kind: 'retryable', status: 429, message: '' },
      { kind: 'retryable', message: 'connection failed (ECONNRESET)' },
      { kind: 'retryable', status: 502, message: '' },
      { kind: 'retryable', status: 504, message: '' },
      { kind: 'retryable', status: 503, message: '' },
      ACK,
    ]);
    await expect(r.send(BODY)).resolves.toMatchObject({ kind: 'acknowledged', attempts: 7 });
    expect(waits).toEqual([750, 1500, 3000, 6000, 12000, 22500]);
  });

  it('gives up when the next wait would pass the budget, with the last answer', async () => {
    const busy: AttemptResult = { kind: 'retryable', status: 503, message: 'busy' };
    const { r, transport, waits } = retrying(Array(20).fill(busy));
    const outcome = await r.send(BODY);
    // Waits of 0.75, 1.5, 3, 6, 12 s, then 22.5 s four times: 113.25 s; one more would pass 120 s.
    expect(waits.reduce((a, b) => a + b, 0)).toBe(113_250);
    expect(outcome).toEqual({
      kind: 'retries-exhausted',
      status: 503,
      message:
        'busy; gave up after 10 attempts over 113.3 s: the next wait would pass the 120 s retry budget',
      attempts: 10,
      bytesSent: 100,
    });
    expect(transport.sent).toHaveLength(10);
  });

  it('counts the time attempts take against the budget', async () => {
    let clock = 0;
    const transport = new ScriptedTransport(
      Array(5).fill({ kind: 'retryable', message: 'no answer within 10000 ms' }),
    );
    const slow = {
      send: async (body: Uint8Array) => {
        clock += 10_000;
        return transport.send(body);
      },
      close: () => {},
    };
    const r = new RetryingTransport(slow, {
      policy: { ...DEFAULT_RETRY_POLICY, budgetMs: 25_000 },
      random: () => 0.5,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    });
    const outcome = await r.send(BODY);
    // 10 s, wait 0.75 s, 10 s, wait 1.5 s: 22.25 s; another 10 s attempt and wait would pass 25 s.
    expect(outcome).toMatchObject({ kind: 'retries-exhausted', attempts: 3 });
  });

  it.each([
    [400, 'the point is bad', 'bad-data'],
    [413, '', 'bad-data'],
    [422, 'invalid', 'bad-data'],
    [400, 'out of bounds', 'too-old'],
    [400, 'too old sample', 'too-old'],
    [400, 'err-mimir-sample-timestamp-too-old', 'too-old'],
    // What a resend of stored data gets: never bad data, never too old.
    [400, 'out of order sample', 'out-of-order'],
    [400, 'out of order sample\nout of order sample', 'out-of-order'],
    [400, 'duplicate sample for timestamp', 'out-of-order'],
    [422, 'err-mimir-sample-out-of-order', 'out-of-order'],
    [
      400,
      'the sample has been rejected because another sample with the same timestamp, but a different value, has already been ingested (err-mimir-sample-duplicate-timestamp)',
      'out-of-order',
    ],
    [409, 'add 3 samples: out of order sample', 'out-of-order'],
    [409, 'conflict', 'failed'],
    [500, 'out of bounds', 'failed'],
    [401, 'unauthorized', 'failed'],
  ] as const)('classifies a final HTTP %i "%s" as %s', async (status, message, kind) => {
    const { r } = retrying([{ kind: 'permanent', status, message }]);
    await expect(r.send(BODY)).resolves.toMatchObject({ kind, status, attempts: 1 });
  });

  it('classifies a failure without an answer as failed, with nothing counted on the wire', async () => {
    const { r } = retrying([{ kind: 'permanent', message: 'request failed (CERT_HAS_EXPIRED)' }]);
    await expect(r.send(BODY)).resolves.toEqual({
      kind: 'failed',
      message: 'request failed (CERT_HAS_EXPIRED)',
      attempts: 1,
      bytesSent: 0,
    });
  });

  it('closes the transport it wraps', () => {
    const { r, transport } = retrying([]);
    r.close();
    expect(transport.closed).toBe(true);
  });
});

describe('retry timing', () => {
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

describe('RetryingTransport interrupted', () => {
  const REFUSED: AttemptResult = { kind: 'retryable', message: 'connection failed (ECONNREFUSED)' };

  it('tells each wait and why, and ends a wait at once when the signal aborts', async () => {
    const transport = new ScriptedTransport([REFUSED, REFUSED, ACK]);
    const controller = new AbortController();
    const told: { waitMs: number; attempts: number; reason: string }[] = [];
    const r = new RetryingTransport(transport, {
      random: () => 0.5,
      signal: controller.signal,
      onRetry: (wait) => {
        told.push(wait);
        if (told.length === 2) setTimeout(() => controller.abort(), 20);
      },
    });
    const started = Date.now();
    const outcome = await r.send(BODY);
    // The first wait (750 ms) is slept; the second (1.5 s) ends when the signal aborts.
    expect(Date.now() - started).toBeLessThan(1400);
    expect(outcome).toMatchObject({ kind: 'interrupted', attempts: 2 });
    expect(transport.sent).toHaveLength(2);
    expect(told).toEqual([
      { waitMs: 750, attempts: 1, reason: 'connection failed (ECONNREFUSED)' },
      { waitMs: 1500, attempts: 2, reason: 'connection failed (ECONNREFUSED)' },
    ]);
  });

  it('starts no attempt once interrupted, and lets one in flight finish', async () => {
    const controller = new AbortController();
    controller.abort();
    const idle = new ScriptedTransport([ACK]);
    expect(
      await new RetryingTransport(idle, { signal: controller.signal }).send(BODY),
    ).toMatchObject({ kind: 'interrupted', attempts: 0, bytesSent: 0 });
    expect(idle.sent).toHaveLength(0);

    const later = new AbortController();
    const inFlight: Transport = {
      send: async () => {
        later.abort();
        return ACK;
      },
      close: () => {},
    };
    expect(
      await new RetryingTransport(inFlight, { signal: later.signal }).send(BODY),
    ).toMatchObject({ kind: 'acknowledged', attempts: 1 });
  });

  describe('whether an unanswered attempt may have landed', () => {
    const OOO: AttemptResult = { kind: 'permanent', status: 400, message: 'out of order sample' };
    it.each([
      ['a timeout', { kind: 'retryable', message: 'no answer within 3000 ms' }, true],
      [
        'a dropped connection',
        { kind: 'retryable', message: 'connection failed (ECONNRESET)' },
        true,
      ],
      ['a gateway timeout', { kind: 'retryable', status: 504, message: '' }, true],
      ['a bad gateway', { kind: 'retryable', status: 502, message: '' }, true],
      [
        'a refused connection',
        { kind: 'retryable', message: 'connection failed (ECONNREFUSED)', neverSent: true },
        false,
      ],
      ['throttling', { kind: 'retryable', status: 429, message: '' }, false],
      ['unavailable', { kind: 'retryable', status: 503, message: '' }, false],
    ] as const)(
      'after %s, the resend refused as out of order says so: %s',
      async (_, first, landed) => {
        const { r } = retrying([first as AttemptResult, OOO]);
        const outcome = await r.send(BODY);
        expect(outcome).toMatchObject({ kind: 'out-of-order', status: 400, attempts: 2 });
        expect(outcome.mayHaveLanded === true).toBe(landed);
      },
    );

    it('an acknowledgement after a timeout carries it too, and a first answer never does', async () => {
      const timeout: AttemptResult = { kind: 'retryable', message: 'no answer within 10 ms' };
      expect(await retrying([timeout, ACK]).r.send(BODY)).toMatchObject({
        kind: 'acknowledged',
        mayHaveLanded: true,
      });
      expect(await retrying([ACK]).r.send(BODY)).not.toHaveProperty('mayHaveLanded');
      expect(await retrying([OOO]).r.send(BODY)).not.toHaveProperty('mayHaveLanded');
    });

    it('retries that run out after a timeout say the request may be there', async () => {
      const timeout: AttemptResult = { kind: 'retryable', message: 'no answer within 10 ms' };
      const { r } = retrying([timeout, { kind: 'retryable', status: 503, message: '' }], {
        ...DEFAULT_RETRY_POLICY,
        budgetMs: 1500,
      });
      expect(await r.send(BODY)).toMatchObject({ kind: 'retries-exhausted', mayHaveLanded: true });
    });

    it('says a repeated error once, with its count', async () => {
      const joined = Array.from({ length: 30 }, () => 'out of order sample').join(' ');
      const { r } = retrying([{ kind: 'permanent', status: 400, message: joined }]);
      expect(await r.send(BODY)).toMatchObject({ message: 'out of order sample (×30)' });
    });
  });
});

describe('RetryingTransport: timing under Retry-After and the budget', () => {
  function timed(script: AttemptResult[], attemptTimeoutMs: number, budgetMs: number) {
    const transport = new ScriptedTransport(script);
    const waits: number[] = [];
    const r = new RetryingTransport(transport, {
      policy: { ...DEFAULT_RETRY_POLICY, budgetMs },
      attemptTimeoutMs,
      random: () => 0.5,
      now: () => 0,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    return { r, transport, waits };
  }

  it('never waits less than the backoff step, whatever Retry-After says', async () => {
    const zero: AttemptResult = { kind: 'retryable', status: 503, message: '', retryAfterMs: 0 };
    const { r, waits } = timed([zero, zero, zero, ACK], 0, 120_000);
    await expect(r.send(BODY)).resolves.toMatchObject({ kind: 'acknowledged', attempts: 4 });
    // The jittered steps (random 0.5): 750, 1500, 3000 ms, not 0.
    expect(waits).toEqual([750, 1500, 3000]);
  });

  it('Retry-After: 0 for ever ends within the budget, with a handful of attempts', async () => {
    const zero: AttemptResult = { kind: 'retryable', status: 503, message: '', retryAfterMs: 0 };
    const { r, transport, waits } = timed(Array(50).fill(zero), 1000, 10_000);
    const outcome = await r.send(BODY);
    expect(outcome).toMatchObject({ kind: 'retries-exhausted', status: 503 });
    // 750 + 1500 + 3000 = 5250 ms of waits; a 6000 ms wait plus a 1 s attempt would pass 10 s.
    expect(transport.sent).toHaveLength(4);
    expect(waits.reduce((a, b) => a + b, 0) + 1000).toBeLessThanOrEqual(10_000);
    expect(outcome.message).toContain("with another attempt's 1 s timeout would pass the 10 s");
  });

  it('starts no attempt whose timeout would end past the budget', async () => {
    const slow: AttemptResult = { kind: 'retryable', message: 'no answer within 10000 ms' };
    // 120 s budget, 10 s timeout: the wait before the next attempt must leave its 10 s.
    const { r, waits } = timed(Array(20).fill(slow), 10_000, 12_000);
    await r.send(BODY);
    // (Attempts take no time by this clock.) 750 ms and a 10 s attempt fit in 12 s; another
    // 1500 ms wait and 10 s attempt (12.25 s) would not, so that attempt is not started.
    expect(waits).toEqual([750]);
  });

  it('a reply that is not OTLP is final at once: no retry, no wait', async () => {
    const { r, transport, waits } = timed(
      [{ kind: 'not-otlp', status: 200, message: 'not an OTLP endpoint: …' }, ACK],
      1000,
      120_000,
    );
    await expect(r.send(BODY)).resolves.toEqual({
      kind: 'not-otlp',
      status: 200,
      message: 'not an OTLP endpoint: …',
      attempts: 1,
      bytesSent: 10,
    });
    expect(transport.sent).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});
