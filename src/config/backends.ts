import { UsageError } from '../errors.js';
import type { Parser, Temporality } from './vocabulary.js';

/** The backends `--backend` knows; `otlp` is a plain OTLP/HTTP receiver, such as a Collector. */
export const BACKENDS = [
  'otlp',
  'prometheus',
  'mimir',
  'victoriametrics',
  'datadog',
  'newrelic',
  'honeycomb',
  'elastic',
] as const;
export type Backend = (typeof BACKENDS)[number];

/**
 * What a backend needs that a plain OTLP receiver does not. Each field only changes a default: a
 * flag, an action input or an OTEL_* variable still wins.
 */
export interface BackendPreset {
  /** Put between the base URL and `/v1/metrics`. */
  path: string;
  /** The temporality the backend stores correctly; undefined keeps the general default. */
  temporality?: Temporality;
  /** How far back the backend accepts points, as --max-age takes it; older ones are not sent. */
  maxAge?: string;
  /**
   * Whether the backend answers success to points older than `maxAge` and drops them. Sending
   * such points (--max-age none, or longer) then loses them silently, which the run warns about.
   */
  dropsOlderSilently?: boolean;
}

/**
 * Sources: the vendors' OTLP ingestion docs; for VictoriaMetrics' silent drop, what it was seen to
 * do.
 * Prometheus and Mimir refuse old points with an error, which the too-old search handles, so
 * they get no age limit; the others drop old points while answering success, so an age limit is
 * the only protection.
 */
export const PRESETS: Record<Backend, BackendPreset> = {
  otlp: { path: '' },
  prometheus: { path: '/api/v1/otlp', temporality: 'cumulative' },
  // Grafana Cloud's OTLP gateway too.
  mimir: { path: '/otlp', temporality: 'cumulative' },
  // Points older than the retention (-retentionPeriod, one month by default) are dropped with a
  // 200; 31 days is that month at its longest.
  victoriametrics: {
    path: '/opentelemetry',
    temporality: 'cumulative',
    maxAge: '31d',
    dropsOlderSilently: true,
  },
  // The OTLP intake takes delta only; points older than an hour are dropped unless historical
  // metrics ingestion is enabled for the metric.
  datadog: { path: '', temporality: 'delta', maxAge: '1h', dropsOlderSilently: true },
  // The Metric API drops points older than 48 hours.
  newrelic: { path: '', temporality: 'delta', maxAge: '48h', dropsOlderSilently: true },
  // Honeycomb aggregates either temporality by the metadata each point carries; delta needs no
  // state of ours and is what tokf's own exporter sends. No documented age limit.
  honeycomb: { path: '', temporality: 'delta' },
  // The managed OTLP endpoint; a time series data stream created now takes points back to
  // index.look_back_time, 2 hours by default.
  elastic: { path: '', temporality: 'delta', maxAge: '2h', dropsOlderSilently: true },
};

/** The presets in a line, for `--help`: made from the table so that it cannot fall behind. */
export function describePresets(): string {
  return BACKENDS.filter((b) => b !== 'otlp')
    .map((backend) => {
      const { path, temporality, maxAge } = PRESETS[backend];
      const parts = [
        ...(path === '' ? [] : [path]),
        ...(temporality === undefined ? [] : [temporality]),
        ...(maxAge === undefined ? [] : [`max-age ${maxAge}`]),
      ];
      return `${backend} (${parts.join(', ')})`;
    })
    .join(', ');
}

export const parseBackend: Parser<Backend> = (text, source) => {
  const value = text.trim();
  const lower = value.toLowerCase().replace(/[\s_-]/g, '');
  const aliases: Record<string, Backend> = {
    grafana: 'mimir',
    grafanacloud: 'mimir',
    vm: 'victoriametrics',
  };
  const found = (BACKENDS as readonly string[]).includes(lower)
    ? (lower as Backend)
    : aliases[lower];
  if (found !== undefined) return found;
  throw new UsageError(
    `${source}: "${value}" is not a backend (use one of ${BACKENDS.join(', ')})`,
  );
};
