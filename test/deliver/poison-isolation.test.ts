import type { DeliveryOutcome } from '../../src/deliver/outcome.js';
import { sendIsolating, type Verdict } from '../../src/deliver/poison-isolation.js';

interface Req {
  events: number[];
}

const EXCHANGE = { attempts: 1, bytesSent: 1 };
const ack: DeliveryOutcome = { ...EXCHANGE, kind: 'acknowledged', rejectedPoints: 0 };
const bad: DeliveryOutcome = { ...EXCHANGE, kind: 'bad-data', status: 400, message: 'bad' };

/**
 * An endpoint that refuses any request holding one of `poison`, else fails any holding one of
 * `failing`; a settle that records what it was told, stopping on failures and after `breaker`
 * refusals in a row.
 */
function harness(poison: number[], options: { failing?: number[]; breaker?: number } = {}) {
  const sent: number[][] = [];
  const settled: [number[], DeliveryOutcome['kind']][] = [];
  let inARow = 0;
  const steps = {
    send: async (r: Req): Promise<DeliveryOutcome> => {
      sent.push(r.events);
      if (r.events.some((e) => poison.includes(e))) return bad;
      if (r.events.some((e) => options.failing?.includes(e)))
        return { ...EXCHANGE, kind: 'failed', status: 500, message: 'down' };
      return ack;
    },
    encode: (events: number[]): Req[] => [{ events }],
    settle: (r: Req, o: DeliveryOutcome): Verdict => {
      settled.push([r.events, o.kind]);
      if (o.kind === 'acknowledged') inARow = 0;
      else if (o.kind === 'bad-data') inARow += 1;
      else return 'stop';
      return inARow >= (options.breaker ?? Infinity) ? 'stop' : 'continue';
    },
  };
  return { sent, settled, steps };
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('poison isolation', () => {
  it('sends a good request once and settles it', async () => {
    const { sent, settled, steps } = harness([]);
    await expect(sendIsolating({ events: range(1, 8) }, steps)).resolves.toBe('continue');
    expect(sent).toEqual([range(1, 8)]);
    expect(settled).toEqual([[range(1, 8), 'acknowledged']]);
  });

  it('finds one refused event among 64, in order, in about 2·log2(n) requests', async () => {
    const { sent, settled, steps } = harness([37]);
    await expect(sendIsolating({ events: range(1, 64) }, steps)).resolves.toBe('continue');
    expect(settled.filter(([, k]) => k === 'bad-data')).toEqual([[[37], 'bad-data']]);
    const acknowledged = settled.filter(([, k]) => k === 'acknowledged').flatMap(([e]) => e);
    // Every other event is delivered once, in order.
    expect(acknowledged).toEqual(range(1, 64).filter((e) => e !== 37));
    expect(sent.length).toBeLessThanOrEqual(2 * Math.log2(64) + 1);
  });

  it('settles as refused only requests of a single event', async () => {
    const { settled, steps } = harness([2, 3, 7]);
    await sendIsolating({ events: range(1, 8) }, steps);
    for (const [events, kind] of settled) if (kind === 'bad-data') expect(events).toHaveLength(1);
    expect(settled.filter(([, k]) => k === 'bad-data').map(([e]) => e[0])).toEqual([2, 3, 7]);
  });

  it('stops when settle says so, and sends nothing after', async () => {
    const { sent, settled, steps } = harness(range(1, 8), { breaker: 2 });
    await expect(sendIsolating({ events: range(1, 8) }, steps)).resolves.toBe('stop');
    expect(settled).toEqual([
      [[1], 'bad-data'],
      [[2], 'bad-data'],
    ]);
    // 5..8 went out only in the first, whole request.
    expect(sent.filter((r) => r.includes(5))).toEqual([range(1, 8)]);
  });

  it('stops on a failure met while splitting, leaving the rest unsent', async () => {
    const { sent, settled, steps } = harness([1], { failing: [6] });
    await expect(sendIsolating({ events: range(1, 8) }, steps)).resolves.toBe('stop');
    expect(settled.at(-1)).toEqual([[5, 6, 7, 8], 'failed']);
    expect(sent.at(-1)).toEqual([5, 6, 7, 8]);
  });

  it('splits with the encoder it is given, which may cut a half further', async () => {
    const { sent, steps } = harness([4]);
    const encode = (events: number[]): Req[] =>
      events.length > 2
        ? [{ events: events.slice(0, 2) }, { events: events.slice(2) }]
        : [{ events }];
    await sendIsolating({ events: range(1, 8) }, { ...steps, encode });
    expect(sent).toEqual([range(1, 8), [1, 2], [3, 4], [3], [4], [5, 6], [7, 8]]);
  });
});
