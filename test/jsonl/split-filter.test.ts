import type { Loose } from '../helpers/jsonl-files.js';
import { parseLine } from '../../src/jsonl/otlp-line.js';
import { splitBySize } from '../../src/jsonl/split.js';
import { filterByTime, windowOf } from '../../src/jsonl/time-filter.js';

const S = 1_000_000_000n;
const log = (t: bigint, body = 'x') => ({
  timeUnixNano: String(t * S),
  body: { stringValue: body },
});
const logs = (
  ...resources: { service: string; scopes: { name: string; n: number; t0?: bigint }[] }[]
) => ({
  resourceLogs: resources.map((r) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: r.service } }] },
    scopeLogs: r.scopes.map((s) => ({
      scope: { name: s.name },
      logRecords: Array.from({ length: s.n }, (_, i) =>
        log((s.t0 ?? 100n) + BigInt(i), 'y'.repeat(100)),
      ),
    })),
  })),
});

describe('parseLine', () => {
  it('tells the signal by the top-level key', () => {
    expect(parseLine(Buffer.from('{"resourceSpans":[]}'))).toMatchObject({
      kind: 'otlp',
      signal: 'traces',
    });
    expect(parseLine(Buffer.from('{"resourceMetrics":[{}]}'))).toMatchObject({ signal: 'metrics' });
    expect(parseLine(Buffer.from(' \r'))).toEqual({ kind: 'blank' });
  });

  it('calls bad what is not JSON or not OTLP', () => {
    expect(parseLine(Buffer.from('{"resourceLogs":['))).toMatchObject({
      kind: 'bad',
      reason: /not JSON/,
    });
    expect(parseLine(Buffer.from('[1]'))).toMatchObject({
      kind: 'bad',
      reason: /not a JSON object/,
    });
    expect(parseLine(Buffer.from('{"foo":1}'))).toMatchObject({
      kind: 'bad',
      reason: /no resourceMetrics/,
    });
    expect(parseLine(Buffer.from('{"resourceLogs":[],"resourceSpans":[]}'))).toMatchObject({
      reason: /more than one/,
    });
    expect(parseLine(Buffer.from('{"resourceLogs":[{"scopeLogs":{}}]}'))).toMatchObject({
      reason: /scopeLogs/,
    });
  });
});

describe('splitBySize', () => {
  const count = (pieces: string[]) =>
    pieces.flatMap((p) =>
      JSON.parse(p).resourceLogs.flatMap((r: Loose) =>
        r.scopeLogs.flatMap((s: Loose) => s.logRecords),
      ),
    ).length;

  it('leaves a line under the limit whole', () => {
    const data = logs({ service: 'a', scopes: [{ name: 's', n: 3 }] });
    expect(splitBySize('logs', data, 10_000)).toEqual([JSON.stringify(data)]);
  });

  it('cuts by resource, then scope, then records, every piece under the limit, nothing lost', () => {
    const data = logs(
      {
        service: 'a',
        scopes: [
          { name: 's1', n: 40 },
          { name: 's2', n: 5 },
        ],
      },
      { service: 'b', scopes: [{ name: 's3', n: 5 }] },
    );
    const pieces = splitBySize('logs', data, 2000);
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(2000);
    expect(count(pieces)).toBe(50);
    // Each piece keeps its resource and scope.
    const first = JSON.parse(pieces[0]!);
    expect(first.resourceLogs[0].resource.attributes[0].value.stringValue).toBe('a');
    expect(first.resourceLogs[0].scopeLogs[0].scope.name).toBe('s1');
    const last = JSON.parse(pieces.at(-1)!);
    expect(last.resourceLogs[0].scopeLogs[0].scope.name).toBe('s3');
  });

  it('sends a single record over the limit as a piece of its own', () => {
    const data = logs({ service: 'a', scopes: [{ name: 's', n: 1 }] });
    expect(splitBySize('logs', data, 50)).toHaveLength(1);
  });
});

describe('filterByTime', () => {
  it('keeps the records inside the window, by their own times, and drops emptied scopes', () => {
    const data = logs({
      service: 'a',
      scopes: [
        { name: 'old', n: 2, t0: 10n },
        { name: 'mixed', n: 4, t0: 99n },
      ],
    });
    const result = filterByTime('logs', data, windowOf(100_000, 102_000));
    expect(result.dropped).toBe(4);
    const scopes = (result.data as Loose).resourceLogs[0].scopeLogs;
    expect(scopes.map((s: Loose) => s.scope.name)).toEqual(['mixed']);
    expect(scopes[0].logRecords.map((r: Loose) => r.timeUnixNano)).toEqual([
      String(100n * S),
      String(101n * S),
    ]);
  });

  it('uses observedTimeUnixNano for a log without a time, and startTimeUnixNano for spans', () => {
    const line = {
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ observedTimeUnixNano: String(5n * S) }] }] }],
    };
    expect(filterByTime('logs', line, windowOf(6000)).empty).toBe(true);
    const spans = {
      resourceSpans: [
        { scopeSpans: [{ spans: [{ startTimeUnixNano: 7n * S, endTimeUnixNano: 9n * S }] }] },
      ],
    };
    expect(filterByTime('traces', spans as Loose, windowOf(undefined, 8000)).dropped).toBe(0);
  });

  it('filters metric data points and drops a metric left with none', () => {
    const point = (t: bigint) => ({ timeUnixNano: String(t * S), asInt: '1' });
    const line = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: 'a', sum: { dataPoints: [point(1n), point(5n)] } },
                { name: 'b', gauge: { dataPoints: [point(1n)] } },
              ],
            },
          ],
        },
      ],
    };
    const result = filterByTime('metrics', line, windowOf(2000));
    expect(result.dropped).toBe(2);
    const metrics = (result.data as Loose).resourceMetrics[0].scopeMetrics[0].metrics;
    expect(metrics).toEqual([{ name: 'a', sum: { dataPoints: [point(5n)] } }]);
  });

  it('returns the same object when nothing is left out', () => {
    const data = logs({ service: 'a', scopes: [{ name: 's', n: 2 }] });
    expect(filterByTime('logs', data, windowOf(1000)).data).toBe(data);
  });
});
