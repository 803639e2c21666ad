import type {
  Builtins,
  Compression,
  EndpointConfig,
  Protocol,
  Signal,
  Temporality,
} from './vocabulary.js';

/** Everything one sync run needs, validated. Built only by `buildSyncConfig`. */
export interface SyncConfig {
  /** The tokf tracking database. */
  dbPath: string;
  /** Where to POST metrics; undefined when the run only writes OTLP/JSON files or is a dry run. */
  endpoint?: EndpointConfig;
  protocol: Protocol;
  compression: Compression;
  /** Per attempt, in milliseconds. */
  timeoutMs: number;
  /** How long one request may wait between transient failures, in all, before it gives up. */
  retryBudgetMs: number;
  /** Sums and histograms per point (delta) or as running totals per series (cumulative). */
  temporality: Temporality;
  /** Events per request before the byte cap splits it further. */
  batchSize: number;
  /** Upper bound of one request body before compression; larger batches are split. */
  maxRequestBytes: number;
  /** Inclusive lower bound on event time, epoch ms. */
  since?: number;
  /** Exclusive upper bound on event time, epoch ms. */
  until?: number;
  /** Send at most this many pending events, the first ones in id order. */
  limit?: number;
  /**
   * Send only events with this id or a higher one; earlier pending events stay pending. Not a
   * setting: the action sets it to leave events that another run has taken charge of.
   */
  fromId?: number;
  dryRun: boolean;
  /** Events older than this (ms before now) are not sent, only written to the OTLP/JSON file. */
  maxAgeMs?: number;
  /**
   * The chosen backend's history, where it answers success to older points and drops them: the
   * run warns about events older than this that it sends (max-age lifted or made longer).
   */
  silentHorizon?: { backend: string; ageMs: number };
  /** Send events earlier runs set aside as rejected again. */
  retryRejected: boolean;
  /** Refused single events in a row after which a run stops sending (circuit breaker). */
  maxConsecutiveFailures: number;
  /** Resource attributes, service.name always present. */
  resource: Record<string, string>;
  /** Where service.name came from, in words (a flag, a variable, tokf's config.toml, a default). */
  serviceNameFrom: string;
  /**
   * Rows of tokf's built-in commands (`tokf err|test|summary`, filter `_builtin/...`), which
   * tokf's live export never sends: sent (`send`) or recorded as done without sending (`skip`).
   */
  builtins: Builtins;
  /** What each event is sent as, in the order metrics, logs, traces; at least one. */
  signals: Signal[];
  /**
   * For logs and traces: where to POST them (their own path and OTEL_EXPORTER_OTLP_<SIGNAL>_*
   * variables) and max-age as given (a backend preset's max-age is about metrics only).
   */
  otherSignals: { endpoints: Partial<Record<Signal, EndpointConfig>>; maxAgeMs?: number };
  /** Directory that receives metrics.jsonl (and logs.jsonl, traces.jsonl). */
  otlpJsonOut?: string;
  /** Directory that receives metrics.om, the OpenMetrics backfill. */
  openmetricsOut?: string;
}

// The settings as given are defined by their table; modules elsewhere import them from here.
export type { SettingLabel, SyncSettings } from './settings.js';
