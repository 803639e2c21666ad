/**
 * An OTLP metrics decoder we did not write: protobufjs reading the official opentelemetry-proto
 * schema vendored unmodified in test/vendor/opentelemetry-proto (v1.11.0; or $OTLP_PROTO_DIR). Protobuf and OTLP/JSON payloads decode to
 * the same plain-object shape, so tests can assert on either encoding the same way.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import protobuf from 'protobufjs';
import type { IConversionOptions, Type } from 'protobufjs';

/** Repository root, found from this file's location (test/helpers/). */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the official .proto files live. */
export const OTLP_PROTO_DIR =
  process.env.OTLP_PROTO_DIR ?? path.resolve(REPO_ROOT, 'test/vendor/opentelemetry-proto');

const PACKAGE = 'opentelemetry.proto.collector.metrics.v1';

/**
 * Options for `Type.toObject`:
 * - `longs: String`: 64-bit integers (timestamps, counts, asInt, intValue) come out as exact
 *   decimal strings, as in OTLP/JSON.
 * - `enums: Number`: enums as integers, as in OTLP/JSON.
 * - `defaults: true`: proto3 cannot tell a zero value from an absent one, and senders differ in
 *   whether they write zeros (protobufjs writes them when set, most encoders omit them, JSON
 *   senders may write `"flags": 0`). Filling in defaults makes every encoding decode to the same
 *   shape. Fields in a oneof (NumberDataPoint.asInt/asDouble, AnyValue.*) and proto3 `optional`
 *   fields (HistogramDataPoint.sum/min/max) keep their presence: they appear only when sent.
 *   Absent message fields come out as null.
 * - `arrays: true`: empty repeated fields as [].
 */
export const TO_OBJECT_OPTIONS: IConversionOptions = {
  longs: String,
  enums: Number,
  bytes: String,
  defaults: true,
  arrays: true,
};

let cachedRoot: protobuf.Root | undefined;

/** The protobufjs Root with metrics_service.proto (and its imports) loaded and resolved. */
export function otlpRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const root = new protobuf.Root();
  // Imports are written relative to the proto root (`opentelemetry/proto/common/v1/common.proto`).
  root.resolvePath = (_origin: string, target: string): string =>
    path.isAbsolute(target) ? target : path.join(OTLP_PROTO_DIR, target);
  root.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto');
  root.resolveAll();
  cachedRoot = root;
  return root;
}

/** A message type by its full name, e.g. `opentelemetry.proto.metrics.v1.MetricsData`. */
export function otlpType(fullName: string): Type {
  return otlpRoot().lookupType(fullName);
}

export const exportRequestType = (): Type => otlpType(`${PACKAGE}.ExportMetricsServiceRequest`);
export const exportResponseType = (): Type => otlpType(`${PACKAGE}.ExportMetricsServiceResponse`);
export const metricsDataType = (): Type => otlpType('opentelemetry.proto.metrics.v1.MetricsData');

// ---------------------------------------------------------------------------------------------
// Decoded shapes (what TO_OBJECT_OPTIONS produces). Only the parts tests look at are typed.

export interface DecodedAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** int64 as a decimal string. */
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values: DecodedAnyValue[] };
  kvlistValue?: { values: DecodedKeyValue[] };
  /** base64. */
  bytesValue?: string;
}

export interface DecodedKeyValue {
  key: string;
  value: DecodedAnyValue | null;
  /** Profiles-only (opentelemetry-proto 1.9+); always 0 here, but present in decoded objects. */
  keyStrindex: number;
}

export interface DecodedNumberDataPoint {
  attributes: DecodedKeyValue[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  asInt?: string;
  asDouble?: number;
  flags: number;
  exemplars: unknown[];
}

export interface DecodedHistogramDataPoint {
  attributes: DecodedKeyValue[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  count: string;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts: string[];
  explicitBounds: number[];
  flags: number;
  exemplars: unknown[];
}

export interface DecodedMetric {
  name: string;
  description: string;
  unit: string;
  metadata: DecodedKeyValue[];
  sum?: {
    dataPoints: DecodedNumberDataPoint[];
    aggregationTemporality: number;
    isMonotonic: boolean;
  };
  gauge?: { dataPoints: DecodedNumberDataPoint[] };
  histogram?: { dataPoints: DecodedHistogramDataPoint[]; aggregationTemporality: number };
  exponentialHistogram?: unknown;
  summary?: unknown;
}

export interface DecodedScope {
  name: string;
  version: string;
  attributes: DecodedKeyValue[];
  droppedAttributesCount: number;
}

export interface DecodedScopeMetrics {
  scope: DecodedScope | null;
  metrics: DecodedMetric[];
  schemaUrl: string;
}

export interface DecodedResourceMetrics {
  resource: {
    attributes: DecodedKeyValue[];
    droppedAttributesCount: number;
    entityRefs: unknown[];
  } | null;
  scopeMetrics: DecodedScopeMetrics[];
  schemaUrl: string;
}

/** An ExportMetricsServiceRequest, or a MetricsData (same shape). */
export interface DecodedMetricsRequest {
  resourceMetrics: DecodedResourceMetrics[];
}

// ---------------------------------------------------------------------------------------------

/** Decode protobuf bytes of an ExportMetricsServiceRequest. Throws on malformed input. */
export function decodeMetricsRequestProtobuf(bytes: Uint8Array): DecodedMetricsRequest {
  const type = exportRequestType();
  return type.toObject(type.decode(bytes), TO_OBJECT_OPTIONS) as DecodedMetricsRequest;
}

/** Result of decoding OTLP/JSON: the decoded message and how the JSON departs from the spec. */
export interface JsonDecodeResult {
  decoded: DecodedMetricsRequest;
  /**
   * Violations that lose or change data, or that OTLP/JSON forbids: unknown or snake_case keys
   * (a receiver drops them), enums as strings, ids that are not hex, a non-array for a repeated
   * field, 64-bit integers given as JSON numbers that are not exact integers (beyond 2^53 or
   * fractional: precision is already gone). protobufjs itself would accept all of these silently.
   */
  issues: string[];
  /**
   * Accepted but not canonical: 64-bit integers given as exact JSON numbers. ProtoJSON parsers
   * accept numbers or strings; OTLP/JSON writers are expected to emit decimal strings.
   */
  notes: string[];
}

/** Decode an OTLP/JSON ExportMetricsServiceRequest (text or already parsed). Throws on bad JSON. */
export function decodeMetricsRequestJson(json: string | unknown): JsonDecodeResult {
  return decodeJsonAs(exportRequestType(), json);
}

/** Decode one line of an OTLP JSON Lines file (a MetricsData object). */
export function decodeMetricsDataJson(json: string | unknown): JsonDecodeResult {
  return decodeJsonAs(metricsDataType(), json);
}

function decodeJsonAs(type: Type, json: string | unknown): JsonDecodeResult {
  const parsed: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  const findings: Findings = { issues: [], notes: [] };
  const normalized = normalizeJson(type, parsed, '$', findings);
  const message = type.fromObject(normalized as Record<string, unknown>);
  return {
    decoded: type.toObject(message, TO_OBJECT_OPTIONS) as DecodedMetricsRequest,
    ...findings,
  };
}

/** Encode a plain object (camelCase keys, longs as strings or numbers) as protobuf bytes. */
export function encodeMetricsRequest(request: unknown): Uint8Array {
  const type = exportRequestType();
  const message = type.fromObject(request as Record<string, unknown>);
  const problem = type.verify(message);
  if (problem) throw new Error(`encodeMetricsRequest: ${problem}`);
  return type.encode(message).finish();
}

const HEX_ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

interface Findings {
  issues: string[];
  notes: string[];
}

function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/**
 * Walk OTLP/JSON against the schema: collect departures from the spec in `issues`, drop keys the
 * schema does not know (protobufjs `fromObject` would ignore them silently anyway) and turn hex
 * trace/span ids into bytes (protobufjs would read them as base64).
 */
function normalizeJson(type: Type, value: unknown, at: string, findings: Findings): unknown {
  const { issues, notes } = findings;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.push(`${at}: expected a JSON object for ${type.name}`);
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const where = `${at}.${key}`;
    const field = type.fields[key];
    if (!field) {
      issues.push(
        type.fields[snakeToCamel(key)]
          ? `${where}: snake_case key (OTLP/JSON wants lowerCamelCase; ignored)`
          : `${where}: unknown field of ${type.name} (ignored)`,
      );
      continue;
    }
    if (raw === null) continue;
    const one = (item: unknown, itemAt: string): unknown => {
      const resolved = field.resolvedType;
      if (resolved instanceof protobuf.Type) return normalizeJson(resolved, item, itemAt, findings);
      if (resolved instanceof protobuf.Enum && typeof item === 'string') {
        issues.push(`${itemAt}: enum as a string (OTLP/JSON wants the integer)`);
      } else if (field.long && typeof item === 'number') {
        if (Number.isSafeInteger(item)) {
          notes.push(`${itemAt}: 64-bit integer as a JSON number (canonical: a decimal string)`);
        } else {
          issues.push(`${itemAt}: 64-bit integer as an inexact JSON number ${item}`);
        }
      } else if (field.type === 'bytes' && HEX_ID_FIELDS.has(key) && typeof item === 'string') {
        if (!/^([0-9a-fA-F]{2})*$/.test(item)) issues.push(`${itemAt}: id is not hex`);
        return Buffer.from(item, 'hex');
      }
      return item;
    };
    if (field.repeated) {
      if (!Array.isArray(raw)) {
        issues.push(`${where}: expected an array`);
        continue;
      }
      out[key] = raw.map((item, index) => one(item, `${where}[${index}]`));
    } else {
      out[key] = one(raw, where);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** An attribute value: AnyValue with intValue as a number, arrays and kvlists unwrapped. */
export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** One data point with everything around it, flattened for assertions. */
export interface FlatPoint {
  resource: Record<string, AttributeValue>;
  scope: string;
  scopeVersion: string;
  metric: string;
  unit: string;
  description: string;
  kind: 'sum' | 'gauge' | 'histogram';
  /** AggregationTemporality: 1 delta, 2 cumulative, 0 unspecified (gauges). */
  temporality: number;
  /** Sums only. */
  isMonotonic?: boolean;
  startTimeUnixNano: string;
  timeUnixNano: string;
  attributes: Record<string, AttributeValue>;
  /** Sums and gauges: asInt as a number, or asDouble. */
  value?: number;
  /** Sums and gauges: which of asInt/asDouble was sent. */
  valueType?: 'int' | 'double';
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}

/** Convert an AnyValue (intValue becomes a number; bytes stay base64). */
export function anyValue(value: DecodedAnyValue | null | undefined): AttributeValue {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return value.arrayValue.values.map(anyValue);
  if (value.kvlistValue !== undefined) return attributesOf(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}

/** KeyValue list to an object. Throws on a repeated key, which OTLP forbids. */
export function attributesOf(list: readonly DecodedKeyValue[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list) {
    if (Object.hasOwn(out, key)) throw new Error(`attributesOf: attribute ${key} appears twice`);
    out[key] = anyValue(value);
  }
  return out;
}

/**
 * One record per data point of every metric in the request. Throws on exponential histograms and
 * summaries (telemetry-sync never sends them) and on a metric with no data.
 */
export function flattenPoints(request: DecodedMetricsRequest): FlatPoint[] {
  const points: FlatPoint[] = [];
  for (const rm of request.resourceMetrics) {
    const resource = attributesOf(rm.resource?.attributes ?? []);
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) {
        const base = {
          resource,
          scope: sm.scope?.name ?? '',
          scopeVersion: sm.scope?.version ?? '',
          metric: metric.name,
          unit: metric.unit,
          description: metric.description,
        };
        const numberPoint = (dp: DecodedNumberDataPoint) => ({
          startTimeUnixNano: dp.startTimeUnixNano,
          timeUnixNano: dp.timeUnixNano,
          attributes: attributesOf(dp.attributes),
          ...(dp.asInt !== undefined
            ? { value: Number(dp.asInt), valueType: 'int' as const }
            : dp.asDouble !== undefined
              ? { value: dp.asDouble, valueType: 'double' as const }
              : {}),
        });
        if (metric.sum) {
          const { aggregationTemporality, isMonotonic } = metric.sum;
          for (const dp of metric.sum.dataPoints) {
            points.push({
              ...base,
              kind: 'sum',
              temporality: aggregationTemporality,
              isMonotonic,
              ...numberPoint(dp),
            });
          }
        } else if (metric.gauge) {
          for (const dp of metric.gauge.dataPoints) {
            points.push({ ...base, kind: 'gauge', temporality: 0, ...numberPoint(dp) });
          }
        } else if (metric.histogram) {
          for (const dp of metric.histogram.dataPoints) {
            points.push({
              ...base,
              kind: 'histogram',
              temporality: metric.histogram.aggregationTemporality,
              startTimeUnixNano: dp.startTimeUnixNano,
              timeUnixNano: dp.timeUnixNano,
              attributes: attributesOf(dp.attributes),
              count: Number(dp.count),
              ...(dp.sum !== undefined ? { sum: dp.sum } : {}),
              ...(dp.min !== undefined ? { min: dp.min } : {}),
              ...(dp.max !== undefined ? { max: dp.max } : {}),
              bucketCounts: dp.bucketCounts.map(Number),
              explicitBounds: dp.explicitBounds,
            });
          }
        } else {
          const kind = metric.exponentialHistogram
            ? 'exponentialHistogram'
            : metric.summary
              ? 'summary'
              : 'no data';
          throw new Error(`flattenPoints: metric ${metric.name} is ${kind}`);
        }
      }
    }
  }
  return points;
}
