import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { int64AsStrings, required } from '../encode/serialize.js';
import { readJsonObject } from '../jsonl/json-object.js';
import type { Json, ParsedLine } from '../jsonl/otlp-line.js';
import { hrTimeOf, parseRfc3339Nanos } from './rfc3339.js';
import { GRIDCTL_SCOPE, gridctlResource, type Place } from './resource.js';

/** The SDK's ReadableLogRecord, as the transformer takes it (the SDK itself is not needed). */
type LogRecordIn = Parameters<typeof JsonLogsSerializer.serializeRequest>[0][number];
type AnyValue = LogRecordIn['attributes'][string];

/**
 * The keys gridctl's JSON handler writes for the record itself (pkg/logging/file.go: slog's
 * `time` renamed `ts` and written with RFC3339Nano; `level`; `msg`), and the trace context that
 * pkg/logging/structured.go's WithTraceID adds as `trace_id` (and a `span_id`, where a logger
 * adds one). Everything else is an attribute.
 */
const RECORD_KEYS = new Set(['ts', 'level', 'msg']);
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** slog's levels: DEBUG -4, INFO 0, WARN 4, ERROR 8, written with an offset as `ERROR+2`. */
const SLOG_LEVEL = /^(DEBUG|INFO|WARN|ERROR)([+-]\d+)?$/;
const SLOG_BASE: Record<string, number> = { DEBUG: -4, INFO: 0, WARN: 4, ERROR: 8 };
/**
 * The OpenTelemetry Go bridge for slog (contrib bridges/otelslog) maps a level by a fixed offset,
 * SeverityDebug (5) minus LevelDebug (-4): DEBUG 5, INFO 9, WARN 13, ERROR 17, `ERROR+2` 19. The
 * bridge does not bound it; OTLP's SeverityNumber runs from TRACE (1) to FATAL4 (24), so a level
 * beyond is held at those ends.
 */
const SEVERITY_OFFSET = 9;
const SEVERITY_MIN = 1;
const SEVERITY_MAX = 24;

/** The severity number of an slog level as its JSON handler writes it; undefined if not one. */
export function slogSeverity(level: string): number | undefined {
  const m = SLOG_LEVEL.exec(level);
  if (m === null) return undefined;
  const slog = SLOG_BASE[m[1]!]! + (m[2] === undefined ? 0 : Number(m[2]));
  return Math.min(SEVERITY_MAX, Math.max(SEVERITY_MIN, slog + SEVERITY_OFFSET));
}

/**
 * One line of a gridctl `logs.jsonl` as OTLP: a LogsData of one LogRecord at the line's `ts`
 * (to the nanosecond, observed at the same time: that is when gridctl wrote it), its severity
 * from the slog level (the level's text kept as severity text), `msg` as the body, trace and span
 * ids where the line has valid ones, and every other key an attribute, groups (nested objects)
 * flattened with dots. The resource names gridctl, the stack and the server of the file's path.
 */
export function decodeSlogLine(bytes: Buffer, place: Place): ParsedLine {
  const read = readJsonObject(bytes, 'a gridctl log line');
  if (read.kind !== 'object') return read;
  const line = read.value as Json;
  const nanos = parseRfc3339Nanos(line.ts);
  if (nanos === undefined || nanos <= 0n)
    return {
      kind: 'bad',
      reason: `not a gridctl log line: ts ${JSON.stringify(line.ts)} is not an RFC 3339 time`,
    };
  if (line.level !== undefined && typeof line.level !== 'string')
    return { kind: 'bad', reason: 'not a gridctl log line: level is not a string' };
  const attributes: Record<string, AnyValue> = {};
  let dropped = 0;
  for (const [key, v] of Object.entries(line)) {
    if (RECORD_KEYS.has(key)) continue;
    if (
      (key === 'trace_id' && isId(v, TRACE_ID, ZERO_TRACE)) ||
      (key === 'span_id' && isId(v, SPAN_ID, ZERO_SPAN))
    )
      continue;
    dropped += flatten(key, v, attributes);
  }
  const traceId = isId(line.trace_id, TRACE_ID, ZERO_TRACE) ? line.trace_id : undefined;
  const spanId = isId(line.span_id, SPAN_ID, ZERO_SPAN) ? line.span_id : undefined;
  const time = hrTimeOf(nanos);
  const level = line.level as string | undefined;
  const severity = level === undefined ? undefined : slogSeverity(level);
  const record: LogRecordIn = {
    hrTime: time,
    hrTimeObserved: time,
    ...(severity !== undefined && { severityNumber: severity }),
    ...(level !== undefined && { severityText: level }),
    ...(line.msg !== undefined && { body: toAnyValue(line.msg) }),
    attributes,
    droppedAttributesCount: dropped,
    resource: resourceFromAttributes(gridctlResource(place)),
    instrumentationScope: GRIDCTL_SCOPE,
    // A span id means nothing without its trace; a trace id alone leaves the span id empty.
    // gridctl does not write trace flags.
    ...(traceId !== undefined && {
      spanContext: { traceId, spanId: spanId ?? '', traceFlags: 0 },
    }),
  };
  const body = Buffer.from(int64AsStrings(required(JsonLogsSerializer.serializeRequest([record]))));
  return {
    kind: 'otlp',
    signal: 'logs',
    data: JSON.parse(body.toString('utf8')) as Json,
    body,
    protobuf: () => required(ProtobufLogsSerializer.serializeRequest([record])),
  };
}

function isId(value: unknown, shape: RegExp, zero: string): value is string {
  return typeof value === 'string' && shape.test(value) && value !== zero;
}

/** Adds `value` under `key`, a group's members under `key.member`; returns the values dropped. */
function flatten(key: string, value: unknown, into: Record<string, AnyValue>): number {
  if (value === null || value === undefined) return 1;
  if (typeof value === 'object' && !Array.isArray(value)) {
    let dropped = 0;
    for (const [k, v] of Object.entries(value)) dropped += flatten(`${key}.${k}`, v, into);
    return dropped;
  }
  into[key] = toAnyValue(value);
  return 0;
}

/** A JSON value as an attribute value: whole numbers as integers, arrays kept as arrays. */
function toAnyValue(value: unknown): AnyValue {
  if (Array.isArray(value)) return value.map((v) => toAnyValue(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, AnyValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toAnyValue(v);
    return out;
  }
  if (value === null || value === undefined) return null;
  return value as string | number | boolean;
}
