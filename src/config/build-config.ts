import { UsageError } from '../errors.js';
import { defaultTokfDbPath } from './tokf-paths.js';
import { given, resolveEndpoint } from './endpoint.js';
import { parseKeyValueList } from './key-values.js';
import {
  flagLabel,
  SETTINGS,
  specOf,
  type ParsedKey,
  type Resolved,
  type SettingLabel,
  type SyncSettings,
} from './settings.js';
import { DEFAULT_MAX_REQUEST_BYTES, type SyncConfig } from './sync-config.js';

type Env = NodeJS.ProcessEnv;

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
  const read = <K extends ParsedKey>(key: K): Resolved<K> => {
    const spec = specOf(key);
    // Every parsed setting is a string one; only switches are booleans.
    const found = firstGiven(settings[key] as string | undefined, label(key), env, spec.env);
    const value = found === undefined ? spec.default : spec.parse?.(found[0], found[1], now);
    return value as Resolved<K>;
  };
  const protocol = read('protocol');
  const compression = read('compression');
  const timeoutMs = read('timeout');
  const retryBudgetMs = read('retryBudget');
  const temporality = read('temporality');
  const batchSize = read('batchSize');
  const limit = read('limit');
  const since = read('since');
  const until = read('until');
  if (since !== undefined && until !== undefined && until <= since) {
    throw new UsageError(
      `${label('until')} must be later than ${label('since')} (since is inclusive, until exclusive)`,
    );
  }
  const maxAgeMs = read('maxAge');
  const maxConsecutiveFailures = read('maxConsecutiveFailures');
  const endpoint = resolveEndpoint(settings, env, label);
  const dryRun = settings.dryRun === true;
  const otlpJsonOut = read('otlpJsonOut');
  const openmetricsOut = read('openmetricsOut');
  if (
    endpoint === undefined &&
    otlpJsonOut === undefined &&
    openmetricsOut === undefined &&
    !dryRun
  ) {
    throw new UsageError(
      `nothing to do: give ${label('endpoint')} (or OTEL_EXPORTER_OTLP_ENDPOINT), ${label('otlpJsonOut')}, or ${label('dryRun')}`,
    );
  }
  return {
    dbPath: given(settings.db) ? settings.db : defaultTokfDbPath(env),
    ...(endpoint !== undefined && { endpoint }),
    protocol,
    compression,
    timeoutMs,
    retryBudgetMs,
    temporality,
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
    ...(openmetricsOut !== undefined && { openmetricsOut }),
  };
}

/** The first given value among setting and variables, with the name to blame if it is bad. */
function firstGiven(
  value: string | undefined,
  name: string,
  env: Env,
  variables: readonly string[],
): [string, string] | undefined {
  if (given(value)) return [value, name];
  for (const variable of variables) {
    const fromEnv = env[variable];
    if (given(fromEnv)) return [fromEnv, variable];
  }
  return undefined;
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
    ? parseKeyValueList(settings.resourceAttributes, label('resourceAttributes'))
    : new Map<string, string>();
  // Flags beat the environment; within each, the dedicated name beats the attribute list.
  const serviceName = [
    settings.serviceName,
    fromFlag.get('service.name'),
    env.OTEL_SERVICE_NAME,
    fromEnv.get('service.name'),
  ].find(given);
  const attributes = Object.fromEntries([...fromEnv, ...fromFlag]);
  attributes['service.name'] = serviceName?.trim() ?? SETTINGS.serviceName.default;
  if (given(settings.serviceVersion))
    attributes['service.version'] = settings.serviceVersion.trim();
  return attributes;
}
