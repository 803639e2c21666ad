import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Protocol } from '../config/vocabulary.js';

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

/**
 * The transformer writes the schema's 64-bit integers (asInt, intValue, count, bucketCounts) as
 * JSON numbers; OTLP/JSON, and the Collector's file format, write them as decimal strings
 * (timestamps it already writes as strings). Rewritten on the text: these names only ever appear
 * there as keys, since inside a string value a quote is escaped (`\"asInt\":` cannot match), and
 * a rewrite of the text is several times cheaper than parsing and printing the request again.
 */
const INT64_FIELD = /"(asInt|intValue|count)":(-?\d+)/g;
const INT64_LIST = /"bucketCounts":\[([\d,]*)\]/g;

export function int64AsStrings(body: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(body);
  const fixed = text
    .replace(INT64_FIELD, '"$1":"$2"')
    .replace(
      INT64_LIST,
      (_, list: string) =>
        `"bucketCounts":[${list === '' ? '' : `"${list.split(',').join('","')}"`}]`,
    );
  return new TextEncoder().encode(fixed);
}
