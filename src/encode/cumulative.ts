import type { Attributes } from '@opentelemetry/api';
import {
  inTimeOrder,
  ownBuckets,
  type AggregatedPoint,
  type HistogramValue,
  type PointPool,
  type PointsByInstrument,
} from './aggregate.js';
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

/** A series being continued: its running totals and the late events waiting for its next point. */
interface Running {
  state: SeriesTotals;
  late: AggregatedPoint | undefined;
}

/**
 * Turns per-second delta points into cumulative ones, continuing each series from `ledger`. A
 * point carries its series' total up to and including its second, and the series' start time.
 * The deltas are consumed: the points returned are the same objects, rewritten.
 *
 * A backend refuses a point at or before the series' last one as out of order, so events older
 * than a series' last point are counted into its next point; where none follows, into a point one
 * second after the last. Totals stay exact; only such late events move in time.
 *
 * Points are taken in time order and come out in it (the encoder sorts them; in order that is
 * one pass), and a series' running state is updated in place: at a million events, per-series
 * grouping and a copy per step were a fifth of the run.
 */
export function cumulate(
  deltas: PointsByInstrument,
  ledger: SeriesLedger,
  resource: Record<string, string>,
  /** The deltas' pool, if they came from one: the points' counts are then taken from it too. */
  pool?: PointPool,
): Cumulated {
  const totals = new Map<string, SeriesTotals>();
  const points: PointsByInstrument = new Map();
  for (const [instrument, list] of deltas) {
    // Points of one series share their attributes object (see aggregate): named once per batch.
    const running = new Map<Attributes, Running>();
    const out: AggregatedPoint[] = [];
    for (const p of inTimeOrder(list)) {
      let series = running.get(p.attributes);
      if (series === undefined) {
        const key = seriesKey(resource, instrument, p.attributes);
        const before = ledger.get(key);
        const state: SeriesTotals = before
          ? { ...before, histogram: copyHistogram(before.histogram) }
          : {
              // Never before 1970 (see startOf() in resource-metrics.ts).
              startSeconds: Math.max(0, p.epochSeconds - 1),
              lastSeconds: p.epochSeconds - 1,
              sum: 0,
              histogram: undefined,
            };
        running.set(p.attributes, (series = { state, late: undefined }));
        totals.set(key, state);
      }
      if (p.epochSeconds <= series.state.lastSeconds) {
        series.late = addInto(series.late, p);
        continue;
      }
      out.push(advance(series.state, p, series.late, p.epochSeconds, pool));
      series.late = undefined;
    }
    for (const { state, late } of running.values())
      if (late !== undefined)
        out.push(advance(state, late, undefined, state.lastSeconds + 1, pool));
    points.set(instrument, out);
  }
  return { points, totals };
}

/**
 * Adds a point's delta (and the late events before it) to the series, and turns the point into
 * the cumulative one at `at` (its own second unless given), in place: the deltas are this call's
 * own, and a copy per point was most of what cumulative encoding added to a run's garbage.
 */
function advance(
  state: SeriesTotals,
  delta: AggregatedPoint,
  late: AggregatedPoint | undefined,
  at: number,
  pool: PointPool | undefined,
): AggregatedPoint {
  if (late !== undefined) add(state, late);
  add(state, delta);
  state.lastSeconds = at;
  delta.epochSeconds = at;
  delta.startSeconds = state.startSeconds;
  delta.sum = state.sum;
  const total = state.histogram;
  if (total === undefined) return delta;
  if (delta.histogram === undefined) delta.histogram = copyHistogram(total);
  else {
    const h = delta.histogram;
    h.count = total.count;
    h.sum = total.sum;
    h.min = total.min;
    h.max = total.max;
    // The point's counts become the totals': a copy of them, rather than counts of its own
    // (copied first where they are shared, see ownBuckets) that are then written over. From the
    // pool where the point came from one: a list per histogram point was most of what a
    // cumulative encoding allocates beyond a delta one.
    h.bucketCounts = pool === undefined ? [...total.bucketCounts] : pool.copyOf(total.bucketCounts);
  }
  return delta;
}

function add(state: SeriesTotals, d: AggregatedPoint): void {
  state.sum += d.sum;
  if (d.histogram === undefined) return;
  if (state.histogram === undefined) state.histogram = copyHistogram(d.histogram);
  else addHistogram(state.histogram, d.histogram);
}

/** Late events gathered for a series' next point: a copy, so that the deltas stay as they are. */
function addInto(late: AggregatedPoint | undefined, p: AggregatedPoint): AggregatedPoint {
  if (late === undefined) return { ...p, histogram: copyHistogram(p.histogram) };
  late.sum += p.sum;
  if (p.histogram !== undefined) {
    if (late.histogram === undefined) late.histogram = copyHistogram(p.histogram);
    else addHistogram(late.histogram, p.histogram);
  }
  return late;
}

function addHistogram(into: HistogramValue, h: HistogramValue): void {
  into.count += h.count;
  into.sum += h.sum;
  into.min = Math.min(into.min, h.min);
  into.max = Math.max(into.max, h.max);
  const counts = ownBuckets(into);
  for (let i = 0; i < counts.length; i += 1)
    counts[i] = (counts[i] as number) + (h.bucketCounts[i] ?? 0);
}

function copyHistogram(h: HistogramValue | undefined): HistogramValue | undefined {
  return h === undefined ? undefined : { ...h, bucketCounts: [...h.bucketCounts] };
}
