/**
 * A metric store that keeps each series in order, as Prometheus's head does (tsdb appender,
 * storage/interface.go in prometheus v0.316.0), for the loopback receiver: a point older than its
 * series' newest sample is refused with "out of order sample", one at the same time with another
 * value with "duplicate sample for timestamp", an identical one is taken silently. A request is
 * all or nothing (the OTLP write handler rolls back on any error) and the refusal is a 400 whose
 * plain-text body is the errors joined by newlines, as `http.Error(w, err.Error(), 400)` writes it.
 */
import type { DecodedMetricsRequest, FlatPoint } from './otlp-proto.js';
import { flattenPoints } from './otlp-proto.js';

/** Resource attributes Prometheus turns into job and instance: they name a series. */
const IDENTIFYING = ['service.namespace', 'service.name', 'service.instance.id'];

interface Sample {
  t: number;
  /** The value as compared for duplicates: a number, or a histogram's count, sum and buckets. */
  v: string;
}

/** The texts Prometheus answers (storage.ErrOutOfOrderSample, ErrDuplicateSampleForTimestamp). */
export const OUT_OF_ORDER_SAMPLE = 'out of order sample';
export const DUPLICATE_SAMPLE = 'duplicate sample for timestamp';

export class OrderedStore {
  /** Every sample taken, by series, in time order. */
  readonly series = new Map<string, Sample[]>();

  /** Appends every point of the request, or none; the refusal's text when refused. */
  append(request: DecodedMetricsRequest): string | undefined {
    const errors: string[] = [];
    const staged = new Map<string, Sample[]>();
    for (const p of flattenPoints(request)) {
      const key = seriesKey(p);
      const sample = { t: Math.floor(Number(BigInt(p.timeUnixNano) / 1_000_000n)), v: valueOf(p) };
      const list = staged.get(key) ?? [];
      const last = list[list.length - 1] ?? this.newest(key);
      if (last !== undefined && sample.t < last.t) errors.push(OUT_OF_ORDER_SAMPLE);
      else if (last !== undefined && sample.t === last.t && sample.v !== last.v)
        errors.push(DUPLICATE_SAMPLE);
      else if (last === undefined || sample.t > last.t) list.push(sample);
      staged.set(key, list);
    }
    if (errors.length > 0) return errors.join('\n');
    for (const [key, list] of staged) {
      const stored = this.series.get(key) ?? [];
      stored.push(...list);
      this.series.set(key, stored);
    }
    return undefined;
  }

  /** The newest sample of each series of `metric` whose attributes match, summed: what a
   * `sum(last_over_time(...))` would show for a sum. */
  lastTotal(metric: string): number {
    let total = 0;
    for (const [key, list] of this.series) {
      if ((JSON.parse(key) as [unknown, string])[1] !== metric) continue;
      const last = list[list.length - 1];
      if (last !== undefined) total += Number(last.v);
    }
    return total;
  }

  /** Every sample of `metric` summed: what a delta series' points add up to. */
  sumAll(metric: string): number {
    let total = 0;
    for (const [key, list] of this.series) {
      if ((JSON.parse(key) as [unknown, string])[1] !== metric) continue;
      for (const sample of list) total += Number(sample.v);
    }
    return total;
  }

  /** How many times a series of `metric` went down (what PromQL's resets() counts). */
  resets(metric: string): number {
    let n = 0;
    for (const [key, list] of this.series) {
      if ((JSON.parse(key) as [unknown, string])[1] !== metric) continue;
      for (let i = 1; i < list.length; i += 1)
        if (Number((list[i] as Sample).v) < Number((list[i - 1] as Sample).v)) n += 1;
    }
    return n;
  }

  private newest(key: string): Sample | undefined {
    const list = this.series.get(key);
    return list?.[list.length - 1];
  }
}

function seriesKey(p: FlatPoint): string {
  const named = IDENTIFYING.map((k) => p.resource[k] ?? null);
  const attrs = Object.keys(p.attributes)
    .sort()
    .map((k) => [k, p.attributes[k]]);
  return JSON.stringify([named, p.metric, attrs]);
}

function valueOf(p: FlatPoint): string {
  if (p.kind !== 'histogram') return String(p.value ?? 0);
  return JSON.stringify([p.count, p.sum, p.bucketCounts]);
}
