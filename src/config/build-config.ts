import { UsageError } from '../errors.js';
import { defaultTokfDbPath } from '../source/tokf-paths.js';
import { given, resolveEndpoint } from './endpoint.js';
import { parseKeyValueList } from './key-values.js';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_SERVICE_NAME,
  DEFAULT_TIMEOUT_MS,
  type Compression,
  flagLabel,
  type Protocol,
  type SettingLabel,
  type SyncConfig,
  type SyncSettings,
} from './sync-config.js';
import { parseDuration, parseTimeSpec } from './time-spec.js';

type Env = NodeJS.ProcessEnv;

const MAX_BATCH_SIZE = 100_000;

/**
 * Validates the settings against the environment and returns the one config the engine runs on.
 * Flags (or action inputs) beat OTEL_* variables, which beat defaults. Every bad value is a
 * UsageError that names the flag or variable.
 */
export function buildSyncConfig(
  settings: SyncSettings,
  env: Env,
  now: number,
  label: SettingLabel = flagLabel,
): SyncConfig {
  const protocol = resolveProtocol(settings, env, label);
  const compression = resolveCompression(settings, env, label);
  const timeoutMs = resolveTimeout(settings, env, label);
  const batchSize = given(settings.batchSize)
    ? parseWholeNumber(settings.batchSize, label('batch-size'), 1, MAX_BATCH_SIZE)
    : DEFAULT_BATCH_SIZE;
  const limit = given(settings.limit)
    ? parseWholeNumber(settings.limit, label('limit'), 1, Number.MAX_SAFE_INTEGER)
    : undefined;
  const since = given(settings.since)
    ? parseTimeSpec(settings.since, label('since'), now)
    : undefined;
  const until = given(settings.until)
    ? parseTimeSpec(settings.until, label('until'), now)
    : undefined;
  if (since !== undefined && until !== undefined && until <= since) {
    throw new UsageError(
      `${label('until')} must be later than ${label('since')} (since is inclusive, until exclusive)`,
    );
  }
  const maxAgeMs = given(settings.maxAge)
    ? parseDuration(settings.maxAge, label('max-age'))
    : undefined;
  const maxConsecutiveFailures = given(settings.maxConsecutiveFailures)
    ? parseWholeNumber(
        settings.maxConsecutiveFailures,
        label('max-consecutive-failures'),
        1,
        1_000_000,
      )
    : DEFAULT_MAX_CONSECUTIVE_FAILURES;
  const endpoint = resolveEndpoint(settings, env, label);
  const dryRun = settings.dryRun === true;
  const otlpJsonOut = given(settings.otlpJsonOut) ? settings.otlpJsonOut : undefined;
  if (endpoint === undefined && otlpJsonOut === undefined && !dryRun) {
    throw new UsageError(
      `nothing to do: give ${label('endpoint')} (or OTEL_EXPORTER_OTLP_ENDPOINT), ${label('otlp-json-out')}, or ${label('dry-run')}`,
    );
  }
  return {
    dbPath: given(settings.db) ? settings.db : defaultTokfDbPath(env),
    ...(endpoint !== undefined && { endpoint }),
    protocol,
    compression,
    timeoutMs,
    batchSize,
    maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
    ...(limit !== undefined && { limit }),
    dryRun,
    ...(maxAgeMs !== undefined && { maxAgeMs }),
    retryRejected: settings.retryRejected === true,
    maxConsecutiveFailures,
    resource: resolveResource(settings, env, label),
    ...(otlpJsonOut !== undefined && { otlpJsonOut }),
  };
}

/** The first given value among flag and variables, with the name to blame if it is bad. */
function firstGiven(
  flagValue: string | undefined,
  flag: string,
  env: Env,
  names: string[],
): [string, string] | undefined {
  if (given(flagValue)) return [flagValue.trim(), flag];
  for (const name of names) {
    const value = env[name];
    if (given(value)) return [value.trim(), name];
  }
  return undefined;
}

function resolveProtocol(settings: SyncSettings, env: Env, label: SettingLabel): Protocol {
  const found = firstGiven(settings.protocol, label('protocol'), env, [
    'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
    'OTEL_EXPORTER_OTLP_PROTOCOL',
  ]);
  if (found === undefined) return 'http/protobuf';
  const [value, source] = found;
  const lower = value.toLowerCase();
  if (lower === 'http/protobuf' || lower === 'http/json') return lower;
  if (lower === 'grpc') {
    throw new UsageError(
      `${source}: gRPC is not supported; use http/protobuf (the default) or http/json against the endpoint's OTLP/HTTP port (usually 4318)`,
    );
  }
  throw new UsageError(`${source}: "${value}" is not a protocol (use http/protobuf or http/json)`);
}

function resolveCompression(settings: SyncSettings, env: Env, label: SettingLabel): Compression {
  const found = firstGiven(settings.compression, label('compression'), env, [
    'OTEL_EXPORTER_OTLP_METRICS_COMPRESSION',
    'OTEL_EXPORTER_OTLP_COMPRESSION',
  ]);
  if (found === undefined) return 'gzip';
  const [value, source] = found;
  const lower = value.toLowerCase();
  if (lower === 'gzip' || lower === 'none') return lower;
  throw new UsageError(`${source}: "${value}" is not a compression (use gzip or none)`);
}

function resolveTimeout(settings: SyncSettings, env: Env, label: SettingLabel): number {
  const found = firstGiven(settings.timeout, label('timeout'), env, [
    'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT',
    'OTEL_EXPORTER_OTLP_TIMEOUT',
  ]);
  if (found === undefined) return DEFAULT_TIMEOUT_MS;
  return parseWholeNumber(found[0], `${found[1]} (milliseconds)`, 1, 600_000);
}

function resolveResource(
  settings: SyncSettings,
  env: Env,
  label: SettingLabel,
): Record<string, string> {
  const fromEnv = given(env.OTEL_RESOURCE_ATTRIBUTES)
    ? parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES')
    : new Map<string, string>();
  const fromFlag = given(settings.resourceAttributes)
    ? parseKeyValueList(settings.resourceAttributes, label('resource-attributes'))
    : new Map<string, string>();
  // Flags beat the environment; within each, the dedicated name beats the attribute list.
  const serviceName = [
    settings.serviceName,
    fromFlag.get('service.name'),
    env.OTEL_SERVICE_NAME,
    fromEnv.get('service.name'),
  ].find(given);
  const attributes = Object.fromEntries([...fromEnv, ...fromFlag]);
  attributes['service.name'] = serviceName?.trim() ?? DEFAULT_SERVICE_NAME;
  if (given(settings.serviceVersion))
    attributes['service.version'] = settings.serviceVersion.trim();
  return attributes;
}

function parseWholeNumber(text: string, source: string, min: number, max: number): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) {
    throw new UsageError(`${source}: "${text}" is not a whole number`);
  }
  const value = Number(trimmed);
  if (value < min || value > max) {
    throw new UsageError(`${source}: ${value} is out of range (${min} to ${max})`);
  }
  return value;
}
