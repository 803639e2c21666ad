import { UsageError } from '../errors.js';
import { endpointAdvice } from './endpoint-advice.js';
import { parseKeyValueList } from './key-values.js';
import { proxySecrets, readProxySettings } from './proxy.js';
import { secretForms } from './redact.js';
import {
  flagLabel,
  specOf,
  type SettingKey,
  type SettingLabel,
  type SyncSettings,
} from './settings.js';
import type { EndpointConfig, Signal } from './vocabulary.js';

type Env = NodeJS.ProcessEnv;

// RFC 9110 token: what a header name may contain.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The metrics endpoint by the OpenTelemetry rules: a base URL (flag or OTEL_EXPORTER_OTLP_ENDPOINT)
 * gets the backend's path and `v1/metrics` appended, a metrics URL (--metrics-endpoint or
 * OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) is used as is, and flags beat variables. One rule of ours
 * on top: a base URL that already ends in `/v1/metrics` is taken for the metrics URL it plainly
 * is, since appending would only make a path that answers 404. Headers merge general, then
 * per-signal, then flag values. For `signal` logs or traces (a replay of OTLP JSON Lines files),
 * the same rules with that signal's path and OTEL_EXPORTER_OTLP_<SIGNAL>_* variables. `command`
 * says whose settings the advice for a wrong endpoint may name (replay has no --backend).
 */
export function resolveEndpoint(
  settings: SyncSettings,
  env: Env,
  label: SettingLabel = flagLabel,
  backendPath = '',
  signal: Signal = 'metrics',
  command: 'sync' | 'replay' = 'sync',
): EndpointConfig | undefined {
  const signalVariable = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`;
  let url: URL | undefined;
  if (signal === 'metrics' && given(settings.metricsEndpoint)) {
    url = parseUrl(settings.metricsEndpoint, label('metricsEndpoint'));
  } else if (given(settings.endpoint)) {
    url = withSignalPath(parseUrl(settings.endpoint, label('endpoint')), backendPath, signal);
  } else if (given(env[signalVariable])) {
    url = parseUrl(env[signalVariable], signalVariable);
  } else if (given(env.OTEL_EXPORTER_OTLP_ENDPOINT)) {
    url = withSignalPath(
      parseUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT, 'OTEL_EXPORTER_OTLP_ENDPOINT'),
      backendPath,
      signal,
    );
  }
  const headers = resolveHeaders(settings, env, label, signal);
  if (url === undefined) return undefined;

  const secrets = Object.values(headers).filter((v) => v !== '');
  // Credentials in a URL are Basic auth, which is how they are sent: as a header, so that the URL
  // shown in reports and logs never carries them.
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    secrets.push(...[url.username, url.password, user, password].filter((v) => v !== ''));
    if (!hasHeader(headers, 'authorization')) {
      const basic = Buffer.from(`${user}:${password}`).toString('base64');
      headers.Authorization = `Basic ${basic}`;
      secrets.push(basic);
    }
    url.username = '';
    url.password = '';
  }
  // A query string is where some vendors put API keys.
  for (const value of url.searchParams.values()) if (value !== '') secrets.push(value);
  const proxies = readProxySettings(env);
  secrets.push(...proxySecrets(proxies));
  const hasOwnSetting = settingOf(label);
  const advice = endpointAdvice(url, signal, {
    ...(command === 'sync' && { backend: label('backend') }),
    signalEndpoint:
      command === 'sync' && signal === 'metrics' ? label('metricsEndpoint') : signalVariable,
    endpoint: label('endpoint'),
    // The action has no inputs for the TLS files, only the variables.
    ...(hasOwnSetting('certificate') && { certificate: label('certificate') }),
    ...(hasOwnSetting('clientCertificate') && { clientCertificate: label('clientCertificate') }),
    ...(hasOwnSetting('clientKey') && { clientKey: label('clientKey') }),
  });
  return {
    url: url.toString(),
    headers,
    // With the forms in which an endpoint may echo them back (base64, percent-encoded...).
    secrets: secretForms(secrets),
    advice,
    ...(proxies !== undefined && { proxies }),
  };
}

function resolveHeaders(
  settings: SyncSettings,
  env: Env,
  label: SettingLabel,
  signal: Signal,
): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  const signalVariable = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_HEADERS`;
  const layers: [string | undefined, string][] = [
    [env.OTEL_EXPORTER_OTLP_HEADERS, 'OTEL_EXPORTER_OTLP_HEADERS'],
    [env[signalVariable], signalVariable],
    [settings.headers, label('headers')],
  ];
  for (const [text, source] of layers) {
    if (!given(text)) continue;
    for (const [name, value] of parseKeyValueList(text, source)) {
      if (!HEADER_NAME.test(name)) {
        throw new UsageError(`${source}: "${name}" is not a valid HTTP header name`);
      }
      checkHeaderValue(value, name, source);
      // Header names are case-insensitive: a later layer replaces an earlier one whatever its case.
      merged.set(name.toLowerCase(), [name, value]);
    }
  }
  return Object.fromEntries(merged.values());
}

/**
 * A field value as HTTP allows it (RFC 9110 5.5: visible characters, space and tab, and bytes
 * 0x80-0xFF), checked here so that a bad one fails at once with the header named, not every request
 * later. The value itself is never echoed: it may be a secret.
 */
function checkHeaderValue(value: string, name: string, source: string): void {
  const bad = /[^\t\x20-\x7e\x80-\xff]/.exec(value);
  if (bad === null) return;
  const code = bad[0].codePointAt(0)!;
  const char = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const what =
    code === 0x0a || code === 0x0d
      ? `a line break (${char})`
      : code < 0x20 || code === 0x7f
        ? `a control character (${char})`
        : `a character HTTP headers cannot carry (${char}, outside Latin-1)`;
  throw new UsageError(
    `${source}: the value of "${name}" contains ${what} at position ${bad.index + 1}; HTTP header values may hold only visible characters, spaces and tabs`,
  );
}

/**
 * Whether the running command has a setting of its own for `key` besides the variables: every
 * flag is one, an action input only where the table names one.
 */
function settingOf(label: SettingLabel): (key: SettingKey) => boolean {
  return (key) => label === flagLabel || specOf(key).input !== undefined;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

// host:port with nothing before it, which URL would read as a scheme ("localhost:") and a path.
const HOST_PORT = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})(?=[/?#]|$)/;
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

function parseUrl(text: string, source: string): URL {
  const trimmed = text.trim();
  if (!HAS_SCHEME.test(trimmed)) {
    const hostPort = HOST_PORT.exec(trimmed);
    // Only a bare host and port is echoed: it cannot hold a credential, unlike the rest.
    if (hostPort !== null) {
      throw new UsageError(
        `${source}: "${hostPort[0]}" has no scheme; add http:// (or https:// for TLS): http://${hostPort[0]}`,
      );
    }
    // user:password@host would otherwise parse with "user" for a scheme.
    if (trimmed.includes('@')) {
      throw new UsageError(`${source}: the URL has no scheme; start it with http:// or https://`);
    }
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    // The text is not echoed: it may carry a token.
    throw new UsageError(`${source}: not a valid URL (expected http://host:4318 or https://...)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `${source}: scheme "${url.protocol.replace(/:$/, '')}" is not supported; OTLP/HTTP needs http or https`,
    );
  }
  return url;
}

/** The OTLP signals, each with its own path (`v1/metrics`, `v1/logs`, `v1/traces`). */
const SIGNAL_PATH = /\/v1\/(metrics|logs|traces)\/?$/;

/**
 * The base URL with the backend's path (unless the base ends in it already) and `/v1/<signal>`;
 * a URL that ends in `/v1/<signal>` is left alone, but for a trailing slash, which receivers
 * (Go's router among them) answer with 404. A URL that ends in another signal's path gets this
 * signal's path in its place (a replay of files sends every signal from one `--endpoint`).
 */
function withSignalPath(base: URL, backendPath: string, signal: Signal): URL {
  const url = new URL(base.toString());
  let path = url.pathname.replace(/\/+$/, '');
  const ending = SIGNAL_PATH.exec(url.pathname);
  if (ending !== null) {
    url.pathname = ending[1] === signal ? path : path.replace(SIGNAL_PATH, `/v1/${signal}`);
    return url;
  }
  if (backendPath !== '' && !path.endsWith(backendPath)) path += backendPath;
  url.pathname = `${path}/v1/${signal}`;
  return url;
}

export function given(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** The endpoint as it may be shown: scheme, host and path, never credentials or query. */
export function displayEndpoint(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}
