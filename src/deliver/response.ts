import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';

export interface PartialSuccess {
  rejectedPoints: number;
  message: string | undefined;
}

/**
 * Reads `partial_success` from a 200 response body, in protobuf or JSON (where the count may be
 * a string). An empty body means full success. A body we cannot read is still an
 * acknowledgement: the status said so.
 */
export function readPartialSuccess(body: Uint8Array, contentType: string | null): PartialSuccess {
  const none = { rejectedPoints: 0, message: undefined };
  if (body.byteLength === 0) return none;
  const isJson = (contentType ?? '').toLowerCase().includes('json') || looksLikeJson(body);
  let parsed: unknown;
  try {
    parsed = (isJson ? JsonMetricsSerializer : ProtobufMetricsSerializer).deserializeResponse(body);
  } catch {
    return none;
  }
  const partial = (
    parsed as { partialSuccess?: { rejectedDataPoints?: unknown; errorMessage?: unknown } }
  )?.partialSuccess;
  if (partial === undefined || partial === null) return none;
  const rejected = Number(partial.rejectedDataPoints ?? 0);
  const message =
    typeof partial.errorMessage === 'string' && partial.errorMessage !== ''
      ? partial.errorMessage
      : undefined;
  return { rejectedPoints: Number.isFinite(rejected) && rejected > 0 ? rejected : 0, message };
}

// Some receivers answer JSON without saying so; a protobuf response never starts with "{".
function looksLikeJson(body: Uint8Array): boolean {
  return body[0] === 0x7b;
}
