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
function harness(
  poison: number[],
  options: { failing?: number[]; breaker?: number; horizon?: number } = {},
) {
  const sent: number[][] = [];
  const settled: [number[], DeliveryOutcome['kind']][] = [];
  const tooOld: number[] = [];
  let inARow = 0;
  const steps = {
    send: async (r: Req): Promise<DeliveryOutcome> => {
      sent.push(r.events);
      // Events are their own times here: below the horizon, a whole request is refused.
      if (options.horizon !== undefined && r.events.some((e) => e < options.horizon!))
        return { ...EXCHANGE, kind: 'too-old', status: 400, message: 'out of bounds' };
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
    timeOf: (e: number) => e,
    tooOld: (events: number[]): Verdict => {
      tooOld.push(...events);
      return 'continue';
    },
  };
  return { sent, settled, tooOld, steps };
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

describe('the history horizon', () => {
  const acknowledged = (settled: [number[], DeliveryOutcome['kind']][]) =>
    settled.filter(([, k]) => k === 'acknowledged').flatMap(([e]) => e);

  it('sets aside the events older than the horizon unsent and delivers the rest, in log2(n) probes', async () => {
    const { sent, settled, tooOld, steps } = harness([], { horizon: 700 });
    const events = range(1, 1000);
    await expect(sendIsolating({ events }, steps)).resolves.toBe('continue');
    expect(tooOld).toEqual(range(1, 699));
    expect(acknowledged(settled).sort((a, b) => a - b)).toEqual(range(700, 1000));
    // The first request, about ten single-event probes, then the rest in one request.
    expect(sent.length).toBeLessThanOrEqual(1 + Math.ceil(Math.log2(1000)) + 1);
    // Old events are not sent one by one: only the probes that found the horizon were.
    expect(sent.filter((r) => r.length === 1 && r[0]! < 700).length).toBeLessThanOrEqual(10);
  });

  it('when every event is too old, sets them all aside', async () => {
    const { settled, tooOld, steps } = harness([], { horizon: 10_000 });
    await sendIsolating({ events: range(1, 64) }, steps);
    expect(tooOld).toEqual(range(1, 64));
    expect(settled).toEqual([]);
  });

  it('searches by time, not by order in the request, and keeps the request order for the rest', async () => {
    const { sent, tooOld, steps } = harness([], { horizon: 50 });
    const events = [60, 10, 70, 20, 80, 30, 90, 40];
    await sendIsolating({ events }, steps);
    expect(tooOld.sort((a, b) => a - b)).toEqual([10, 20, 30, 40]);
    const last = sent.at(-1)!;
    expect(last).toEqual(events.filter((e) => e >= 50 && last.includes(e)));
  });

  it('isolates bad data met among the recent events as usual', async () => {
    const { settled, tooOld, steps } = harness([900], { horizon: 500 });
    await sendIsolating({ events: range(1, 1000) }, steps);
    expect(tooOld).toEqual(range(1, 499));
    expect(settled.filter(([, k]) => k === 'bad-data')).toEqual([[[900], 'bad-data']]);
    expect(acknowledged(settled).sort((a, b) => a - b)).toEqual(
      range(500, 1000).filter((e) => e !== 900),
    );
  });
});

/**
 * Events of shared series, against an endpoint that keeps each series' last acknowledged time as
 * a cumulative backend does: an event at or before it is counted into the series' next point
 * (here: sent at one second after it, as the cumulative encoder does), and a request is refused as
 * too old when any point it sends is below the horizon.
 */
function seriesHarness(horizon: number) {
  interface Ev {
    t: number;
    s: string;
  }
  const last = new Map<string, number>();
  const landed: { e: Ev; at: number }[] = [];
  const tooOld: Ev[] = [];
  let requests = 0;
  const steps = {
    send: async (r: { events: Ev[] }): Promise<DeliveryOutcome> => {
      requests++;
      const seen = new Map(last);
      const points = [...r.events]
        .sort((a, b) => a.t - b.t)
        .map((e) => {
          const before = seen.get(e.s);
          const at = before !== undefined && e.t <= before ? before + 1 : e.t;
          seen.set(e.s, at);
          return { e, at };
        });
      if (points.some((p) => p.at < horizon))
        return { ...EXCHANGE, kind: 'too-old', status: 400, message: 'out of bounds' };
      for (const [s, at] of seen) last.set(s, at);
      landed.push(...points);
      return ack;
    },
    encode: (events: Ev[]) => [{ events }],
    settle: (): Verdict => 'continue',
    timeOf: (e: Ev) => e.t,
    seriesOf: (e: Ev) => e.s,
    tooOld: (events: Ev[]): Verdict => {
      tooOld.push(...events);
      return 'continue';
    },
  };
  return { steps, landed, tooOld, requests: () => requests };
}

describe('the history horizon, with events sharing series', () => {
  it('never probes an event behind an acknowledged point of its series: old events are all set aside, none lands late', async () => {
    // Four series in turn: 40 events days old, then 40 recent ones.
    const old = range(1, 40).map((t) => ({ t, s: `s${t % 4}` }));
    const recent = range(1000, 1039).map((t) => ({ t, s: `s${t % 4}` }));
    const { steps, landed, tooOld, requests } = seriesHarness(500);
    await expect(sendIsolating({ events: [...old, ...recent] }, steps)).resolves.toBe('continue');
    expect(tooOld.map((e) => e.t).sort((a, b) => a - b)).toEqual(old.map((e) => e.t));
    expect(landed.map((p) => p.e.t).sort((a, b) => a - b)).toEqual(recent.map((e) => e.t));
    // Each recent event at its own time.
    for (const p of landed) expect(p.at).toBe(p.e.t);
    expect(requests()).toBeLessThanOrEqual(1 + 3 * Math.ceil(Math.log2(81)) + 1);
  });

  it('with one series, stays within about 3·log2(n) probes', async () => {
    const events = [
      ...range(1, 2000).map((t) => ({ t, s: 'only' })),
      ...range(5000, 5009).map((t) => ({ t, s: 'only' })),
    ];
    const { steps, landed, tooOld, requests } = seriesHarness(3000);
    await sendIsolating({ events }, steps);
    // The first request, the probes, then the rest in one request.
    expect(requests()).toBeLessThanOrEqual(1 + 3 * Math.ceil(Math.log2(2011)) + 1);
    expect(tooOld.length + landed.length).toBe(events.length);
    expect(landed.filter((p) => p.e.t >= 3000)).toHaveLength(10);
  });

  it('when every event is too old, sets them all aside, whatever the series', async () => {
    const events = range(1, 500).map((t) => ({ t, s: `s${t % 2}` }));
    const { steps, landed, tooOld, requests } = seriesHarness(10_000);
    await sendIsolating({ events }, steps);
    expect(tooOld).toHaveLength(500);
    expect(landed).toEqual([]);
    expect(requests()).toBeLessThanOrEqual(1 + 3 * Math.ceil(Math.log2(501)));
  });

  describe('out-of-order refusals', () => {
    const ooo: DeliveryOutcome = {
      ...EXCHANGE,
      kind: 'out-of-order',
      status: 400,
      message: 'out of order sample',
    };
    /** An endpoint holding `stored` already: any request with one of them is refused. */
    function holding(stored: number[], mayHold: number[], bisect = false) {
      const sent: number[][] = [];
      const settled: [number[], DeliveryOutcome['kind']][] = [];
      const steps = {
        send: async (r: Req): Promise<DeliveryOutcome> => {
          sent.push(r.events);
          return r.events.some((e) => stored.includes(e)) ? ooo : ack;
        },
        encode: (events: number[]): Req[] => [{ events }],
        settle: (r: Req, o: DeliveryOutcome): Verdict => {
          settled.push([r.events, o.kind]);
          return 'continue';
        },
        timeOf: (e: number) => e,
        tooOld: (): Verdict => 'continue',
        mayHold: (e: number) => mayHold.includes(e),
        bisectOutOfOrder: () => bisect,
      };
      return { sent, settled, steps };
    }

    it('a request of events that may be held is settled whole, never split', async () => {
      const { sent, settled, steps } = holding(range(1, 8), range(1, 8));
      await expect(sendIsolating({ events: range(1, 8) }, steps)).resolves.toBe('continue');
      expect(sent).toEqual([range(1, 8)]);
      expect(settled).toEqual([[range(1, 8), 'out-of-order']]);
    });

    it('sends the events that may be held apart from the others, ahead of them', async () => {
      const { sent, settled, steps } = holding(range(1, 5), [1, 2, 3, 4, 5]);
      await sendIsolating({ events: range(1, 12) }, steps);
      expect(sent).toEqual([range(1, 12), range(1, 5), range(6, 12)]);
      expect(settled).toEqual([
        [range(1, 5), 'out-of-order'],
        [range(6, 12), 'acknowledged'],
      ]);
    });

    it('events never sent are settled whole (cumulative), or taken apart where asked', async () => {
      const whole = holding([6], []);
      await sendIsolating({ events: range(1, 8) }, whole.steps);
      expect(whole.sent).toEqual([range(1, 8)]);
      expect(whole.settled).toEqual([[range(1, 8), 'out-of-order']]);
      const apart = holding([6], [], true);
      await sendIsolating({ events: range(1, 8) }, apart.steps);
      expect(apart.settled).toEqual([
        [range(1, 4), 'acknowledged'],
        [[5], 'acknowledged'],
        [[6], 'out-of-order'],
        [[7, 8], 'acknowledged'],
      ]);
    });
  });
});
