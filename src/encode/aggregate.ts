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

export interface HistogramValue {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** One more than the boundaries: the last bucket holds values above the highest boundary. */
  bucketCounts: number[];
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
export function aggregate(events: Iterable<MetricEvent>): PointsByInstrument {
  const invocations: AggregatedPoint[] = [];
  const saved: AggregatedPoint[] = [];
  const usage: AggregatedPoint[] = [];
  const duration: AggregatedPoint[] = [];
  // One entry per series and second, holding that second's five points: the key is built once
  // per event rather than once per point, which matters at a million events.
  const index = new Map<string, SecondPoints>();
  // The attributes of each series, shared by its points of every second: one object per series
  // and instrument, which lets the cumulative step name a series once per batch, not per point.
  const seriesAttributes = new Map<string, SeriesAttributes>();

  for (const e of events) {
    const seconds = e.epochSeconds as number;
    const series = seriesOfEvent(e);
    const key = `${seconds}\u0000${series}`;
    let p = index.get(key);
    if (p === undefined) {
      let attrs = seriesAttributes.get(series);
      if (attrs === undefined) seriesAttributes.set(series, (attrs = attributesOf(e)));
      const at = (attributes: Attributes): AggregatedPoint => ({
        attributes,
        epochSeconds: seconds,
        sum: 0,
        histogram: undefined,
      });
      p = {
        invocations: at(attrs.point),
        saved: at(attrs.point),
        input: at(attrs.input),
        output: at(attrs.output),
        duration: at(attrs.point),
      };
      index.set(key, p);
      invocations.push(p.invocations);
      saved.push(p.saved);
      usage.push(p.input, p.output);
      duration.push(p.duration);
    }
    p.invocations.sum += 1;
    p.saved.sum += Math.max(0, e.inputTokens - e.outputTokens);
    record(p.input, e.inputTokens);
    record(p.output, e.outputTokens);
    record(p.duration, e.filterTimeMs / 1000);
  }
  return new Map([
    [INVOCATIONS, invocations],
    [TOKENS_SAVED, saved],
    [TOKEN_USAGE, usage],
    [FILTER_DURATION, duration],
  ]);
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

function record(p: AggregatedPoint, value: number): void {
  const h = (p.histogram ??= {
    count: 0,
    sum: 0,
    min: value,
    max: value,
    bucketCounts: new Array<number>(DEFAULT_BOUNDARIES.length + 1).fill(0),
  });
  h.count += 1;
  h.sum += value;
  h.min = Math.min(h.min, value);
  h.max = Math.max(h.max, value);
  h.bucketCounts[bucketIndex(value)]! += 1;
}

// Buckets are (previous boundary, boundary]: a value equal to a boundary falls in that bucket.
function bucketIndex(value: number): number {
  const i = DEFAULT_BOUNDARIES.findIndex((b) => value <= b);
  return i === -1 ? DEFAULT_BOUNDARIES.length : i;
}
