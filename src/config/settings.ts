import { BACKENDS, describePresets, parseBackend } from './backends.js';
import {
  asWritten,
  durationOrNone,
  parseBuiltins,
  parseCompression,
  parseProtocol,
  parseSignals,
  parseTemporality,
  wholeNumber,
  withUnit,
} from './parsers.js';
import type { Parser } from './vocabulary.js';
import { parseDuration, parseTimeSpec } from './time-spec.js';
import { readCertificateFile, readKeyFile } from './tls.js';

/** The groups of `sync --help`, in the order it shows them. */
export const SECTIONS = ['Source', 'Endpoint', 'Resource', 'Output'] as const;
export type Section = (typeof SECTIONS)[number];

/** How a flag is documented: `--help`, the README and the CLI's own flags share this shape. */
export interface FlagDoc {
  /** The flag without its dashes. */
  flag: string;
  /** What the value stands for in the docs (`URL`, `N`); switches take none. */
  value?: string;
  section: Section;
  /** The `--help` text, plain; defaults and variables are added from the fields below. */
  help: string;
  /** The README's "meaning" column, Markdown. */
  meaning?: string;
}

/** One engine setting, as every entry point and every document sees it. */
export interface SettingSpec extends FlagDoc {
  type: 'string' | 'boolean';
  /** The action input that gives it, when the action exposes it. */
  input?: string;
  /** The variables it falls back to, strongest first (for headers and attributes: merged). */
  env: readonly string[];
  /**
   * When present, the flag and then each variable in `env` are tried in turn and the first given
   * value is parsed; without it, buildSyncConfig resolves the setting by its own rules.
   */
  parse?: Parser<unknown>;
  /** What applies when nothing is given; switches are off. */
  default?: string | number;
  /** For a default that is worked out rather than a value: how the docs describe it. */
  defaultText?: string;
}

// Collectors accept 20 MiB by default and most vendors 4-5 MiB; stay under the smaller figure.
export const DEFAULT_MAX_REQUEST_BYTES = 3 * 1024 * 1024;

const MAX_BATCH_SIZE = 100_000;
const MAX_REQUEST_MIB = DEFAULT_MAX_REQUEST_BYTES / (1024 * 1024);

/** The engine's settings: the one place their names, defaults and docs are written. */
export const SETTINGS = {
  db: {
    flag: 'db',
    value: 'PATH',
    type: 'string',
    input: 'database-path',
    env: ['TOKF_DB_PATH', 'TOKF_HOME', 'XDG_DATA_HOME'],
    defaultText: "tokf's own rules",
    section: 'Source',
    help: 'tracking database',
    meaning: 'the tracking database (where tokf keeps it: below)',
  },
  since: {
    flag: 'since',
    value: 'T',
    type: 'string',
    input: 'since',
    env: [],
    parse: parseTimeSpec,
    section: 'Source',
    help: 'only events at or after T (inclusive); T is a date (2026-03-05), a date-time (2026-03-05T10:22:13Z; UTC when no zone is given) or a duration back from now (90m, 24h, 7d; -7d means the same)',
    meaning:
      'only events at or after T: a date `2026-03-05`, a date-time `2026-03-05T10:22:13Z` (UTC when no zone is given), or a duration back from now: `90m`, `24h`, `7d` (also `s`, `w`; `-7d` means the same)',
  },
  until: {
    flag: 'until',
    value: 'T',
    type: 'string',
    input: 'until',
    env: [],
    parse: parseTimeSpec,
    section: 'Source',
    help: 'only events before T (exclusive), T as for --since',
    meaning: 'only events before T (exclusive), T as for `--since`',
  },
  limit: {
    flag: 'limit',
    value: 'N',
    type: 'string',
    input: 'limit',
    env: [],
    parse: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    section: 'Source',
    help: 'send at most the first N pending events in id order',
    meaning: 'send the first N pending events in id order',
  },
  maxAge: {
    flag: 'max-age',
    value: 'D',
    type: 'string',
    input: 'max-age',
    env: [],
    parse: durationOrNone,
    section: 'Source',
    help: 'do not send events older than D (90m, 1h, 7d), to match a backend that refuses or drops old points; they go to the OTLP/JSON file only (and, with one, are set aside so later runs do not export them again); --backend may set it, none lifts it',
    meaning:
      'do not send events older than D (`90m`, `1h`, `7d`): they go to the OTLP/JSON file only; `--backend` may set it (below), `none` lifts it',
  },
  retryRejected: {
    flag: 'retry-rejected',
    type: 'boolean',
    input: 'retry-rejected',
    env: [],
    section: 'Source',
    help: 'send again the events earlier runs set aside as rejected',
    meaning: 'send again the events earlier runs set aside as rejected',
  },
  builtins: {
    flag: 'builtins',
    value: 'B',
    type: 'string',
    input: 'builtins',
    env: ['TELEMETRY_SYNC_BUILTINS'],
    parse: parseBuiltins,
    default: 'send',
    section: 'Source',
    help: "the rows of tokf's built-in commands (tokf err, test, summary; filter _builtin/...), which tokf's live export never sends: send (they count in tokf gain) or skip (recorded as done without being sent, as live export leaves them out; a later send run does not go back for them)",
    meaning:
      "the rows of `tokf err`, `tokf test` and `tokf summary` (filter `_builtin/...`), which tokf's live export never sends: `send` them, or `skip` them as live export does ([Built-in commands](#built-in-commands))",
  },
  signals: {
    flag: 'signals',
    value: 'LIST',
    type: 'string',
    input: 'signals',
    env: ['TELEMETRY_SYNC_SIGNALS'],
    parse: parseSignals,
    default: 'metrics',
    section: 'Source',
    help: 'what each event is sent as: metrics, logs (one record per invocation), traces (one span per invocation), comma-separated; each to its own path (v1/logs, v1/traces) with its own progress',
    meaning:
      'what each event is sent as, comma-separated: `metrics`, `logs` (one record per invocation), `traces` (one span per invocation); each signal goes to its own path and keeps its own progress ([Logs and spans](#logs-and-spans))',
  },
  endpoint: {
    flag: 'endpoint',
    value: 'URL',
    type: 'string',
    input: 'endpoint',
    env: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    section: 'Endpoint',
    help: 'OTLP/HTTP base URL (http:// or https://); the --backend path and v1/metrics are appended, also to OTEL_EXPORTER_OTLP_ENDPOINT, unless the URL already ends in /v1/metrics (the METRICS variable is used as is)',
    meaning:
      'OTLP/HTTP base URL (`http://` or `https://`); the `--backend` path and `v1/metrics` are appended, also to `OTEL_EXPORTER_OTLP_ENDPOINT`, unless it already ends in `/v1/metrics` (`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` is used as is)',
  },
  metricsEndpoint: {
    flag: 'metrics-endpoint',
    value: 'URL',
    type: 'string',
    input: 'metrics-endpoint',
    env: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'],
    section: 'Endpoint',
    help: 'the full metrics URL, used as is (nothing appended); beats --endpoint',
    meaning: 'the full metrics URL, used as is (nothing appended); beats `--endpoint`',
  },
  backend: {
    flag: 'backend',
    value: 'B',
    type: 'string',
    input: 'backend',
    env: [],
    parse: parseBackend,
    default: 'otlp',
    section: 'Endpoint',
    help: `what the endpoint is, for the URL path, temporality and age limit it needs: ${describePresets()}; otlp changes nothing; flags and variables still win`,
    meaning: `${BACKENDS.map((b) => `\`${b}\``).join(', ')}: sets the path appended to the base URL, the default temporality and the default \`--max-age\` ([Backends](#backends))`,
  },
  headers: {
    flag: 'headers',
    value: 'k=v,...',
    type: 'string',
    input: 'headers',
    env: ['OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS'],
    section: 'Endpoint',
    help: 'request headers, separated by commas or line breaks, values percent-decoded; merged by name with the variables, the flag first',
    meaning:
      'request headers, separated by commas or line breaks, values percent-decoded; merged by name with the variables, the flag first',
  },
  certificate: {
    flag: 'certificate',
    value: 'PATH',
    type: 'string',
    env: ['OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CERTIFICATE'],
    parse: readCertificateFile,
    section: 'Endpoint',
    help: "PEM file of the CA (or self-signed certificate) to trust for an https endpoint, besides the system's",
    meaning:
      "PEM file of the CA (or self-signed certificate) to trust for an `https` endpoint, besides the system's",
  },
  clientCertificate: {
    flag: 'client-certificate',
    value: 'PATH',
    type: 'string',
    env: ['OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE', 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE'],
    parse: readCertificateFile,
    section: 'Endpoint',
    help: 'PEM file of the client certificate for mutual TLS (with --client-key, unless the file holds the key too)',
    meaning:
      'PEM file of the client certificate for mutual TLS (with `--client-key`, unless the file holds the key too)',
  },
  clientKey: {
    flag: 'client-key',
    value: 'PATH',
    type: 'string',
    env: ['OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY', 'OTEL_EXPORTER_OTLP_CLIENT_KEY'],
    parse: readKeyFile,
    section: 'Endpoint',
    help: "PEM file of the client certificate's private key, unencrypted",
    meaning: "PEM file of the client certificate's private key, unencrypted",
  },
  protocol: {
    flag: 'protocol',
    value: 'P',
    type: 'string',
    input: 'protocol',
    env: ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    parse: parseProtocol,
    default: 'http/protobuf',
    section: 'Endpoint',
    help: 'http/protobuf or http/json; gRPC is not supported',
    meaning: '`http/protobuf` or `http/json`; `grpc` is refused',
  },
  compression: {
    flag: 'compression',
    value: 'C',
    type: 'string',
    input: 'compression',
    env: ['OTEL_EXPORTER_OTLP_METRICS_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION'],
    parse: parseCompression,
    default: 'gzip',
    section: 'Endpoint',
    help: 'gzip or none',
    meaning: '`gzip` or `none`',
  },
  timeout: {
    flag: 'timeout',
    value: 'MS',
    type: 'string',
    input: 'timeout',
    env: ['OTEL_EXPORTER_OTLP_METRICS_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
    // The variables are in milliseconds too; the unit in the error tells a user who wrote "10s".
    parse: withUnit('milliseconds', wholeNumber(1, 600_000)),
    default: 10_000,
    section: 'Endpoint',
    help: 'per attempt, in milliseconds',
    meaning: 'per attempt, in milliseconds',
  },
  retryBudget: {
    flag: 'retry-budget',
    value: 'D',
    type: 'string',
    input: 'retry-budget',
    env: [],
    parse: parseDuration,
    default: 120_000,
    defaultText: '120s',
    section: 'Endpoint',
    help: 'how long one request may keep retrying transient failures (429, 502-504, dropped connections, timeouts), waits included (30s, 2m, 1h)',
    meaning:
      'how long one request may keep retrying transient failures (429, 502-504, dropped connections, timeouts), waits included',
  },
  temporality: {
    flag: 'temporality',
    value: 'T',
    type: 'string',
    input: 'temporality',
    env: ['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'],
    parse: parseTemporality,
    default: 'delta',
    section: 'Endpoint',
    help: "delta (each point counts its own events, as tokf's live exporter sends) or cumulative (running totals per series, kept in the database across runs; what Prometheus and Mimir take); lowmemory means delta; --backend may change the default",
    meaning:
      "`delta` (each point counts its own events, as tokf's live exporter sends) or `cumulative` (running totals per series, kept in the database across runs: what Prometheus and Mimir take); `lowmemory` means delta; `--backend` may change the default",
  },
  batchSize: {
    flag: 'batch-size',
    value: 'N',
    type: 'string',
    input: 'batch-size',
    env: [],
    parse: wholeNumber(1, MAX_BATCH_SIZE),
    default: 2000,
    section: 'Endpoint',
    help: `events per request (1 to ${MAX_BATCH_SIZE}); a request is also split to stay under ${MAX_REQUEST_MIB} MiB`,
    meaning: `events per request (1 to ${MAX_BATCH_SIZE}); a request is also split to stay under ${MAX_REQUEST_MIB} MiB`,
  },
  maxConsecutiveFailures: {
    flag: 'max-consecutive-failures',
    value: 'N',
    type: 'string',
    input: 'max-consecutive-failures',
    env: [],
    parse: wholeNumber(1, 1_000_000),
    default: 5,
    section: 'Endpoint',
    help: 'circuit breaker: stop sending after N events in a row were refused; the rest stay pending',
    meaning: 'circuit breaker: stop sending after N events in a row were refused',
  },
  serviceName: {
    flag: 'service-name',
    value: 'NAME',
    type: 'string',
    input: 'service-name',
    env: ['OTEL_RESOURCE_ATTRIBUTES'],
    defaultText: "tokf's own rules",
    section: 'Resource',
    help: "resource service.name; else service.name in --resource-attributes; else as tokf's live export names it: service.name in OTEL_RESOURCE_ATTRIBUTES (as written, the first one), else service_name in the [telemetry] table of tokf's config.toml ($TOKF_HOME/config.toml, else ~/.config/tokf/config.toml), else tokf; OTEL_SERVICE_NAME is not read, as tokf does not read it",
    meaning:
      "resource `service.name`; else `service.name` in `--resource-attributes`; else as tokf's live export names it ([Resource](#resource)): `service.name` in the variable, else `service_name` in `[telemetry]` of tokf's `config.toml`, else `tokf`. `OTEL_SERVICE_NAME` is not read, as tokf does not read it",
  },
  serviceVersion: {
    flag: 'service-version',
    value: 'V',
    type: 'string',
    input: 'service-version',
    env: [],
    section: 'Resource',
    help: "resource service.version (else service.version in --resource-attributes); none by default: tokf's live export sends its own version, which its rows do not record",
    meaning:
      "resource `service.version` (else `service.version` in `--resource-attributes`); none by default: tokf's live export sends its own version, which the rows do not record ([Resource](#resource))",
  },
  resourceAttributes: {
    flag: 'resource-attributes',
    value: 'k=v,...',
    type: 'string',
    input: 'resource-attributes',
    env: ['OTEL_RESOURCE_ATTRIBUTES'],
    section: 'Resource',
    help: "more resource attributes, values percent-decoded; they replace the variable's by key; of the variable, service.namespace, service.instance.id and service.version are not taken (tokf's live export never sends them, so they would make other series)",
    meaning:
      "more resource attributes, values percent-decoded; they replace the variable's by key. Of the variable, `service.namespace`, `service.instance.id` and `service.version` are not taken: tokf's live export never sends them",
  },
  otlpJsonOut: {
    flag: 'otlp-json-out',
    value: 'DIR',
    type: 'string',
    env: [],
    parse: asWritten,
    section: 'Output',
    help: 'also write what was sent (or would be) to DIR/metrics.jsonl as OTLP JSON Lines (logs.jsonl, traces.jsonl for --signals logs, traces), and refused events to DIR/rejected-metrics.jsonl (and so on); with no endpoint these files are the whole job and nothing is marked delivered',
    meaning:
      'also write `DIR/metrics.jsonl` (below; `logs.jsonl`, `traces.jsonl` for those signals)',
  },
  openmetricsOut: {
    flag: 'openmetrics-out',
    value: 'DIR',
    type: 'string',
    env: [],
    parse: asWritten,
    section: 'Output',
    help: 'also write DIR/metrics.om: OpenMetrics text of the selected events as cumulative series named as Prometheus names OTLP metrics, for promtool tsdb create-blocks-from openmetrics (a backfill of what Prometheus refuses as too old)',
    meaning:
      'also write `DIR/metrics.om`, an OpenMetrics backfill for Prometheus-family backends (below)',
  },
  dryRun: {
    flag: 'dry-run',
    type: 'boolean',
    input: 'dry-run',
    env: [],
    section: 'Output',
    help: 'report what would be sent; send nothing, open the database read-only',
    meaning: 'report what would be sent; send nothing; the database is opened read-only',
  },
} as const satisfies Record<string, SettingSpec>;

type Specs = typeof SETTINGS;
export type SettingKey = keyof Specs;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** One setting, seen through the common shape (where every field may be asked for). */
export const specOf = (key: SettingKey): SettingSpec => SETTINGS[key];

/**
 * The settings as given, before validation: CLI flags, or the action's inputs, as strings.
 * Absent and empty both mean "not given", so that an action input left blank falls back to the
 * environment like an omitted flag does.
 */
export type SyncSettings = {
  [K in SettingKey]?: Specs[K]['type'] extends 'boolean' ? boolean : string;
};

/** The settings that the table's parser resolves, and what each resolves to. */
export type ParsedKey = {
  [K in SettingKey]: Specs[K] extends { parse: Parser<unknown> } ? K : never;
}[SettingKey];
/** What the setting's parser makes of a given value. */
export type ParsedValue<K extends ParsedKey> = Specs[K] extends { parse: Parser<infer T> }
  ? T
  : never;
export type Resolved<K extends ParsedKey> =
  ParsedValue<K> | (Specs[K] extends { default: infer D } ? D : undefined);

/**
 * How an error names a setting: `--limit` on the command line, `input "limit"` in the action, so
 * that each entry point's users read the name they typed.
 */
export type SettingLabel = (key: SettingKey) => string;
export const flagLabel: SettingLabel = (key) => `--${SETTINGS[key].flag}`;

/**
 * The settings an entry point was given, from one reader per setting (a flag's value, an input's
 * text). A value of the wrong kind for its setting is left out rather than passed on.
 */
export function settingsFrom(
  read: (spec: SettingSpec) => string | boolean | undefined,
): SyncSettings {
  const settings: Partial<Record<SettingKey, string | boolean>> = {};
  for (const key of SETTING_KEYS) {
    const spec = specOf(key);
    const value = read(spec);
    if (value !== undefined && typeof value === spec.type) settings[key] = value;
  }
  return settings as SyncSettings;
}

/** The flag as the docs write it: `--batch-size N`. */
export function flagUsage(doc: FlagDoc): string {
  return doc.value === undefined ? `--${doc.flag}` : `--${doc.flag} ${doc.value}`;
}

/** The default as the docs show it, or undefined for none (a switch is off). */
export function shownDefault(spec: SettingSpec): string | undefined {
  return spec.defaultText ?? (spec.default === undefined ? undefined : String(spec.default));
}
