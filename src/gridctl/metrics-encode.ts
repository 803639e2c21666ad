import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { Temporality } from '../config/vocabulary.js';
import { int64AsStrings, required } from '../encode/serialize.js';
import { valueTypeOf, type GridctlInstrument } from './instruments.js';
import { hrTimeOf } from './rfc3339.js';
import { GRIDCTL_SCOPE, gridctlResource, SERVER_KEY, STACK_KEY, type Place } from './resource.js';
import type { SeriesPoint } from './series.js';

const MICRO = 1_000_000;

/**
 * A metrics line's points as an OTLP/JSON MetricsData, through the OpenTelemetry transformer:
 * monotonic sums, one metric per instrument. Each point carries the stack and server as well as
 * the resource does: Prometheus-family backends make series of point attributes and the
 * service's name, not of other resource attributes, and two servers' series must not meet.
 * Cost goes out in USD, one division of an exact integer of micro-USD.
 */
export function encodeSeriesPoints(
  points: readonly SeriesPoint[],
  place: Place,
  temporality: Temporality,
): { json: Buffer; protobuf: () => Uint8Array } {
  const byInstrument = new Map<GridctlInstrument, SeriesPoint[]>();
  for (const p of points) {
    const list = byInstrument.get(p.instrument);
    if (list === undefined) byInstrument.set(p.instrument, [p]);
    else list.push(p);
  }
  const aggregationTemporality =
    temporality === 'cumulative' ? AggregationTemporality.CUMULATIVE : AggregationTemporality.DELTA;
  const placeAttributes = { [STACK_KEY]: place.stack, [SERVER_KEY]: place.server };
  const metrics: MetricData[] = [...byInstrument].map(([instrument, list]) => ({
    descriptor: {
      name: instrument.name,
      description: instrument.description,
      unit: instrument.unit,
      valueType: valueTypeOf(instrument),
    },
    aggregationTemporality,
    dataPointType: DataPointType.SUM,
    isMonotonic: true,
    dataPoints: list.map((p) => ({
      startTime: hrTimeOf(p.startNs),
      endTime: hrTimeOf(p.timeNs),
      attributes: { ...placeAttributes, ...p.attributes },
      value: instrument.cost ? p.value / MICRO : p.value,
    })),
  }));
  const request: ResourceMetrics = {
    resource: resourceFromAttributes(gridctlResource(place)),
    scopeMetrics: [{ scope: GRIDCTL_SCOPE, metrics }],
  };
  return {
    json: Buffer.from(int64AsStrings(required(JsonMetricsSerializer.serializeRequest(request)))),
    protobuf: () => required(ProtobufMetricsSerializer.serializeRequest(request)),
  };
}
