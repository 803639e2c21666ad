import { UsageError } from '../errors.js';
import type { Parser } from './vocabulary.js';
import type { SettingKey, SettingSpec } from './settings.js';

/**
 * The settings of `telemetry-sync replay`: those of the settings table it shares with `sync`
 * (same flags, same parsers, same documentation), and its own below.
 */
export const REPLAY_SHARED_KEYS = [
  'since',
  'until',
  'endpoint',
  'headers',
  'certificate',
  'clientCertificate',
  'clientKey',
  'compression',
  'timeout',
  'retryBudget',
  'maxConsecutiveFailures',
  'dryRun',
  'signals',
  'backend',
  'temporality',
  'maxAge',
  'openmetricsOut',
] as const satisfies readonly SettingKey[];

/** The shared settings that only mean something for a gridctl directory (`--gridctl`). */
export const GRIDCTL_ONLY_KEYS = [
  'signals',
  'backend',
  'temporality',
  'maxAge',
  'openmetricsOut',
] as const satisfies readonly ReplaySharedKey[];

export type ReplaySharedKey = (typeof REPLAY_SHARED_KEYS)[number];

/**
 * Where `sync`'s help line speaks of events, metrics or the tokf database, what the same flag does
 * for `replay`: lines of files, every signal's path, the state database.
 */
export const REPLAY_HELP: Partial<Record<ReplaySharedKey, string>> = {
  since:
    'only records at or after T (inclusive), by their own times; T is a date (2026-03-05), a date-time (2026-03-05T10:22:13Z; UTC when no zone is given) or a duration back from now (90m, 24h, 7d; -7d means the same)',
  until: 'only records before T (exclusive), T as for --since',
  endpoint:
    "OTLP/HTTP base URL (http:// or https://); each line goes to its signal's path under it (v1/metrics, v1/logs, v1/traces); without it, OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT (used as it is), else OTEL_EXPORTER_OTLP_ENDPOINT",
  maxConsecutiveFailures:
    'circuit breaker: stop sending after N lines in a row were refused; the rest stay for the next run',
  dryRun: 'report what would be sent; send nothing and record nothing in the state database',
  signals: 'with --gridctl: which of its files to send, comma-separated: metrics, logs, traces',
  backend:
    "with --gridctl: what the metrics endpoint is, for the path put before v1/metrics, the temporality of gridctl's metrics and, for prometheus, mimir and victoriametrics (metrics only), that logs and traces need OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or --signals metrics",
  temporality:
    "with --gridctl: gridctl's metrics as cumulative sums (the totals its lines carry, from the last reset; what Prometheus, Mimir and VictoriaMetrics take) or delta (each line's gain since the server's line before); lowmemory means delta; --backend may change the default",
  maxAge:
    "with --gridctl: do not send gridctl's metric points older than D (90m, 1h, 7d), which the backend would refuse or drop; they are counted as too old (and go to the --openmetrics-out file); --backend may set it, none lifts it",
  openmetricsOut:
    'with --gridctl: also write DIR/metrics.om, the cumulative points of the gridctl metrics lines read, as OpenMetrics named as Prometheus names them over OTLP, for promtool tsdb create-blocks-from openmetrics',
};

/** Where replay's default differs from sync's, as its help shows it. */
export const REPLAY_DEFAULTS: Partial<Record<ReplaySharedKey, string>> = {
  signals: 'all three',
};

/**
 * The lines are sent as they were written, byte for byte where the window does not cut them:
 * turning them into protobuf would be a second encoder of every OTLP message for no gain, so
 * OTLP/JSON is the one protocol, and asking for another is a mistake to say rather than ignore.
 */
export const parseReplayProtocol: Parser<'http/json'> = (text, source) => {
  const value = text.trim();
  if (value.toLowerCase() === 'http/json') return 'http/json';
  throw new UsageError(
    `${source} ${value}: replay sends each line as it is, in OTLP/JSON (application/json), so only http/json applies; converting the lines to protobuf or sending them over gRPC is not offered`,
  );
};

/**
 * The flags only `replay` has: where its progress and its rejected lines are kept, and the
 * protocol, whose values and default differ from `sync`'s.
 */
export const REPLAY_OWN_SETTINGS = {
  state: {
    flag: 'state',
    value: 'FILE',
    type: 'string',
    env: [],
    defaultText:
      '$XDG_STATE_HOME/telemetry-sync/replay-state.db, else ~/.local/state/telemetry-sync/replay-state.db',
    section: 'Source',
    help: 'the state database: per file, what identifies it and the byte offset up to which its lines were acknowledged',
  },
  rejects: {
    flag: 'rejects',
    value: 'FILE',
    type: 'string',
    env: [],
    defaultText: 'the state database with .rejects.jsonl for .db',
    section: 'Output',
    help: 'where bad and refused lines are appended, one JSON object each with file, line number, offset, reason and the line itself',
  },
  gridctl: {
    flag: 'gridctl',
    type: 'boolean',
    env: [],
    section: 'Source',
    help: "the PATHs are gridctl telemetry directories (~/.gridctl/telemetry when none is given; a stack's or one server's directory also): every server's logs.jsonl (slog JSON, sent as log records), metrics.jsonl (snapshot lines, sent as sums) and traces.jsonl (OTLP), rotated siblings first",
  },
  protocol: {
    flag: 'protocol',
    value: 'P',
    type: 'string',
    // Not OTEL_EXPORTER_OTLP_PROTOCOL: set for other tools, it is noted in the warnings instead.
    env: [],
    parse: parseReplayProtocol,
    default: 'http/json',
    section: 'Endpoint',
    help: "http/json only: each line is sent as it is, in OTLP/JSON; http/protobuf and grpc are refused. OTEL_EXPORTER_OTLP_PROTOCOL and OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL are not applied; set to another protocol, they are noted in the warnings. With --gridctl: how the logs and metrics made of gridctl's lines are sent, http/protobuf (else OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf: VictoriaMetrics takes only that) or http/json; its traces lines go as they are",
  },
} as const satisfies Record<string, SettingSpec>;

/** Replay's settings as given, before validation. */
export type ReplaySettings = {
  [K in ReplaySharedKey]?: K extends 'dryRun' ? boolean : string;
} & { state?: string; rejects?: string; protocol?: string; gridctl?: boolean };
