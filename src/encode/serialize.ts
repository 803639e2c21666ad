import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Protocol } from '../config/sync-config.js';

export const CONTENT_TYPES: Record<Protocol, string> = {
  'http/protobuf': 'application/x-protobuf',
  'http/json': 'application/json',
};

/** An ExportMetricsServiceRequest in the wire encoding of `protocol`. */
export function serialize(metrics: ResourceMetrics, protocol: Protocol): Uint8Array {
  const serializer = protocol === 'http/json' ? JsonMetricsSerializer : ProtobufMetricsSerializer;
  const body = serializer.serializeRequest(metrics);
  if (body === undefined) throw new Error('the OTLP transformer could not serialize the request');
  return body;
}
