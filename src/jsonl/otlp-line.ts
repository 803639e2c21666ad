import type { Signal } from '../config/vocabulary.js';
import { readJsonObject } from './json-object.js';

/** The parts of OTLP/JSON a replay looks into; everything else is passed on untouched. */
export type Json = Record<string, unknown>;

/** How each signal nests its records: resources, scopes, records. */
export const SHAPES: Record<Signal, { resources: string; scopes: string; records: string }> = {
  metrics: { resources: 'resourceMetrics', scopes: 'scopeMetrics', records: 'metrics' },
  logs: { resources: 'resourceLogs', scopes: 'scopeLogs', records: 'logRecords' },
  traces: { resources: 'resourceSpans', scopes: 'scopeSpans', records: 'spans' },
};

const SIGNAL_OF_KEY = new Map(
  (Object.entries(SHAPES) as [Signal, { resources: string }][]).map(([s, v]) => [v.resources, s]),
);

export type ParsedLine =
  /**
   * `body`: the OTLP/JSON to send when the line was something else made into OTLP (else the
   * line); `protobuf`: the same request in protobuf, where the line was made into OTLP here.
   */
  | { kind: 'otlp'; signal: Signal; data: Json; body?: Buffer; protobuf?: () => Uint8Array }
  /** A line of only whitespace: passed over, not counted as bad. */
  | { kind: 'blank' }
  | { kind: 'bad'; reason: string };

/**
 * One line read as OTLP JSON: a `MetricsData`, `LogsData` or `TracesData` object, its signal
 * told by its one top-level key (`resourceMetrics`, `resourceLogs`, `resourceSpans`), an array of
 * objects, each scope's records an array too. Deeper checks are the endpoint's: what it refuses
 * as bad data goes to the rejects file with its answer.
 */
export function parseLine(bytes: Buffer): ParsedLine {
  const read = readJsonObject(bytes, 'OTLP');
  if (read.kind !== 'object') return read;
  const data = read.value;
  const keys = Object.keys(data).filter((k) => SIGNAL_OF_KEY.has(k));
  if (keys.length !== 1) {
    return {
      kind: 'bad',
      reason:
        keys.length === 0
          ? 'not OTLP: no resourceMetrics, resourceLogs or resourceSpans'
          : `not OTLP: more than one signal (${keys.join(', ')})`,
    };
  }
  const signal = SIGNAL_OF_KEY.get(keys[0]!)!;
  const shape = SHAPES[signal];
  const resources = data[shape.resources];
  if (!isObjectArray(resources))
    return { kind: 'bad', reason: `not OTLP: ${shape.resources} is not an array of objects` };
  for (const resource of resources) {
    const scopes = resource[shape.scopes];
    if (scopes === undefined) continue;
    if (!isObjectArray(scopes))
      return { kind: 'bad', reason: `not OTLP: ${shape.scopes} is not an array of objects` };
    for (const scope of scopes) {
      const records = scope[shape.records];
      if (records !== undefined && !isObjectArray(records))
        return { kind: 'bad', reason: `not OTLP: ${shape.records} is not an array of objects` };
    }
  }
  return { kind: 'otlp', signal, data };
}

export function isObjectArray(value: unknown): value is Json[] {
  return (
    Array.isArray(value) &&
    value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
  );
}

/** The resources of a line, its scopes, their records: empty arrays where absent. */
export function resourcesOf(signal: Signal, data: Json): Json[] {
  return (data[SHAPES[signal].resources] as Json[] | undefined) ?? [];
}
export function scopesOf(signal: Signal, resource: Json): Json[] {
  return (resource[SHAPES[signal].scopes] as Json[] | undefined) ?? [];
}
export function recordsOf(signal: Signal, scope: Json): Json[] {
  return (scope[SHAPES[signal].records] as Json[] | undefined) ?? [];
}

/** How many records (metrics, log records, spans) a line holds. */
export function countRecords(signal: Signal, data: Json): number {
  let n = 0;
  for (const resource of resourcesOf(signal, data))
    for (const scope of scopesOf(signal, resource)) n += recordsOf(signal, scope).length;
  return n;
}
