import { aggregate, PointPool, seriesOfEvent } from '../../src/encode/aggregate.js';
import { cumulate } from '../../src/encode/cumulative.js';
import {
  FILTER_DURATION,
  INVOCATIONS,
  TOKEN_USAGE,
  TOKENS_SAVED,
} from '../../src/encode/instruments.js';
import { tokfEvent } from '../helpers/events.js';

const T = '2026-03-05T10:22:13Z';
const SECONDS = Date.parse(T) / 1000;

describe('aggregate', () => {
  it('takes its points from a pool: the same objects again for the next batch, holding what fresh ones would', () => {
    const pool = new PointPool();
    const first = [
      tokfEvent(1, T, { inputTokens: 300, outputTokens: 120, filterTimeMs: 5 }),
      tokfEvent(2, T, { inputTokens: 30, outputTokens: 20, filterTimeMs: 7000 }),
      tokfEvent(3, '2026-03-05T10:22:14Z', { command: 'git status', exitCode: null }),
    ];
    const pooled = aggregate(first, pool);
    expect(pooled).toEqual(aggregate(first));
    const invocation = pooled.get(INVOCATIONS)![0]!;
    const histogram = pooled.get(FILTER_DURATION)![0]!.histogram;
    // A cumulative encoding rewrites its points (a start, totals): none of it carries over.
    cumulate(pooled, new Map(), { 'service.name': 'tokf' });
    const second = [
      tokfEvent(4, '2026-03-05T10:23:00Z', { command: 'npm test', inputTokens: 9, exitCode: 1 }),
    ];
    const again = aggregate(second, pool);
    expect(again.get(INVOCATIONS)![0]).toBe(invocation);
    expect(again.get(FILTER_DURATION)![0]!.histogram).toBe(histogram);
    expect(again).toEqual(aggregate(second));
    expect(again.get(INVOCATIONS)![0]!.startSeconds).toBeUndefined();
  });

  it('rebuilds the live exporter points of one event', () => {
    const points = aggregate([
      tokfEvent(1, T, { inputTokens: 300, outputTokens: 120, filterTimeMs: 5, exitCode: 101 }),
    ]);
    const attrs = {
      'tokf.command': 'cargo test',
      'tokf.exit_code': 101,
      'tokf.filter.name': 'cargo/test',
    };
    expect(points.get(INVOCATIONS)).toEqual([
      { attributes: attrs, epochSeconds: SECONDS, sum: 1, histogram: undefined },
    ]);
    expect(points.get(TOKENS_SAVED)?.[0]?.sum).toBe(180);
    const usage = points.get(TOKEN_USAGE)!;
    expect(usage.map((p) => [p.attributes['gen_ai.token.type'], p.histogram?.sum])).toEqual([
      ['input', 300],
      ['output', 120],
    ]);
    expect(usage[0]?.attributes).toEqual({ ...attrs, 'gen_ai.token.type': 'input' });
    const duration = points.get(FILTER_DURATION)![0]!.histogram!;
    expect(duration).toMatchObject({ count: 1, sum: 0.005, min: 0.005, max: 0.005 });
    // 0.005 s lies in (0, 5].
    expect(duration.bucketCounts).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('leaves out the filter name for passthrough and floors tokens saved at zero', () => {
    const points = aggregate([
      tokfEvent(1, T, { filterName: null, inputTokens: 10, outputTokens: 50 }),
    ]);
    expect(points.get(INVOCATIONS)![0]!.attributes).toEqual({
      'tokf.command': 'cargo test',
      'tokf.exit_code': 0,
    });
    expect(points.get(TOKENS_SAVED)![0]!.sum).toBe(0);
  });

  it('merges events of one series in one second into one point, totals exact', () => {
    const events = [
      tokfEvent(1, T, { inputTokens: 100, outputTokens: 10, filterTimeMs: 1 }),
      tokfEvent(2, T, { inputTokens: 7000, outputTokens: 20, filterTimeMs: 30000 }),
      tokfEvent(3, T, { inputTokens: 5, outputTokens: 1, filterTimeMs: 0 }),
      tokfEvent(4, T, { exitCode: 1 }), // another series
      tokfEvent(5, '2026-03-05T10:22:14Z'), // another second
    ];
    const points = aggregate(events);
    const inv = points.get(INVOCATIONS)!;
    expect(inv.map((p) => p.sum)).toEqual([3, 1, 1]);
    expect(points.get(TOKENS_SAVED)![0]!.sum).toBe(90 + 6980 + 4);
    const input = points
      .get(TOKEN_USAGE)!
      .find((p) => p.attributes['gen_ai.token.type'] === 'input')!;
    expect(input.histogram).toMatchObject({ count: 3, sum: 7105, min: 5, max: 7000 });
    // 5 -> (0,5], 100 -> (75,100], 7000 -> (5000,7500]
    expect(input.histogram!.bucketCounts).toEqual([0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    const duration = points.get(FILTER_DURATION)![0]!.histogram!;
    expect(duration).toMatchObject({ count: 3, sum: 30.001, min: 0, max: 30 });
    // 0 -> (-inf,0], 0.001 -> (0,5], 30 -> (25,50]
    expect(duration.bucketCounts).toEqual([1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const total = (name: typeof INVOCATIONS) => points.get(name)!.reduce((s, p) => s + p.sum, 0);
    expect(total(INVOCATIONS)).toBe(events.length);
  });

  it('tells series apart as seriesOfEvent does: by command and filter as cut, and exit code', () => {
    const long = 'x'.repeat(5000);
    const events = [
      tokfEvent(1, T, { command: `${long}a` }),
      tokfEvent(2, T, { command: `${long}b` }), // the same once cut
      tokfEvent(3, T, { filterName: null }),
      tokfEvent(4, T, { filterName: 'null' }), // a name, not passthrough
      tokfEvent(5, T, { exitCode: null }),
      tokfEvent(6, T, { exitCode: 0 }),
      tokfEvent(7, T, { filterName: null }), // as the third
    ];
    const inv = aggregate(events).get(INVOCATIONS)!;
    const distinct = new Set(events.map(seriesOfEvent));
    expect(inv).toHaveLength(distinct.size);
    expect(inv.map((p) => p.sum)).toEqual([2, 2, 1, 1, 1]);
    // Points of one series share one attributes object across seconds.
    const later = aggregate([tokfEvent(1, T), tokfEvent(2, '2026-03-05T10:22:14Z')]);
    const [a, b] = later.get(INVOCATIONS)!;
    expect(a!.attributes).toBe(b!.attributes);
  });

  it('shares the counts of one-observation histograms, and copies them to add to', () => {
    const next = '2026-03-05T10:22:14Z';
    const events = [
      tokfEvent(1, T, { inputTokens: 100 }),
      tokfEvent(2, next, { inputTokens: 90 }), // the same series and bucket, another second
      tokfEvent(3, T, { inputTokens: 80, command: 'git status' }), // another series, same bucket
    ];
    const input = () =>
      aggregate(events)
        .get(TOKEN_USAGE)!
        .filter((p) => p.attributes['gen_ai.token.type'] === 'input')
        .map((p) => p.histogram!);
    const [first, second, other] = input();
    expect(first!.bucketCounts).toBe(second!.bucketCounts);
    expect(first!.bucketCounts).toBe(other!.bucketCounts);

    // A second event in the first's second: that point takes counts of its own.
    events.push(tokfEvent(4, T, { inputTokens: 70 }));
    const [merged, alone] = input();
    expect(merged!.bucketCounts).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(merged!.bucketCounts).not.toBe(second!.bucketCounts);
    expect(alone!.bucketCounts).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(alone!.bucketCounts).toBe(second!.bucketCounts);
  });

  it('puts values above the last boundary in the overflow bucket', () => {
    const points = aggregate([tokfEvent(1, T, { inputTokens: 10001 })]);
    const input = points.get(TOKEN_USAGE)![0]!.histogram!;
    expect(input.bucketCounts.at(-1)).toBe(1);
  });
});

describe('seriesOfEvent', () => {
  it('is the same exactly for events whose points share series', () => {
    const a = tokfEvent(1, T);
    const key = seriesOfEvent(a);
    // Time, id and values are not part of a series.
    expect(seriesOfEvent(tokfEvent(2, '2026-03-06T00:00:00Z', { inputTokens: 5 }))).toBe(key);
    for (const other of [
      tokfEvent(3, T, { exitCode: 1 }),
      tokfEvent(4, T, { exitCode: null }),
      tokfEvent(5, T, { filterName: null }),
      tokfEvent(6, T, { command: 'cargo test --workspace' }),
    ])
      expect(seriesOfEvent(other)).not.toBe(key);
    // Commands cut to the same attribute value are one series, as their points' attributes are.
    const long = 'x'.repeat(5000);
    const cut = seriesOfEvent(tokfEvent(7, T, { command: `${long}a` }));
    expect(seriesOfEvent(tokfEvent(8, T, { command: `${long}b` }))).toBe(cut);
  });
});
