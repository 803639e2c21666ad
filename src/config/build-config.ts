import { UsageError } from '../errors.js';
import { PRESETS } from './backends.js';
import { defaultTokfDbPath } from './tokf-paths.js';
import { given, resolveEndpoint } from './endpoint.js';
import { parseKeyValueList } from './key-values.js';
import {
  flagLabel,
  SETTINGS,
  specOf,
  type ParsedKey,
  type ParsedValue,
  type Resolved,
  type SettingLabel,
  type SyncSettings,
} from './settings.js';
import { DEFAULT_MAX_REQUEST_BYTES, type EndpointConfig, type SyncConfig } from './sync-config.js';
import { parseDuration } from './time-spec.js';
import { holdsPrivateKey, keyFits, type TlsFiles } from './tls.js';

type Env = NodeJS.ProcessEnv;

/**
 * Validates the settings against the environment and returns the one config the engine runs on.
 * Flags (or action inputs) beat OTEL_* variables, which beat the backend preset's defaults, which
 * beat the general ones. Every bad value is a UsageError that names the flag or variable.
 */
export function buildSyncConfig(
  settings: SyncSettings,
  env: Env,
  now: number,
  label: SettingLabel = flagLabel,
): SyncConfig {
  /** The setting as given, parsed, with the name it was given by; undefined when not given. */
  const lookUp = <K extends ParsedKey>(
    key: K,
  ): { value: ParsedValue<K>; source: string } | undefined => {
    const spec = specOf(key);
    // Every parsed setting is a string one; only switches are booleans.
    const found = firstGiven(settings[key] as string | undefined, label(key), env, spec.env);
    if (found === undefined) return undefined;
    return { value: spec.parse?.(found[0], found[1], now) as ParsedValue<K>, source: found[1] };
  };
  const read = <K extends ParsedKey>(key: K): Resolved<K> =>
    lookUp(key)?.value ?? (specOf(key).default as Resolved<K>);
  const preset = PRESETS[read('backend')];
  const protocol = read('protocol');
  const compression = read('compression');
  const timeoutMs = read('timeout');
  const retryBudgetMs = read('retryBudget');
  const temporality =
    lookUp('temporality')?.value ?? preset.temporality ?? SETTINGS.temporality.default;
  const batchSize = read('batchSize');
  const limit = read('limit');
  const since = read('since');
  const until = read('until');
  if (since !== undefined && until !== undefined && until <= since) {
    throw new UsageError(
      `${label('until')} must be later than ${label('since')} (since is inclusive, until exclusive)`,
    );
  }
  // `none` (null) lifts a preset's limit as well.
  const maxAgeGiven = lookUp('maxAge');
  const presetMaxAgeMs =
    preset.maxAge === undefined ? undefined : parseDuration(preset.maxAge, label('backend'));
  const maxAgeMs = maxAgeGiven === undefined ? presetMaxAgeMs : (maxAgeGiven.value ?? undefined);
  const maxConsecutiveFailures = read('maxConsecutiveFailures');
  const endpoint = withTls(
    resolveEndpoint(settings, env, label, preset.path),
    () => ({
      ca: lookUp('certificate'),
      cert: lookUp('clientCertificate'),
      key: lookUp('clientKey'),
    }),
    label,
  );
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

type Found = { value: string; source: string } | undefined;

/**
 * The endpoint with its TLS files. They are read only when there is an endpoint: the variables may
 * be set for other programs, and a file export has no use for them.
 */
function withTls(
  endpoint: EndpointConfig | undefined,
  lookUpFiles: () => { ca: Found; cert: Found; key: Found },
  label: SettingLabel,
): EndpointConfig | undefined {
  if (endpoint === undefined) return undefined;
  const { ca, cert, key } = lookUpFiles();
  if (cert !== undefined && key === undefined && !holdsPrivateKey(cert.value)) {
    throw new UsageError(
      `${cert.source}: a client certificate needs its private key: give ${label('clientKey')} or OTEL_EXPORTER_OTLP_CLIENT_KEY`,
    );
  }
  if (key !== undefined && cert === undefined) {
    throw new UsageError(
      `${key.source}: a client key needs its certificate: give ${label('clientCertificate')} or OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`,
    );
  }
  if (cert !== undefined && key !== undefined && !keyFits(cert.value, key.value)) {
    throw new UsageError(
      `${key.source}: this key does not belong to the client certificate (${cert.source})`,
    );
  }
  const tls: TlsFiles = {
    ...(ca !== undefined && { ca: ca.value }),
    ...(cert !== undefined && { cert: cert.value, key: key?.value ?? cert.value }),
  };
  return Object.keys(tls).length === 0 ? endpoint : { ...endpoint, tls };
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
