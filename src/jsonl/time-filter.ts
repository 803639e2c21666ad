import type { Signal } from '../config/vocabulary.js';
import { recordsOf, resourcesOf, scopesOf, SHAPES, type Json } from './otlp-line.js';

/** The time window of a run, in nanoseconds: since inclusive, until exclusive. */
export interface TimeWindow {
  sinceNs?: bigint;
  untilNs?: bigint;
}

/** Where a metric keeps its points, whichever type it is. */
const METRIC_DATA = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'];

export interface Filtered {
  /** The line with only the records inside the window; the same object when nothing was left out. */
  data: Json;
  /** Records (for metrics: data points) left out. */
  dropped: number;
  /** Whether anything is left to send. */
  empty: boolean;
}

/** Epoch milliseconds to the window's nanoseconds. */
export function windowOf(since?: number, until?: number): TimeWindow {
  return {
    ...(since !== undefined && { sinceNs: BigInt(since) * 1_000_000n }),
    ...(until !== undefined && { untilNs: BigInt(until) * 1_000_000n }),
  };
}

/**
 * The records inside the window, by their own times: a data point's `timeUnixNano`, a log
 * record's `timeUnixNano` (its `observedTimeUnixNano` when that is unset), a span's
 * `startTimeUnixNano`. A record without a time is kept, there being nothing to judge it by.
 * A line whose records straddle a bound is cut: the records outside are left out, the rest sent.
 * Scopes, resources (and metrics) left with nothing are left out too.
 */
export function filterByTime(signal: Signal, data: Json, window: TimeWindow): Filtered {
  if (window.sinceNs === undefined && window.untilNs === undefined)
    return { data, dropped: 0, empty: isEmpty(signal, data) };
  const inside = (ns: bigint | undefined): boolean =>
    ns === undefined ||
    ((window.sinceNs === undefined || ns >= window.sinceNs) &&
      (window.untilNs === undefined || ns < window.untilNs));
  let dropped = 0;
  const shape = SHAPES[signal];
  const resources = resourcesOf(signal, data)
    .map((resource) => {
      const scopes = scopesOf(signal, resource)
        .map((scope) => {
          const records = recordsOf(signal, scope);
          let kept: Json[];
          if (signal === 'metrics') {
            kept = records
              .map((metric) => {
                const result = filterMetric(metric, inside);
                dropped += result.dropped;
                return result.metric;
              })
              .filter((m): m is Json => m !== undefined);
          } else {
            kept = records.filter((record) => inside(recordTime(signal, record)));
            dropped += records.length - kept.length;
          }
          return kept.length === 0 ? undefined : { ...scope, [shape.records]: kept };
        })
        .filter((s): s is Json => s !== undefined);
      return scopes.length === 0 ? undefined : { ...resource, [shape.scopes]: scopes };
    })
    .filter((r): r is Json => r !== undefined);
  if (dropped === 0) return { data, dropped, empty: isEmpty(signal, data) };
  return {
    data: { ...data, [shape.resources]: resources },
    dropped,
    empty: resources.length === 0,
  };
}

function filterMetric(
  metric: Json,
  inside: (ns: bigint | undefined) => boolean,
): { metric: Json | undefined; dropped: number } {
  for (const key of METRIC_DATA) {
    const body = metric[key] as Json | undefined;
    if (body === undefined || body === null) continue;
    const points = (body.dataPoints as Json[] | undefined) ?? [];
    const kept = points.filter((point) => inside(nanos(point.timeUnixNano)));
    const dropped = points.length - kept.length;
    if (dropped === 0) return { metric, dropped };
    if (kept.length === 0) return { metric: undefined, dropped };
    return { metric: { ...metric, [key]: { ...body, dataPoints: kept } }, dropped };
  }
  return { metric, dropped: 0 };
}

/** A log record's or span's own time, as the window judges it. */
export function recordTime(signal: Signal, record: Json): bigint | undefined {
  if (signal === 'traces') return nanos(record.startTimeUnixNano);
  return nanos(record.timeUnixNano) ?? nanos(record.observedTimeUnixNano);
}

/** A uint64 of OTLP/JSON (a decimal string or a number); undefined for unset (absent or 0). */
export function nanos(value: unknown): bigint | undefined {
  let n: bigint;
  try {
    if (typeof value === 'string' && /^\d+$/.test(value)) n = BigInt(value);
    else if (typeof value === 'number' && Number.isFinite(value) && value >= 0)
      n = BigInt(Math.trunc(value));
    else return undefined;
  } catch {
    return undefined;
  }
  return n === 0n ? undefined : n;
}

function isEmpty(signal: Signal, data: Json): boolean {
  return resourcesOf(signal, data).length === 0;
}
