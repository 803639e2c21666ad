import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { UsageError } from '../errors.js';
import { withTls } from './build-config.js';
import { given, resolveEndpoint, type Signal } from './endpoint.js';
import { parseReplayProtocol, REPLAY_SHARED_KEYS, type ReplaySettings } from './replay-settings.js';
import { flagLabel, specOf, type ParsedKey, type SyncSettings } from './settings.js';
import type { Compression, EndpointConfig } from './sync-config.js';

type Env = NodeJS.ProcessEnv;

export const SIGNALS: readonly Signal[] = ['metrics', 'logs', 'traces'];

/** Everything one replay of OTLP JSON Lines files needs, validated. */
export interface ReplayConfig {
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
}

/**
 * The replay's config: shared settings parsed by the settings table's own parsers. The variables
 * tried are the general OTEL_EXPORTER_OTLP_* ones (the table's METRICS ones are for `sync`); the
 * endpoint and headers follow the per-signal rules of resolveEndpoint.
 */
export function buildReplayConfig(
  settings: ReplaySettings,
  paths: readonly string[],
  env: Env,
  now: number,
): ReplayConfig {
  if (paths.length === 0) throw new UsageError('replay needs at least one file or directory');
  const protocol = settings.protocol;
  if (given(protocol)) parseReplayProtocol(protocol, '--protocol', now);
  const lookUp = (key: ParsedKey): { value: unknown; source: string } | undefined => {
    const spec = specOf(key);
    const text = (settings as Record<string, unknown>)[key];
    if (typeof text === 'string' && given(text))
      return { value: spec.parse?.(text, flagLabel(key), now), source: flagLabel(key) };
    for (const variable of spec.env.filter((v) => !v.includes('_METRICS_'))) {
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
  let files: ReturnType<typeof tlsFiles> | undefined;
  const tlsFiles = () => ({
    ca: found(lookUp('certificate')),
    cert: found(lookUp('clientCertificate')),
    key: found(lookUp('clientKey')),
  });
  for (const signal of SIGNALS) {
    const resolved = resolveEndpoint(shared, env, flagLabel, '', signal, 'replay');
    const endpoint = withTls(resolved, () => (files ??= tlsFiles()), flagLabel);
    if (endpoint !== undefined) endpoints[signal] = endpoint;
  }
  if (Object.keys(endpoints).length === 0 && !dryRun) {
    throw new UsageError(
      'nothing to do: give --endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT), or --dry-run',
    );
  }
  const statePath = given(settings.state) ? settings.state : defaultStatePath(env);
  return {
    paths: [...paths],
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
    warnings: given(protocol) ? [] : protocolWarnings(env),
  };
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
