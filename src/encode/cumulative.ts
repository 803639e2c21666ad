import type { Attributes } from '@opentelemetry/api';
import type { AggregatedPoint, HistogramValue, PointsByInstrument } from './aggregate.js';
import type { Instrument } from './instruments.js';

/** A series' running totals since its start: what its next cumulative point adds to. */
export interface SeriesTotals {
  /** The series' start, epoch seconds: one second before its first event. Kept for its life. */
  startSeconds: number;
  /** The time of its last point, epoch seconds; a later point must be later than this. */
  lastSeconds: number;
  sum: number;
  histogram: HistogramValue | undefined;
}

/** Running totals by series key (see seriesKey), as acknowledged so far. */
export interface SeriesLedger {
  get(key: string): SeriesTotals | undefined;
}

/** `top` over `base`: the totals a later request continues from, before either is recorded. */
export function overlay(base: SeriesLedger, top: ReadonlyMap<string, SeriesTotals>): SeriesLedger {
  return { get: (key) => top.get(key) ?? base.get(key) };
}

/**
 * Resource attributes that name a series in a backend (Prometheus makes `job` and `instance` of
 * them; the rest go to `target_info`). Only these enter the key, so that a run whose other
 * resource attributes differ (a CI run id) continues the same series rather than restarting it.
 */
const IDENTIFYING_RESOURCE = ['service.namespace', 'service.name', 'service.instance.id'];

/** What identifies a series across runs: its naming resource attributes, metric and attributes. */
export function seriesKey(
  resource: Record<string, string>,
  instrument: Instrument,
  attributes: Attributes,
): string {
  const named = IDENTIFYING_RESOURCE.map((k) => resource[k] ?? null);
  const attrs = Object.keys(attributes)
    .sort()
    .map((k) => [k, attributes[k]]);
  return JSON.stringify([named, instrument.name, attrs]);
}

/** Cumulative points, and the totals each series reaches with them. */
export interface Cumulated {
  points: PointsByInstrument;
  /** The totals of every series these points touch, to record once they are acknowledged. */
  totals: Map<string, SeriesTotals>;
}

/**
 * Turns per-second delta points into cumulative ones, continuing each series from `ledger`. A
 * point carries its series' total up to and including its second, and the series' start time.
 *
 * A backend refuses a point at or before the series' last one as out of order, so events older
 * than a series' last point are counted into its next point; where none follows, into a point one
 * second after the last. Totals stay exact; only such late events move in time.
 */
export function cumulate(
  deltas: PointsByInstrument,
  ledger: SeriesLedger,
  resource: Record<string, string>,
): Cumulated {
  const totals = new Map<string, SeriesTotals>();
  const points: PointsByInstrument = new Map();
  for (const [instrument, list] of deltas) {
    const bySeries = new Map<string, AggregatedPoint[]>();
    for (const p of list) {
      const key = seriesKey(resource, instrument, p.attributes);
      let series = bySeries.get(key);
      if (series === undefined) bySeries.set(key, (series = []));
      series.push(p);
    }
    const out: AggregatedPoint[] = [];
    for (const [key, series] of bySeries) {
      series.sort((a, b) => a.epochSeconds - b.epochSeconds);
      const first = series[0] as AggregatedPoint;
      const before = ledger.get(key);
      const state: SeriesTotals = before
        ? { ...before, histogram: copyHistogram(before.histogram) }
        : {
            startSeconds: first.epochSeconds - 1,
            lastSeconds: first.epochSeconds - 1,
            sum: 0,
            histogram: undefined,
          };
      let late: AggregatedPoint | undefined;
      for (const p of series) {
        if (p.epochSeconds <= state.lastSeconds) {
          late =
            late === undefined ? { ...p, histogram: copyHistogram(p.histogram) } : merge(late, p);
          continue;
        }
        const delta = late === undefined ? p : merge(late, p);
        late = undefined;
        out.push(advance(state, delta, p.epochSeconds));
      }
      if (late !== undefined) out.push(advance(state, late, state.lastSeconds + 1));
      totals.set(key, state);
    }
    points.set(instrument, out);
  }
  return { points, totals };
}

/** Adds a delta to the series and returns the cumulative point at `at`. */
function advance(state: SeriesTotals, delta: AggregatedPoint, at: number): AggregatedPoint {
  state.sum += delta.sum;
  if (delta.histogram !== undefined) {
    state.histogram =
      state.histogram === undefined
        ? copyHistogram(delta.histogram)
        : mergeHistograms(state.histogram, delta.histogram);
  }
  state.lastSeconds = at;
  return {
    attributes: delta.attributes,
    epochSeconds: at,
    startSeconds: state.startSeconds,
    sum: state.sum,
    histogram: copyHistogram(state.histogram),
  };
}

function merge(a: AggregatedPoint, b: AggregatedPoint): AggregatedPoint {
  return {
    ...b,
    sum: a.sum + b.sum,
    histogram:
      a.histogram === undefined
        ? copyHistogram(b.histogram)
        : b.histogram === undefined
          ? a.histogram
          : mergeHistograms(a.histogram, b.histogram),
  };
}

function mergeHistograms(a: HistogramValue, b: HistogramValue): HistogramValue {
  return {
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    bucketCounts: a.bucketCounts.map((n, i) => n + (b.bucketCounts[i] ?? 0)),
  };
}

function copyHistogram(h: HistogramValue | undefined): HistogramValue | undefined {
  return h === undefined ? undefined : { ...h, bucketCounts: [...h.bucketCounts] };
}
