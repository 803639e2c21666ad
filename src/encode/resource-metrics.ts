import type { HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { AggregatedPoint, PointsByInstrument } from './aggregate.js';
import type { Temporality } from '../config/vocabulary.js';
import { DEFAULT_BOUNDARIES, SCOPE_NAME, type Instrument } from './instruments.js';

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
 */
export function toResourceMetrics(
  points: PointsByInstrument,
  resource: Record<string, string>,
  temporality: Temporality = 'delta',
): ResourceMetrics {
  const metrics: MetricData[] = [];
  const aggregation =
    temporality === 'cumulative' ? AggregationTemporality.CUMULATIVE : AggregationTemporality.DELTA;
  for (const [instrument, list] of points) {
    if (list.length > 0) metrics.push(toMetricData(instrument, list, aggregation));
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
): MetricData {
  const descriptor = {
    name: instrument.name,
    description: instrument.description,
    unit: instrument.unit,
    valueType: instrument.valueType,
  };
  const sorted = [...points].sort((a, b) => a.epochSeconds - b.epochSeconds);
  if (instrument.kind === 'sum') {
    return {
      descriptor,
      aggregationTemporality,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: sorted.map((p) => ({
        startTime: startOf(p),
        endTime: [p.epochSeconds, 0],
        attributes: p.attributes,
        value: p.sum,
      })),
    };
  }
  return {
    descriptor,
    aggregationTemporality,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: sorted.map((p) => {
      const h = p.histogram!;
      return {
        startTime: startOf(p),
        endTime: [p.epochSeconds, 0],
        attributes: p.attributes,
        value: {
          buckets: { boundaries: BOUNDARIES, counts: h.bucketCounts },
          count: h.count,
          sum: h.sum,
          min: h.min,
          max: h.max,
        },
      };
    }),
  };
}

function startOf(p: AggregatedPoint): HrTime {
  // Never before 1970: OTLP's times are unsigned (an event at the epoch starts there too).
  return [Math.max(0, p.startSeconds ?? p.epochSeconds - 1), 0];
}
