import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Protocol } from '../config/vocabulary.js';
import { int64AsStrings } from './int64-strings.js';

export const CONTENT_TYPES: Record<Protocol, string> = {
  'http/protobuf': 'application/x-protobuf',
  'http/json': 'application/json',
};

/** An ExportMetricsServiceRequest in the wire encoding of `protocol`. */
export function serialize(metrics: ResourceMetrics, protocol: Protocol): Uint8Array {
  if (protocol === 'http/protobuf')
    return required(ProtobufMetricsSerializer.serializeRequest(metrics));
  return int64AsStrings(required(JsonMetricsSerializer.serializeRequest(metrics)));
}

export function required(body: Uint8Array | undefined): Uint8Array {
  if (body === undefined) throw new Error('the OTLP transformer could not serialize the request');
  return body;
}

export { int64AsStrings } from './int64-strings.js';
