/**
 * Logs and traces decoded with the official opentelemetry-proto schema (protobufjs reading the
 * vendored .proto files, as otlp-proto.ts does for metrics), so that tests check what a receiver
 * gets on /v1/logs and /v1/traces with a decoder we did not write.
 */
import path from 'node:path';

import protobuf from 'protobufjs';
import type { Type } from 'protobufjs';

import { OTLP_PROTO_DIR, TO_OBJECT_OPTIONS } from './otlp-proto.js';

export type OtherSignal = 'logs' | 'traces';

/** An ExportLogsServiceRequest or ExportTraceServiceRequest as plain objects (longs as strings). */
export interface DecodedSignalRequest {
  signal: OtherSignal;
  resourceLogs?: Record<string, unknown>[];
  resourceSpans?: Record<string, unknown>[];
}

let root: protobuf.Root | undefined;

function signalRoot(): protobuf.Root {
  if (root === undefined) {
    root = new protobuf.Root();
    root.resolvePath = (_origin: string, target: string): string =>
      path.isAbsolute(target) ? target : path.join(OTLP_PROTO_DIR, target);
    root.loadSync([
      'opentelemetry/proto/collector/logs/v1/logs_service.proto',
      'opentelemetry/proto/collector/trace/v1/trace_service.proto',
    ]);
    root.resolveAll();
  }
  return root;
}

function requestType(signal: OtherSignal): Type {
  return signal === 'logs'
    ? signalRoot().lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest')
    : signalRoot().lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
}

/** ExportLogsServiceResponse or ExportTraceServiceResponse, from the official schema. */
export function signalResponseType(signal: OtherSignal): Type {
  return signal === 'logs'
    ? signalRoot().lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse')
    : signalRoot().lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
}

/** The signal a request path is for, other than metrics. */
export function otherSignalOfPath(requestPath: string): OtherSignal | undefined {
  const p = requestPath.split('?')[0] ?? '';
  if (p.endsWith('/v1/logs')) return 'logs';
  if (p.endsWith('/v1/traces')) return 'traces';
  return undefined;
}

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** OTLP/JSON writes trace and span ids as hex; protobufjs reads bytes from base64. */
function hexIdsToBase64(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hexIdsToBase64);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (ID_KEYS.has(k) && typeof v === 'string') {
        if (!/^([0-9a-fA-F]{2})*$/.test(v)) throw new Error(`${k} "${v}" is not hex`);
        return [k, Buffer.from(v, 'hex').toString('base64')];
      }
      return [k, hexIdsToBase64(v)];
    }),
  );
}

/** Decodes a logs or traces request body, JSON or protobuf; throws on a malformed one. */
export function decodeSignalRequest(
  signal: OtherSignal,
  body: Buffer,
  json: boolean,
): DecodedSignalRequest {
  const type = requestType(signal);
  const message = json
    ? type.fromObject(hexIdsToBase64(JSON.parse(body.toString('utf8'))) as Record<string, unknown>)
    : type.decode(body);
  const problem = type.verify(message);
  if (problem) throw new Error(problem);
  const decoded = type.toObject(message, { ...TO_OBJECT_OPTIONS, bytes: String });
  return { signal, ...decoded } as DecodedSignalRequest;
}
