/**
 * What a backend should hold for a set of tokf rows, computed from the rows alone by the mapping
 * the README documents ("Mapping to OTLP metrics"), and the same view of what it did receive, so
 * the two compare with one toEqual. Nothing here imports src/: the expectation must not share a
 * bug with the code under test.
 */
import type { AttributeValue, FlatPoint } from '../../helpers/otlp-proto.js';
import { nanosOf } from '../../helpers/expectations.js';
import type { TokfEventRow } from '../../helpers/tokf-db.js';

/** The OpenTelemetry SDKs' default explicit bucket boundaries (tokf's live exporter's too). */
export const DEFAULT_BOUNDS = [
  0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
];

const DELTA = 1;

/** The four instruments a row can rebuild, as tokf's live exporter declares them. */
export const INSTRUMENTS = {
  'tokf.filter.invocations': { kind: 'sum', unit: '{invocation}' },
  'tokf.tokens.saved': { kind: 'sum', unit: '{token}' },
  'gen_ai.client.token.usage': { kind: 'histogram', unit: '{token}' },
  'tokf.filter.duration': { kind: 'histogram', unit: 's' },
} as const;

export type InstrumentName = keyof typeof INSTRUMENTS;
export const INSTRUMENT_NAMES = Object.keys(INSTRUMENTS) as InstrumentName[];

/** One point reduced to what the suite compares; float sums rounded so that merge order cannot matter. */
export interface ComparablePoint {
  metric: string;
  kind: string;
  unit: string;
  temporality: number;
  isMonotonic?: boolean;
  valueType?: string;
  startTimeUnixNano: string;
  timeUnixNano: string;
  attributes: Record<string, AttributeValue>;
  value?: number;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}

/** Which exit code a row's points carry (the column, or head_exit_code as tokf's live export). */
export type ExitCodeOf = (row: TokfEventRow & { head_exit_code?: number | null }) => number;

export const STORED_EXIT_CODE: ExitCodeOf = (row) => row.exit_code;
export const LIVE_EXIT_CODE: ExitCodeOf = (row) => row.head_exit_code ?? row.exit_code;

/**
 * The exit code our replay puts on a row's points: tokf's own rule, `head_exit_code` for a
 * --pipe-through run, so that replayed series continue the live ones.
 */
export const REPLAY_EXIT_CODE: ExitCodeOf = LIVE_EXIT_CODE;

export function rowAttributes(row: TokfEventRow, exitCode: ExitCodeOf = REPLAY_EXIT_CODE) {
  return {
    'tokf.command': row.command,
    'tokf.exit_code': exitCode(row),
    ...(row.filter_name !== null && { 'tokf.filter.name': row.filter_name }),
  } as Record<string, AttributeValue>;
}

/** Attributes in key order, as text: equal attribute sets give equal keys. */
export function attributesKey(attributes: Record<string, AttributeValue>): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((key) => [key, attributes[key]]),
  );
}

export const seriesKey = (metric: string, attributes: Record<string, AttributeValue>): string =>
  `${metric} ${attributesKey(attributes)}`;

const roundSum = (sum: number): number => Math.round(sum * 1e9) / 1e9;

class Histogram {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  buckets = new Array<number>(DEFAULT_BOUNDS.length + 1).fill(0);
  add(value: number): void {
    this.count++;
    this.sum += value;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
    // Explicit buckets are upper-inclusive: (bounds[i-1], bounds[i]].
    const index = DEFAULT_BOUNDS.findIndex((bound) => value <= bound);
    this.buckets[index === -1 ? DEFAULT_BOUNDS.length : index]!++;
  }
}

/**
 * The points the rows should become: per instrument, series and second one point, the delta over
 * (t - 1 s, t], sorted. `exitCode` picks the exit code the points carry.
 */
export function expectedPoints(
  rows: readonly TokfEventRow[],
  exitCode: ExitCodeOf = REPLAY_EXIT_CODE,
): ComparablePoint[] {
  const sums = new Map<
    string,
    {
      metric: InstrumentName;
      time: string;
      attributes: Record<string, AttributeValue>;
      value: number;
    }
  >();
  const histograms = new Map<
    string,
    {
      metric: InstrumentName;
      time: string;
      attributes: Record<string, AttributeValue>;
      h: Histogram;
    }
  >();
  const addSum = (
    metric: InstrumentName,
    time: string,
    attributes: Record<string, AttributeValue>,
    value: number,
  ) => {
    const key = `${metric} ${time} ${attributesKey(attributes)}`;
    const entry = sums.get(key) ?? { metric, time, attributes, value: 0 };
    entry.value += value;
    sums.set(key, entry);
  };
  const addHistogram = (
    metric: InstrumentName,
    time: string,
    attributes: Record<string, AttributeValue>,
    value: number,
  ) => {
    const key = `${metric} ${time} ${attributesKey(attributes)}`;
    const entry = histograms.get(key) ?? { metric, time, attributes, h: new Histogram() };
    entry.h.add(value);
    histograms.set(key, entry);
  };
  for (const row of rows) {
    const time = nanosOf(row.timestamp);
    const attributes = rowAttributes(row, exitCode);
    addSum('tokf.filter.invocations', time, attributes, 1);
    addSum(
      'tokf.tokens.saved',
      time,
      attributes,
      Math.max(0, row.input_tokens_est - row.output_tokens_est),
    );
    addHistogram(
      'gen_ai.client.token.usage',
      time,
      { ...attributes, 'gen_ai.token.type': 'input' },
      row.input_tokens_est,
    );
    addHistogram(
      'gen_ai.client.token.usage',
      time,
      { ...attributes, 'gen_ai.token.type': 'output' },
      row.output_tokens_est,
    );
    addHistogram('tokf.filter.duration', time, attributes, row.filter_time_ms / 1000);
  }
  const start = (time: string): string => `${BigInt(time) - 1_000_000_000n}`;
  const points: ComparablePoint[] = [
    ...[...sums.values()].map(({ metric, time, attributes, value }) => ({
      metric,
      kind: 'sum',
      unit: INSTRUMENTS[metric].unit,
      temporality: DELTA,
      isMonotonic: true,
      valueType: 'int',
      startTimeUnixNano: start(time),
      timeUnixNano: time,
      attributes,
      value,
    })),
    ...[...histograms.values()].map(({ metric, time, attributes, h }) => ({
      metric,
      kind: 'histogram',
      unit: INSTRUMENTS[metric].unit,
      temporality: DELTA,
      startTimeUnixNano: start(time),
      timeUnixNano: time,
      attributes,
      count: h.count,
      sum: roundSum(h.sum),
      min: h.min,
      max: h.max,
      bucketCounts: h.buckets,
      explicitBounds: DEFAULT_BOUNDS,
    })),
  ];
  return sortPoints(points);
}

/** Received points in the same shape as expectedPoints (resource and scope checked apart). */
export function comparable(points: readonly FlatPoint[]): ComparablePoint[] {
  return sortPoints(
    points.map((p) => ({
      metric: p.metric,
      kind: p.kind,
      unit: p.unit,
      temporality: p.temporality,
      ...(p.isMonotonic !== undefined && { isMonotonic: p.isMonotonic }),
      ...(p.valueType !== undefined && { valueType: p.valueType }),
      startTimeUnixNano: p.startTimeUnixNano,
      timeUnixNano: p.timeUnixNano,
      attributes: p.attributes,
      ...(p.value !== undefined && { value: p.value }),
      ...(p.count !== undefined && { count: p.count }),
      ...(p.sum !== undefined && { sum: roundSum(p.sum) }),
      ...(p.min !== undefined && { min: p.min }),
      ...(p.max !== undefined && { max: p.max }),
      ...(p.bucketCounts !== undefined && { bucketCounts: p.bucketCounts }),
      ...(p.explicitBounds !== undefined && { explicitBounds: p.explicitBounds }),
    })),
  );
}

function sortPoints(points: ComparablePoint[]): ComparablePoint[] {
  const key = (p: ComparablePoint) =>
    `${p.metric} ${p.timeUnixNano.padStart(24, '0')} ${attributesKey(p.attributes)}`;
  return points.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Per series, everything its points hold added up over time: what a backend's totals show. */
export interface SeriesTotal {
  points: number;
  value?: number;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: number[];
}

export function seriesTotals(points: readonly ComparablePoint[]): Map<string, SeriesTotal> {
  const totals = new Map<string, SeriesTotal>();
  for (const p of points) {
    const key = seriesKey(p.metric, p.attributes);
    const t = totals.get(key) ?? { points: 0 };
    t.points++;
    if (p.value !== undefined) t.value = (t.value ?? 0) + p.value;
    if (p.count !== undefined) {
      t.count = (t.count ?? 0) + p.count;
      t.sum = roundSum((t.sum ?? 0) + (p.sum ?? 0));
      t.min = Math.min(t.min ?? Infinity, p.min ?? Infinity);
      t.max = Math.max(t.max ?? -Infinity, p.max ?? -Infinity);
      t.bucketCounts = (p.bucketCounts ?? []).map((c, i) => c + (t.bucketCounts?.[i] ?? 0));
    }
    totals.set(key, t);
  }
  return totals;
}

/** Sum of one instrument's values (sums) or counts (histograms) over every point. */
export function instrumentTotal(
  points: readonly ComparablePoint[],
  metric: InstrumentName,
): number {
  return points
    .filter((p) => p.metric === metric)
    .reduce((total, p) => total + (p.value ?? p.count ?? 0), 0);
}

export const pointKey = (p: ComparablePoint): string =>
  `${p.metric} ${p.timeUnixNano} ${attributesKey(p.attributes)}`;

/**
 * Points of one series and timestamp merged into one (values added, histograms merged), with how
 * many there were: a backend that adds them up shows these totals.
 */
export function mergeByPoint(points: readonly ComparablePoint[]): {
  merged: ComparablePoint[];
  collisions: { key: string; timeUnixNano: string; points: number }[];
} {
  const groups = new Map<string, ComparablePoint[]>();
  for (const p of points) groups.set(pointKey(p), [...(groups.get(pointKey(p)) ?? []), p]);
  const merged: ComparablePoint[] = [];
  const collisions: { key: string; timeUnixNano: string; points: number }[] = [];
  for (const [key, group] of groups) {
    if (group.length > 1)
      collisions.push({ key, timeUnixNano: group[0]!.timeUnixNano, points: group.length });
    merged.push(
      group.reduce((a, b) => ({
        ...a,
        ...(a.value !== undefined && { value: a.value + (b.value ?? 0) }),
        ...(a.count !== undefined && {
          count: a.count + (b.count ?? 0),
          sum: roundSum((a.sum ?? 0) + (b.sum ?? 0)),
          min: Math.min(a.min ?? Infinity, b.min ?? Infinity),
          max: Math.max(a.max ?? -Infinity, b.max ?? -Infinity),
          bucketCounts: (a.bucketCounts ?? []).map((c, i) => c + (b.bucketCounts?.[i] ?? 0)),
        }),
      })),
    );
  }
  return { merged: sortPoints(merged), collisions };
}
