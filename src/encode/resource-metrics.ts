import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { inTimeOrder, type AggregatedPoint, type PointsByInstrument } from './aggregate.js';
import type { Temporality } from '../config/vocabulary.js';
import { DEFAULT_BOUNDARIES, SCOPE_NAME, type Instrument } from './instruments.js';
import { ReusedPoints } from './reused-points.js';

/**
 * One list of boundaries for every histogram point: the transformer only reads it, and a copy per
 * point (sixteen numbers, for three of a second's five points) was a large share of the garbage.
 */
const BOUNDARIES: number[] = [...DEFAULT_BOUNDARIES];

/**
 * Builds the SDK's ResourceMetrics, which the OTLP transformer serializes.
 *
 * Time rule: a point's `time_unix_nano` is the events' timestamp exactly. A delta point's
 * `start_time_unix_nano` is one second earlier, so each point is the delta of the one-second
 * interval (t-1s, t]: tokf timestamps are whole seconds and a series has at most one point per
 * second, so a series' intervals never overlap, and replaying the same events gives the same
 * points. A cumulative point starts where its series started.
 *
 * `forProtobuf`: read only by the transformer's protobuf writer, which takes each metric's points
 * one at a time, so that they are one reused object per metric (see ReusedPoints); else arrays of
 * their own, as any reader may keep them.
 */
export function toResourceMetrics(
  points: PointsByInstrument,
  resource: Record<string, string>,
  temporality: Temporality = 'delta',
  forProtobuf = false,
): ResourceMetrics {
  const metrics: MetricData[] = [];
  const aggregation =
    temporality === 'cumulative' ? AggregationTemporality.CUMULATIVE : AggregationTemporality.DELTA;
  for (const [instrument, list] of points) {
    if (list.length > 0) metrics.push(toMetricData(instrument, list, aggregation, forProtobuf));
  }
  return {
    resource: resourceFromAttributes(resource),
    scopeMetrics: [{ scope: { name: SCOPE_NAME }, metrics }],
  };
}

function toMetricData(
  instrument: Instrument,
  points: AggregatedPoint[],
  aggregationTemporality: AggregationTemporality,
  reused: boolean,
): MetricData {
  const descriptor = {
    name: instrument.name,
    description: instrument.description,
    unit: instrument.unit,
    valueType: instrument.valueType,
  };
  const sorted = inTimeOrder(points);
  if (instrument.kind === 'sum') {
    return {
      descriptor,
      aggregationTemporality,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      // The writer only iterates them (see ReusedPoints); typed as the array it is elsewhere.
      dataPoints: reused
        ? (new ReusedPoints(sorted, sumPoint, fillSum) as unknown as DataPoint<number>[])
        : sorted.map((p) => fillSum(sumPoint(), p)),
    };
  }
  return {
    descriptor,
    aggregationTemporality,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: reused
      ? (new ReusedPoints(
          sorted,
          histogramPoint,
          fillHistogram,
        ) as unknown as DataPoint<Histogram>[])
      : sorted.map((p) => fillHistogram(histogramPoint(), p)),
  };
}

/** A data point as it is filled (the SDK's type is read-only, as its readers see it). */
type Filled<V> = { -readonly [K in keyof DataPoint<V>]: DataPoint<V>[K] };

function sumPoint(): Filled<number> {
  return { startTime: [0, 0], endTime: [0, 0], attributes: {}, value: 0 };
}

function fillSum(into: Filled<number>, p: AggregatedPoint): Filled<number> {
  fillTimes(into, p);
  into.attributes = p.attributes;
  into.value = p.sum;
  return into;
}

function histogramPoint(): Filled<Histogram> {
  return {
    startTime: [0, 0],
    endTime: [0, 0],
    attributes: {},
    value: { buckets: { boundaries: BOUNDARIES, counts: [] }, count: 0, sum: 0, min: 0, max: 0 },
  };
}

function fillHistogram(into: Filled<Histogram>, p: AggregatedPoint): Filled<Histogram> {
  const h = p.histogram!;
  const v = into.value;
  fillTimes(into, p);
  into.attributes = p.attributes;
  // The SDK's type is writable; the transformer only reads the counts (see HistogramValue).
  v.buckets.counts = h.bucketCounts as number[];
  v.count = h.count;
  v.sum = h.sum;
  v.min = h.min;
  v.max = h.max;
  return into;
}

/** A point's [seconds, nanoseconds] times, written into its own (the writer copies them out). */
function fillTimes(into: Filled<unknown>, p: AggregatedPoint): void {
  into.startTime[0] = startOf(p);
  into.endTime[0] = p.epochSeconds;
}

function startOf(p: AggregatedPoint): number {
  // Never before 1970: OTLP's times are unsigned (an event at the epoch starts there too).
  return Math.max(0, p.startSeconds ?? p.epochSeconds - 1);
}
