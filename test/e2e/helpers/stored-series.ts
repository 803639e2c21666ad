/**
 * What a Prometheus-family backend should store for a set of tokf rows, as every raw sample of
 * every series: the running totals of the rows (README, "Cumulative series") at each second a
 * series has events, named as the backend names them. Compared with what the backend answers to
 * `{...}[window]`, which gives every sample as stored, so one toEqual checks names, labels, times
 * and totals at the events' times.
 */
import { tokfTimestamp } from '../../helpers/tokf-db.js';
import type { TokfEventRow } from '../../helpers/tokf-db.js';
import type { AttributeValue } from '../../helpers/otlp-proto.js';
import type { SeriesSamples } from './backend-process.js';
import { DEFAULT_BOUNDS, INSTRUMENTS, rowAttributes } from './expected.js';
import type { InstrumentName } from './expected.js';

/** The sample families of an instrument: `''` for a sum, the three of a histogram. */
export type Family = '' | '_count' | '_sum' | '_bucket';

/** How a backend names what it stores. */
export interface Naming {
  /** The stored metric name of an instrument's family. */
  metricName(instrument: InstrumentName, family: Family): string;
  /** The labels a point with these attributes gets (the resource's included). */
  labels(attributes: Record<string, AttributeValue>): Record<string, string>;
}

/** A series by its labels (`__name__` included): its samples, [epoch seconds, value], in order. */
export type StoredSeries = Map<string, [number, number][]>;

export interface ExpectOptions {
  /**
   * As `--openmetrics-out` writes a series: a 0 one second before its first event, and a last
   * sample with its total at this time (the file's last event) when its own events end earlier.
   */
  backfill?: { lastSecond: number };
}

/** Series key: the labels sorted, as JSON. */
export function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

const epochOf = (row: TokfEventRow): number => Date.parse(row.timestamp) / 1000;

/** Float sums rounded so that the order of additions cannot matter. */
const round = (v: number): number => Number(v.toPrecision(12));

interface Observation {
  instrument: InstrumentName;
  attributes: Record<string, AttributeValue>;
  value: number;
}

/** What one row records, per instrument (README, "Mapping to OTLP metrics"). */
function observations(row: TokfEventRow): Observation[] {
  const attributes = rowAttributes(row);
  return [
    { instrument: 'tokf.filter.invocations', attributes, value: 1 },
    {
      instrument: 'tokf.tokens.saved',
      attributes,
      value: Math.max(0, row.input_tokens_est - row.output_tokens_est),
    },
    {
      instrument: 'gen_ai.client.token.usage',
      attributes: { ...attributes, 'gen_ai.token.type': 'input' },
      value: row.input_tokens_est,
    },
    {
      instrument: 'gen_ai.client.token.usage',
      attributes: { ...attributes, 'gen_ai.token.type': 'output' },
      value: row.output_tokens_est,
    },
    { instrument: 'tokf.filter.duration', attributes, value: row.filter_time_ms / 1000 },
  ];
}

/** The `le` of each bucket as Prometheus writes it. */
const LE = [...DEFAULT_BOUNDS.map((b) => String(b)), '+Inf'];
const BOUNDS = [...DEFAULT_BOUNDS, Infinity];

/** Every sample the rows should make, per series. */
export function expectedSeries(
  rows: readonly TokfEventRow[],
  naming: Naming,
  options: ExpectOptions = {},
): StoredSeries {
  // Per point series: its values by second, then running totals over the seconds.
  interface Point {
    instrument: InstrumentName;
    attributes: Record<string, AttributeValue>;
    bySecond: Map<number, number[]>;
  }
  const points = new Map<string, Point>();
  for (const row of [...rows].sort((a, b) => epochOf(a) - epochOf(b) || a.id - b.id)) {
    const second = epochOf(row);
    for (const o of observations(row)) {
      const key = `${o.instrument} ${labelsKey(naming.labels(o.attributes))}`;
      let point = points.get(key);
      if (point === undefined)
        points.set(
          key,
          (point = { instrument: o.instrument, attributes: o.attributes, bySecond: new Map() }),
        );
      const values = point.bySecond.get(second) ?? [];
      values.push(o.value);
      point.bySecond.set(second, values);
    }
  }

  const out: StoredSeries = new Map();
  const add = (labels: Record<string, string>, t: number, v: number): void => {
    const key = labelsKey(labels);
    const samples = out.get(key) ?? [];
    samples.push([t, round(v)]);
    out.set(key, samples);
  };
  for (const p of points.values()) {
    const labels = naming.labels(p.attributes);
    const histogram = INSTRUMENTS[p.instrument].kind === 'histogram';
    const seconds = [...p.bySecond.keys()].sort((a, b) => a - b);
    const times = [...seconds];
    if (options.backfill) {
      times.unshift(seconds[0]! - 1);
      if (seconds.at(-1)! < options.backfill.lastSecond) times.push(options.backfill.lastSecond);
    }
    let count = 0;
    let sum = 0;
    const buckets = BOUNDS.map(() => 0);
    for (const t of times) {
      for (const v of p.bySecond.get(t) ?? []) {
        count += 1;
        sum += v;
        BOUNDS.forEach((bound, i) => {
          if (v <= bound) buckets[i]! += 1;
        });
      }
      if (!histogram) {
        add({ __name__: naming.metricName(p.instrument, ''), ...labels }, t, sum);
        continue;
      }
      add({ __name__: naming.metricName(p.instrument, '_count'), ...labels }, t, count);
      add({ __name__: naming.metricName(p.instrument, '_sum'), ...labels }, t, sum);
      LE.forEach((le, i) =>
        add(
          { __name__: naming.metricName(p.instrument, '_bucket'), ...labels, le },
          t,
          buckets[i]!,
        ),
      );
    }
  }
  return sorted(out);
}

/** A query's answer in the shape of expectedSeries, minus the labels `ignore` names. */
export function storedSeries(
  result: readonly SeriesSamples[],
  ignore: string[] = [],
): StoredSeries {
  const out: StoredSeries = new Map();
  for (const s of result) {
    const labels = Object.fromEntries(
      Object.entries(s.metric).filter(([name]) => !ignore.includes(name)),
    );
    const key = labelsKey(labels);
    if (out.has(key)) throw new Error(`two series answered as ${key}`);
    out.set(
      key,
      s.samples.map(([t, v]) => [t, round(v)]),
    );
  }
  return sorted(out);
}

function sorted(series: StoredSeries): StoredSeries {
  return new Map([...series].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The invocations of the rows up to and including `second`: what a sum of the counters shows. */
export function rowsUpTo(rows: readonly TokfEventRow[], second: number): number {
  return rows.filter((r) => epochOf(r) <= second).length;
}

/** A row's time, epoch seconds. */
export { epochOf };

/** `2026-03-02T09:00:00Z` for epoch seconds (tokf's own format). */
export const timestampOf = (seconds: number): string => tokfTimestamp(seconds * 1000);
