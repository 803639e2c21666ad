import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { UsageError } from '../errors.js';
import { PRESETS, type Backend } from './backends.js';
import { withTls } from './build-config.js';
import { given, resolveEndpoint } from './endpoint.js';
import {
  GRIDCTL_ONLY_KEYS,
  parseReplayProtocol,
  REPLAY_SHARED_KEYS,
  type ReplaySettings,
} from './replay-settings.js';
import { flagLabel, SETTINGS, specOf, type ParsedKey, type SyncSettings } from './settings.js';
import { parseDuration } from './time-spec.js';
import {
  SIGNALS,
  type Compression,
  type EndpointConfig,
  type Protocol,
  type Signal,
  type Temporality,
} from './vocabulary.js';

type Env = NodeJS.ProcessEnv;

/** Everything one replay of OTLP JSON Lines files needs, validated. */
export interface JsonlConfig {
  /** The files and directories as given, in order. */
  paths: string[];
  /** Where each signal is sent; empty on a dry run. */
  endpoints: Partial<Record<Signal, EndpointConfig>>;
  compression: Compression;
  timeoutMs: number;
  retryBudgetMs: number;
  maxConsecutiveFailures: number;
  /** Inclusive lower bound on a record's time, epoch ms. */
  since?: number;
  /** Exclusive upper bound on a record's time, epoch ms. */
  until?: number;
  dryRun: boolean;
  statePath: string;
  rejectsPath: string;
  /** What the user should know before reading the result, such as settings not applied. */
  warnings: string[];
  /** Set for `--gridctl`: the paths are gridctl telemetry directories. */
  gridctl?: GridctlReplay;
}

/** How a gridctl telemetry directory is replayed. */
export interface GridctlReplay {
  /** The signals whose files are sent; the others are not read. */
  signals: Signal[];
  /** What its metrics lines become: running totals or per-line gains. */
  temporality: Temporality;
  /** Metric points older than this (ms before the run) are not sent. */
  maxAgeMs?: number;
  /** Where metrics.om, the OpenMetrics backfill of the metrics lines read, is written. */
  openmetricsOut?: string;
  /** How the logs and metrics made of its lines are sent (its traces go as they are, JSON). */
  protocol: Protocol;
}

/**
 * Backends that take metrics only: their preset's path is for metrics, and a gridctl replay's
 * logs and traces need an endpoint of their own there.
 */
const METRICS_ONLY: ReadonlySet<Backend> = new Set(['prometheus', 'mimir', 'victoriametrics']);

/** `~/.gridctl/telemetry`, where gridctl keeps `<stack>/<server>/<signal>.jsonl`. */
export function defaultGridctlDir(home: string = homedir()): string {
  return join(home, '.gridctl', 'telemetry');
}

/**
 * The replay's config: shared settings parsed by the settings table's own parsers. The variables
 * tried are the general OTEL_EXPORTER_OTLP_* ones (the table's METRICS ones are for `sync`); the
 * endpoint and headers follow the per-signal rules of resolveEndpoint.
 */
export function buildJsonlConfig(
  settings: ReplaySettings,
  paths: readonly string[],
  env: Env,
  now: number,
): JsonlConfig {
  const gridctlGiven = settings.gridctl === true;
  if (!gridctlGiven) {
    const key = GRIDCTL_ONLY_KEYS.find((k) => given(settings[k]));
    if (key !== undefined)
      throw new UsageError(
        `${flagLabel(key)} applies to a gridctl directory (--gridctl); OTLP JSON Lines are sent as they are`,
      );
    if (paths.length === 0) throw new UsageError('replay needs at least one file or directory');
  }
  const protocol = settings.protocol;
  if (given(protocol) && !gridctlGiven) parseReplayProtocol(protocol, '--protocol', now);
  const lookUp = (key: ParsedKey): { value: unknown; source: string } | undefined => {
    const spec = specOf(key);
    const text = (settings as Record<string, unknown>)[key];
    if (typeof text === 'string' && given(text))
      return { value: spec.parse?.(text, flagLabel(key), now), source: flagLabel(key) };
    // The METRICS endpoint variables are sync's; its temporality preference is gridctl's too.
    const own = (v: string) => !v.includes('_METRICS_') || v.endsWith('_TEMPORALITY_PREFERENCE');
    for (const variable of spec.env.filter(own)) {
      const value = env[variable];
      if (given(value)) return { value: spec.parse?.(value, variable, now), source: variable };
    }
    return undefined;
  };
  const read = <T>(key: ParsedKey): T => (lookUp(key)?.value ?? specOf(key).default) as T;
  const since = read<number | undefined>('since');
  const until = read<number | undefined>('until');
  if (since !== undefined && until !== undefined && until <= since) {
    throw new UsageError(
      '--until must be later than --since (since is inclusive, until exclusive)',
    );
  }
  const dryRun = settings.dryRun === true;
  const endpoints: Partial<Record<Signal, EndpointConfig>> = {};
  const shared = pick(settings);
  const backend: Backend = gridctlGiven ? read<Backend>('backend') : 'otlp';
  const preset = PRESETS[backend];
  // `none` (null) lifts a preset's limit as well.
  const maxAgeGiven = gridctlGiven ? lookUp('maxAge') : undefined;
  const maxAgeMs =
    maxAgeGiven === undefined
      ? preset.maxAge === undefined
        ? undefined
        : parseDuration(preset.maxAge, flagLabel('backend'))
      : ((maxAgeGiven.value as number | null) ?? undefined);
  const openmetricsOut = gridctlGiven ? lookUp('openmetricsOut')?.value : undefined;
  const gridctl: GridctlReplay | undefined = gridctlGiven
    ? {
        protocol: gridctlProtocol(protocol, env, now),
        ...(maxAgeMs !== undefined && { maxAgeMs }),
        ...(typeof openmetricsOut === 'string' && { openmetricsOut }),
        signals: given(settings.signals)
          ? (specOf('signals').parse?.(settings.signals, flagLabel('signals'), now) as Signal[])
          : [...SIGNALS],
        temporality:
          (lookUp('temporality')?.value as Temporality | undefined) ??
          preset.temporality ??
          SETTINGS.temporality.default,
      }
    : undefined;
  let files: ReturnType<typeof tlsFiles> | undefined;
  const tlsFiles = () => ({
    ca: found(lookUp('certificate')),
    cert: found(lookUp('clientCertificate')),
    key: found(lookUp('clientKey')),
  });
  for (const signal of SIGNALS) {
    if (gridctl !== undefined && !gridctl.signals.includes(signal)) continue;
    // A metrics-only backend's URL is no place for logs and traces: only their own variables are.
    const otherPlace =
      METRICS_ONLY.has(backend) && signal !== 'metrics'
        ? given(env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`])
        : true;
    if (!otherPlace) continue;
    const resolved = resolveEndpoint(
      shared,
      env,
      flagLabel,
      signal === 'metrics' ? preset.path : '',
      signal,
      'replay',
    );
    const endpoint = withTls(resolved, () => (files ??= tlsFiles()), flagLabel);
    if (endpoint !== undefined) endpoints[signal] = endpoint;
  }
  if (Object.keys(endpoints).length === 0 && !dryRun) {
    throw new UsageError(
      'nothing to do: give --endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT), or --dry-run',
    );
  }
  if (gridctl !== undefined && !dryRun) {
    const missing = gridctl.signals.find((s) => endpoints[s] === undefined);
    if (missing !== undefined) {
      const variable = `OTEL_EXPORTER_OTLP_${missing.toUpperCase()}_ENDPOINT`;
      throw new UsageError(
        METRICS_ONLY.has(backend)
          ? `--backend ${backend} takes metrics only: give ${variable} for gridctl's ${missing}, or leave them out with --signals`
          : `no endpoint for gridctl's ${missing}: give --endpoint, OTEL_EXPORTER_OTLP_ENDPOINT or ${variable}, or leave them out with --signals`,
      );
    }
  }
  const statePath = given(settings.state) ? settings.state : defaultStatePath(env);
  return {
    paths: gridctlGiven && paths.length === 0 ? [defaultGridctlDir()] : [...paths],
    endpoints: dryRun ? {} : endpoints,
    compression: read<Compression>('compression'),
    timeoutMs: read<number>('timeout'),
    retryBudgetMs: read<number>('retryBudget'),
    maxConsecutiveFailures: read<number>('maxConsecutiveFailures'),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
    dryRun,
    statePath,
    rejectsPath: given(settings.rejects) ? settings.rejects : defaultRejectsPath(statePath),
    // A protocol given on the command line is the user's choice: nothing there to surprise them.
    warnings: given(protocol) || gridctlGiven ? [] : protocolWarnings(env),
    ...(gridctl !== undefined && { gridctl }),
  };
}

/**
 * gridctl's logs and metrics are made into OTLP here, so either encoding can be sent: --protocol,
 * else OTEL_EXPORTER_OTLP_PROTOCOL, else protobuf, as for sync (VictoriaMetrics takes only that).
 */
function gridctlProtocol(flag: string | undefined, env: Env, now: number): Protocol {
  const parse = specOf('protocol').parse!;
  if (given(flag)) return parse(flag, '--protocol', now) as Protocol;
  const variable = env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (given(variable)) return parse(variable, 'OTEL_EXPORTER_OTLP_PROTOCOL', now) as Protocol;
  return 'http/protobuf';
}

/**
 * The protocol variables are shared with every OpenTelemetry tool of the environment, so one set
 * to protobuf is no mistake of the replay's user; but it is not applied, which they should hear.
 */
function protocolWarnings(env: Env): string[] {
  const variables = [
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    ...SIGNALS.map((s) => `OTEL_EXPORTER_OTLP_${s.toUpperCase()}_PROTOCOL`),
  ];
  const other = variables.filter((v) => {
    const value = env[v];
    return given(value) && value.trim().toLowerCase() !== 'http/json';
  });
  if (other.length === 0) return [];
  const set = other.map((v) => `${v}=${env[v]!.trim()}`).join(', ');
  return [`${set} not applied: replay sends each line as it is, in OTLP/JSON (application/json)`];
}

/**
 * `$XDG_STATE_HOME/telemetry-sync/replay-state.db`, else `~/.local/state/...` (the XDG default),
 * on every platform: it is our own file, not tokf's.
 */
export function defaultStatePath(env: Env, home: string = homedir()): string {
  const xdg = env.XDG_STATE_HOME;
  const base = given(xdg) && isAbsolute(xdg) ? xdg : join(home, '.local', 'state');
  return join(base, 'telemetry-sync', 'replay-state.db');
}

/** Next to the state database: `replay-state.db` gives `replay-state.rejects.jsonl`. */
export function defaultRejectsPath(statePath: string): string {
  const name = statePath.slice(dirname(statePath).length).replace(/^[/\\]/, '');
  return join(dirname(statePath), `${name.replace(/\.db$/, '')}.rejects.jsonl`);
}

function pick(settings: ReplaySettings): SyncSettings {
  const out: Record<string, unknown> = {};
  for (const key of REPLAY_SHARED_KEYS) if (settings[key] !== undefined) out[key] = settings[key];
  return out as SyncSettings;
}

function found(
  value: { value: unknown; source: string } | undefined,
): { value: string; source: string } | undefined {
  return value === undefined ? undefined : { value: value.value as string, source: value.source };
}
