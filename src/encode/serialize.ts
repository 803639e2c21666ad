import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Protocol } from '../config/sync-config.js';

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

function required(body: Uint8Array | undefined): Uint8Array {
  if (body === undefined) throw new Error('the OTLP transformer could not serialize the request');
  return body;
}

/**
 * The fields of a metrics request that are 64-bit integers in the schema. The transformer writes
 * them as JSON numbers; OTLP/JSON (and the Collector's file format) writes them as decimal strings.
 * Timestamps it already writes as strings. Attribute keys never appear here as JSON keys (they are
 * the value of "key"), so matching by field name is exact.
 */
const INT64_FIELDS = new Set(['asInt', 'intValue', 'count', 'bucketCounts']);

function int64AsStrings(body: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(body);
  const fixed = JSON.stringify(JSON.parse(text), (key, value: unknown) => {
    if (!INT64_FIELDS.has(key)) return value;
    if (typeof value === 'number') return String(value);
    if (Array.isArray(value)) return value.map((v) => (typeof v === 'number' ? String(v) : v));
    return value;
  });
  return new TextEncoder().encode(fixed);
}
