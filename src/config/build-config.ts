import { UsageError } from '../errors.js';
import { PRESETS } from './backends.js';
import { tokfServiceName, type NamedSource } from './tokf-config.js';
import { defaultTokfDbPath } from './tokf-paths.js';
import { given, resolveEndpoint } from './endpoint.js';
import type { EndpointConfig, Signal, TlsFiles } from './vocabulary.js';
import { parseKeyValueList } from './key-values.js';
import {
  DEFAULT_MAX_REQUEST_BYTES,
  flagLabel,
  SETTINGS,
  specOf,
  type ParsedKey,
  type ParsedValue,
  type Resolved,
  type SettingLabel,
  type SyncSettings,
} from './settings.js';
import type { SyncConfig } from './sync-config.js';
import { parseDuration } from './time-spec.js';
import { holdsPrivateKey, keyFits } from './tls.js';

type Env = NodeJS.ProcessEnv;

/** What each event is sent as when --signals is not given. */
export const DEFAULT_SIGNALS: readonly Signal[] = ['metrics'];

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
  const lookUp = <K extends ParsedKey>(key: K) => lookUpSetting(key, settings, env, now, label);
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
  const silentHorizon =
    preset.dropsOlderSilently === true && presetMaxAgeMs !== undefined
      ? { backend: read('backend'), ageMs: presetMaxAgeMs }
      : undefined;
  const maxConsecutiveFailures = read('maxConsecutiveFailures');
  const tlsFiles = () => ({
    ca: lookUp('certificate'),
    cert: lookUp('clientCertificate'),
    key: lookUp('clientKey'),
  });
  const signals = lookUp('signals')?.value ?? [...DEFAULT_SIGNALS];
  const endpoint = withTls(resolveEndpoint(settings, env, label, preset.path), tlsFiles, label);
  const endpoints: Partial<Record<Signal, EndpointConfig>> = {};
  for (const signal of signals) {
    if (signal === 'metrics') continue;
    const found = withTls(
      resolveEndpoint(settings, env, label, preset.path, signal),
      tlsFiles,
      label,
    );
    if (found !== undefined) endpoints[signal] = found;
  }
  const dryRun = settings.dryRun === true;
  const otlpJsonOut = read('otlpJsonOut');
  const openmetricsOut = read('openmetricsOut');
  const sendingSignals = signals.filter((s) => (s === 'metrics' ? endpoint : endpoints[s]));
  if (sendingSignals.length > 0 && sendingSignals.length < signals.length) {
    const missing = signals.find((s) => !sendingSignals.includes(s)) as Signal;
    throw new UsageError(
      `${label('signals')}: no endpoint for ${missing}: give ${label('endpoint')} or OTEL_EXPORTER_OTLP_${missing.toUpperCase()}_ENDPOINT`,
    );
  }
  if (
    sendingSignals.length === 0 &&
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
    ...(silentHorizon !== undefined && { silentHorizon }),
    retryRejected: settings.retryRejected === true,
    maxConsecutiveFailures,
    ...resolveResource(settings, env, label),
    builtins: read('builtins'),
    ...(otlpJsonOut !== undefined && { otlpJsonOut }),
    ...(openmetricsOut !== undefined && { openmetricsOut }),
    signals,
    otherSignals: {
      endpoints,
      ...(maxAgeGiven?.value != null && { maxAgeMs: maxAgeGiven.value }),
    },
  };
}

type Found = { value: string; source: string } | undefined;

/**
 * The endpoint with its TLS files. They are read only when there is an endpoint: the variables may
 * be set for other programs, and a file export has no use for them.
 */
export function withTls(
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
/**
 * The setting as given (flag or input, else its variables), parsed, with the name it was given
 * by; undefined when not given. Throws UsageError as buildSyncConfig would.
 */
export function lookUpSetting<K extends ParsedKey>(
  key: K,
  settings: SyncSettings,
  env: Env,
  now: number,
  label: SettingLabel,
): { value: ParsedValue<K>; source: string } | undefined {
  const spec = specOf(key);
  // Every parsed setting is a string one; only switches are booleans.
  const found = firstGiven(settings[key] as string | undefined, label(key), env, spec.env);
  if (found === undefined) return undefined;
  return { value: spec.parse?.(found[0], found[1], now) as ParsedValue<K>, source: found[1] };
}

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

/**
 * The resource, named as tokf's live export names it so that the replayed series continue the
 * live ones: service.name from --service-name, else `service.name` in --resource-attributes, else
 * by tokf's own rules (OTEL_RESOURCE_ATTRIBUTES as tokf reads it, tokf's config.toml, `tokf`);
 * OTEL_SERVICE_NAME is not read, as tokf does not read it. Of OTEL_RESOURCE_ATTRIBUTES the other
 * attributes are taken, except those that name the service, which tokf's live export never sends
 * from it (service.namespace, service.instance.id, service.version): given there, they would make
 * other series than the live ones. --resource-attributes is taken whole.
 */
function resolveResource(
  settings: SyncSettings,
  env: Env,
  label: SettingLabel,
): { resource: Record<string, string>; serviceNameFrom: string } {
  const fromEnv = given(env.OTEL_RESOURCE_ATTRIBUTES)
    ? parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES')
    : new Map<string, string>();
  for (const key of NOT_FROM_ENV) fromEnv.delete(key);
  const fromFlag = given(settings.resourceAttributes)
    ? parseKeyValueList(settings.resourceAttributes, label('resourceAttributes'))
    : new Map<string, string>();
  const attributes = Object.fromEntries([...fromEnv, ...fromFlag]);
  const flagName = fromFlag.get('service.name');
  const service: NamedSource = given(settings.serviceName)
    ? { name: settings.serviceName.trim(), from: label('serviceName') }
    : flagName !== undefined
      ? { name: flagName.trim(), from: `service.name in ${label('resourceAttributes')}` }
      : tokfServiceName(env);
  attributes['service.name'] = service.name;
  if (given(settings.serviceVersion))
    attributes['service.version'] = settings.serviceVersion.trim();
  const ignored = given(env.OTEL_SERVICE_NAME) && env.OTEL_SERVICE_NAME !== service.name;
  return {
    resource: attributes,
    serviceNameFrom: ignored
      ? `${service.from}; OTEL_SERVICE_NAME is not read, as tokf does not read it`
      : service.from,
  };
}

/** What tokf's live export never takes from OTEL_RESOURCE_ATTRIBUTES, and neither do we. */
const NOT_FROM_ENV = [
  'service.name',
  'service.namespace',
  'service.instance.id',
  'service.version',
];
