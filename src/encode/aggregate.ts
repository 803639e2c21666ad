import type { Attributes } from '@opentelemetry/api';
import { MAX_TEXT_LENGTH, type TokfEvent } from '../source/tokf-event.js';
import {
  DEFAULT_BOUNDARIES,
  FILTER_DURATION,
  INVOCATIONS,
  TOKEN_USAGE,
  TOKENS_SAVED,
  type Instrument,
} from './instruments.js';
import { Recycler } from './point-pool.js';

export interface HistogramValue {
  count: number;
  sum: number;
  min: number;
  max: number;
  /**
   * One more than the boundaries: the last bucket holds values above the highest boundary. Read
   * only: a histogram of one observation shares its counts with the others in its bucket (see
   * ownBuckets, which whoever adds to a histogram goes through).
   */
  bucketCounts: readonly number[];
}

/** One point: a series (instrument and attributes) at one whole second. */
export interface AggregatedPoint {
  attributes: Attributes;
  /** The events' timestamp, epoch seconds. */
  epochSeconds: number;
  /** Where the point's interval starts, for a cumulative point (the series' start). */
  startSeconds?: number;
  sum: number;
  histogram: HistogramValue | undefined;
}

/** What of an event its points are made of (all an encoding thread is handed; see event-columns). */
export type MetricEvent = Pick<
  TokfEvent,
  | 'epochSeconds'
  | 'command'
  | 'filterName'
  | 'exitCode'
  | 'inputTokens'
  | 'outputTokens'
  | 'filterTimeMs'
>;

/** Points per instrument, in first-seen order. */
export type PointsByInstrument = Map<Instrument, AggregatedPoint[]>;

/**
 * Folds events into points the way tokf's live exporter records them. Events of one series in
 * the same second become one point (sums added, histograms merged): backends keep one sample per
 * series and timestamp, and the totals must survive exactly.
 *
 * Events without a readable timestamp must be left out by the caller.
 */
export function aggregate(events: Iterable<MetricEvent>, pool?: PointPool): PointsByInstrument {
  pool?.reset();
  const invocations: AggregatedPoint[] = [];
  const saved: AggregatedPoint[] = [];
  const usage: AggregatedPoint[] = [];
  const duration: AggregatedPoint[] = [];
  const index = new SeriesIndex();

  for (const e of events) {
    const seconds = e.epochSeconds as number;
    const series = index.of(e);
    // One entry per series and second, holding that second's five points.
    let p = series.seconds.get(seconds);
    if (p === undefined) {
      p =
        pool === undefined
          ? secondAt(series.attributes, seconds)
          : pool.second(series.attributes, seconds);
      series.seconds.set(seconds, p);
      invocations.push(p.invocations);
      saved.push(p.saved);
      usage.push(p.input, p.output);
      duration.push(p.duration);
    }
    p.invocations.sum += 1;
    p.saved.sum += Math.max(0, e.inputTokens - e.outputTokens);
    record(p.input, e.inputTokens, pool);
    record(p.output, e.outputTokens, pool);
    record(p.duration, e.filterTimeMs / 1000, pool);
  }
  return new Map([
    [INVOCATIONS, invocations],
    [TOKENS_SAVED, saved],
    [TOKEN_USAGE, usage],
    [FILTER_DURATION, duration],
  ]);
}

function pointAt(attributes: Attributes, epochSeconds: number): AggregatedPoint {
  return { attributes, epochSeconds, sum: 0, histogram: undefined };
}

/** A series' five points at one second, made afresh. */
function secondAt(attrs: SeriesAttributes, seconds: number): SecondPoints {
  return {
    invocations: pointAt(attrs.point, seconds),
    saved: pointAt(attrs.point, seconds),
    input: pointAt(attrs.input, seconds),
    output: pointAt(attrs.output, seconds),
    duration: pointAt(attrs.point, seconds),
  };
}

/** A recycled point made the fresh one pointAt would make. */
function refill(p: AggregatedPoint, attributes: Attributes, epochSeconds: number): void {
  p.attributes = attributes;
  p.epochSeconds = epochSeconds;
  p.sum = 0;
  p.histogram = undefined;
  // A cumulative point was given its series' start (see cumulate): not a delta one's.
  if (p.startSeconds !== undefined) p.startSeconds = undefined;
}

/** What a pool's points name until they are first handed out. */
const NO_ATTRIBUTES: Attributes = {};
const NO_SERIES: SeriesAttributes = {
  point: NO_ATTRIBUTES,
  input: NO_ATTRIBUTES,
  output: NO_ATTRIBUTES,
};

/**
 * Where an encoder's aggregations take their points and histograms from, made once and used again
 * by every later aggregation (see Recycler). The points of one aggregation are then only good until
 * the next one with the same pool: the encoder's use of them (aggregated, turned cumulative,
 * written, dropped) never outlives that. The totals a cumulative encoding keeps are copies.
 */
export class PointPool {
  private readonly seconds = new Recycler<SecondPoints>(() => secondAt(NO_SERIES, 0));
  private readonly counts = new Recycler<number[]>(() => []);
  private readonly histograms = new Recycler<HistogramValue>(() => ({
    count: 0,
    sum: 0,
    min: 0,
    max: 0,
    bucketCounts: ONE_OBSERVATION[0]!,
  }));

  /** Every point, histogram and list of counts handed out is free again. */
  reset(): void {
    this.seconds.reset();
    this.histograms.reset();
    this.counts.reset();
  }

  /** A copy of `counts` (a cumulative point's snapshot of its series' totals, see cumulate). */
  copyOf(counts: readonly number[]): number[] {
    const copy = this.counts.next();
    // Written over in place, not emptied first: emptied, V8 would drop its storage.
    for (let i = 0; i < counts.length; i += 1) copy[i] = counts[i]!;
    copy.length = counts.length;
    return copy;
  }

  second(attrs: SeriesAttributes, seconds: number): SecondPoints {
    const p = this.seconds.next();
    refill(p.invocations, attrs.point, seconds);
    refill(p.saved, attrs.point, seconds);
    refill(p.input, attrs.input, seconds);
    refill(p.output, attrs.output, seconds);
    refill(p.duration, attrs.point, seconds);
    return p;
  }

  /** A histogram of one observation in `bucketCounts` (shared, see ONE_OBSERVATION). */
  histogram(value: number, bucketCounts: readonly number[]): HistogramValue {
    const h = this.histograms.next();
    h.count = 1;
    h.sum = value;
    h.min = value;
    h.max = value;
    h.bucketCounts = bucketCounts;
    return h;
  }
}

/** The points sorted by time, stably; a list already in order (the usual case) is not copied. */
export function inTimeOrder(list: AggregatedPoint[]): readonly AggregatedPoint[] {
  for (let i = 1; i < list.length; i += 1) {
    if ((list[i] as AggregatedPoint).epochSeconds < (list[i - 1] as AggregatedPoint).epochSeconds)
      return [...list].sort((a, b) => a.epochSeconds - b.epochSeconds);
  }
  return list;
}

/** A series of one aggregation: its attributes and its points by second. */
interface Series {
  /** Shared by its points of every second, one object per instrument and token type: the
   * cumulative step names a series once per batch, not per point. */
  attributes: SeriesAttributes;
  seconds: Map<number, SecondPoints>;
}

/**
 * The series of an aggregation by the values that name them, as seriesOfEvent tells them apart
 * (command and filter name as cut, exit code), looked up value by value: a key string put
 * together per event was much of the encoding thread's garbage at a million events.
 */
class SeriesIndex {
  private readonly byCommand = new Map<string, Map<number | null, Map<string | null, Series>>>();

  of(e: MetricEvent): Series {
    const command = truncate(e.command);
    // As JSON.stringify in seriesOfEvent: a number that is not finite is null.
    const exitCode = e.exitCode !== null && Number.isFinite(e.exitCode) ? e.exitCode : null;
    const filterName = e.filterName === null ? null : truncate(e.filterName);
    let byExit = this.byCommand.get(command);
    if (byExit === undefined) this.byCommand.set(command, (byExit = new Map()));
    let byFilter = byExit.get(exitCode);
    if (byFilter === undefined) byExit.set(exitCode, (byFilter = new Map()));
    let series = byFilter.get(filterName);
    if (series === undefined) {
      series = { attributes: attributesOf(e), seconds: new Map() };
      byFilter.set(filterName, series);
    }
    return series;
  }
}

interface SeriesAttributes {
  point: Attributes;
  input: Attributes;
  output: Attributes;
}

function attributesOf(e: MetricEvent): SeriesAttributes {
  const point = pointAttributes(e);
  return {
    point,
    input: { ...point, 'gen_ai.token.type': 'input' },
    output: { ...point, 'gen_ai.token.type': 'output' },
  };
}

interface SecondPoints {
  invocations: AggregatedPoint;
  saved: AggregatedPoint;
  input: AggregatedPoint;
  output: AggregatedPoint;
  duration: AggregatedPoint;
}

/** Attribute values are cut at the source's text limit, with an ellipsis to show it. */
export const MAX_ATTRIBUTE_LENGTH = MAX_TEXT_LENGTH;

/**
 * The series an event's points belong to, as one key: events share all their series (one per
 * instrument and token type) when their point attributes are equal, and none otherwise.
 */
export function seriesOfEvent(e: MetricEvent): string {
  return JSON.stringify([
    truncate(e.command),
    e.exitCode,
    e.filterName === null ? null : truncate(e.filterName),
  ]);
}

/** tokf's point attributes, in its order; the filter name only when a filter matched. */
function pointAttributes(e: MetricEvent): Attributes {
  const attrs: Attributes = { 'tokf.command': truncate(e.command) };
  if (e.exitCode !== null) attrs['tokf.exit_code'] = e.exitCode;
  if (e.filterName !== null) attrs['tokf.filter.name'] = truncate(e.filterName);
  return attrs;
}

function truncate(value: string): string {
  return value.length <= MAX_ATTRIBUTE_LENGTH
    ? value
    : `${value.slice(0, MAX_ATTRIBUTE_LENGTH - 1)}…`;
}

/**
 * The bucket counts of a histogram of one observation, by its bucket: most points are of one
 * event (a series seldom has two in a second), and an array of counts for each was about half of
 * what an encoding thread allocated, all of it kept until its batch was encoded, so promoted and
 * left to the old generation's collector. Not frozen: the transformer's writer went through
 * frozen counts some 30 % slower (npm run bench:stages, serialize). HistogramValue's type keeps
 * them read only; ownBuckets gives a point counts of its own before they are added to.
 */
const ONE_OBSERVATION: readonly (readonly number[])[] = Array.from(
  { length: DEFAULT_BOUNDARIES.length + 1 },
  (_, bucket) => Array.from({ length: DEFAULT_BOUNDARIES.length + 1 }, (_, i) => +(i === bucket)),
);

/** `h`'s bucket counts, to add to: its own, copied first where they are shared. */
export function ownBuckets(h: HistogramValue): number[] {
  if (ONE_OBSERVATION.includes(h.bucketCounts)) h.bucketCounts = [...h.bucketCounts];
  return h.bucketCounts as number[];
}

function record(p: AggregatedPoint, value: number, pool: PointPool | undefined): void {
  const bucket = bucketIndex(value);
  const h = p.histogram;
  if (h === undefined) {
    const bucketCounts = ONE_OBSERVATION[bucket]!;
    p.histogram =
      pool === undefined
        ? { count: 1, sum: value, min: value, max: value, bucketCounts }
        : pool.histogram(value, bucketCounts);
    return;
  }
  h.count += 1;
  h.sum += value;
  h.min = Math.min(h.min, value);
  h.max = Math.max(h.max, value);
  ownBuckets(h)[bucket]! += 1;
}

// Buckets are (previous boundary, boundary]: a value equal to a boundary falls in that bucket.
// A loop, not findIndex: its callback closed over the value, a closure and a context for each of
// three values an event records.
function bucketIndex(value: number): number {
  let i = 0;
  while (i < DEFAULT_BOUNDARIES.length && !(value <= (DEFAULT_BOUNDARIES[i] as number))) i += 1;
  return i;
}
