/**
 * What a backend's refusal says about the data, read from its text: a status alone (400) does
 * not tell bad data from data the backend already holds, so the words backends use are kept here,
 * with where each comes from.
 */
export type RefusalReading =
  /** The backend holds a newer sample of a series in the request, or another value at its time. */
  | 'out-of-order'
  /** Older than the backend accepts at all (its history horizon or retention). */
  | 'too-old'
  /** Nothing in the text: the content is refused for another reason. */
  | 'other';

/**
 * A series already holds a sample after (or, with another value, at) a point's time. A resend of
 * a request the backend stored gets exactly these answers, so they must never be read as bad data:
 * - Prometheus (storage/interface.go; the OTLP write handler answers 400 with the error's text,
 *   several joined by newlines): "out of order sample", "duplicate sample for timestamp"
 *   (same time, other value; an identical resend of a point is taken silently);
 * - Thanos receive (pkg/receive/writer_errors.go, 409 Conflict): "add N samples: out of order
 *   sample", "add N samples: duplicate sample for timestamp";
 * - Mimir and Grafana Cloud (400, error ids): err-mimir-sample-out-of-order,
 *   err-mimir-sample-duplicate-timestamp;
 * - Cortex: "sample timestamp out of order", "sample with repeated timestamp but different value";
 * - Loki, for log records of a stream (older versions, or with unordered writes disabled):
 *   "entry out of order".
 * VictoriaMetrics takes out-of-order samples and drops duplicates itself: no refusal to read.
 */
const OUT_OF_ORDER: readonly RegExp[] = [
  /out of order sample/i,
  /duplicate sample for timestamp/i,
  /err-mimir-sample-out-of-order/i,
  /err-mimir-sample-duplicate-timestamp/i,
  /sample timestamp out of order/i,
  /sample with repeated timestamp but different value/i,
  /entry out of order/i,
];

/**
 * Older than the backend takes: Prometheus "out of bounds" (behind its head, with no out-of-order
 * window) and "too old sample" (outside the window); Mimir err-mimir-sample-timestamp-too-old;
 * Loki "entry too far behind"; and the generic words other backends use.
 */
const TOO_OLD: readonly RegExp[] = [
  /out of bounds/i,
  /too old/i,
  /err-mimir-sample-timestamp-too-old/i,
  /too far behind/i,
];

/** Statuses whose text may say the data is out of order (Thanos receive answers 409 Conflict). */
const ORDER_STATUSES: ReadonlySet<number> = new Set([400, 409, 422]);

/**
 * What a refusal's text says. Out of order is read first: Prometheus joins one error per series,
 * so a request with one stale series and one the backend already holds names both, and the
 * latter is what decides whether the request may already be there.
 */
export function readRefusal(status: number, text: string): RefusalReading {
  if (ORDER_STATUSES.has(status) && OUT_OF_ORDER.some((re) => re.test(text))) return 'out-of-order';
  if (TOO_OLD.some((re) => re.test(text))) return 'too-old';
  return 'other';
}

/**
 * Whether a reason recorded for a set-aside event (by an earlier run, in the dead-letter table)
 * is an out-of-order or duplicate refusal: earlier versions set such events aside as bad data or
 * as too old, although a resend of stored data is answered that way. They are looked at again.
 */
export function isOutOfOrderReason(reason: string): boolean {
  return OUT_OF_ORDER.some((re) => re.test(reason));
}

/**
 * A refusal that repeats one error per series (Prometheus joins them with newlines, which reach
 * here as spaces, cut after a few hundred characters) as the error once with its count:
 * "out of order sample (×15+)", the "+" where the text was cut.
 */
export function condenseRepeats(text: string): string {
  const m = /^(.{4,}?)(?: \1)+/.exec(text);
  if (m === null) return text;
  const phrase = m[1] as string;
  const times = (m[0].length + 1) / (phrase.length + 1);
  const rest = text.slice(m[0].length).trim();
  if (rest === '') return `${phrase} (×${times})`;
  const cut = rest.endsWith('…') && phrase.startsWith(rest.slice(0, -1));
  return cut ? `${phrase} (×${times}+)` : text;
}
