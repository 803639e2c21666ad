import type { FlatPoint } from './otlp-proto.js';
import type { TokfEventRow } from './tokf-db.js';

/** Nanoseconds since the epoch, as a decimal string, of a tokf timestamp. */
export function nanosOf(timestamp: string): string {
  return `${BigInt(Date.parse(timestamp)) * 1_000_000n}`;
}

function seriesKey(time: string, attributes: Record<string, unknown>): string {
  const sorted = Object.keys(attributes)
    .sort()
    .map((k) => [k, attributes[k]]);
  return `${time} ${JSON.stringify(sorted)}`;
}

function rowAttributes(row: TokfEventRow): Record<string, unknown> {
  return {
    'tokf.command': row.command,
    'tokf.exit_code': row.exit_code,
    ...(row.filter_name !== null && { 'tokf.filter.name': row.filter_name }),
  };
}

/**
 * What tokf's live exporter would have recorded for these rows, per series and second, computed
 * straight from the rows: invocations and tokens saved, keyed like `sumsByPoint` keys points.
 */
export function expectedSums(rows: readonly TokfEventRow[]): {
  invocations: Map<string, number>;
  saved: Map<string, number>;
} {
  const invocations = new Map<string, number>();
  const saved = new Map<string, number>();
  for (const row of rows) {
    const key = seriesKey(nanosOf(row.timestamp), rowAttributes(row));
    invocations.set(key, (invocations.get(key) ?? 0) + 1);
    saved.set(
      key,
      (saved.get(key) ?? 0) + Math.max(0, row.input_tokens_est - row.output_tokens_est),
    );
  }
  return { invocations, saved };
}

/** Values of one sum metric's points, added up per series and timestamp. */
export function sumsByPoint(points: readonly FlatPoint[], metric: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of points) {
    if (p.metric !== metric) continue;
    const key = seriesKey(p.timeUnixNano, p.attributes);
    out.set(key, (out.get(key) ?? 0) + (p.value ?? 0));
  }
  return out;
}
