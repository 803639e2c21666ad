import { proxySecrets, readProxySettings } from '../config/proxy.js';
import type { SyncSettings } from '../config/sync-config.js';

/**
 * Every value that must be masked in the log: header values (from the input and the OTEL
 * variables), any credential or query value in the endpoint URL and the proxy URLs' credentials.
 * Parsed leniently, so that a malformed input is masked before the error about it is printed.
 */
export function secretValues(settings: SyncSettings, env: NodeJS.ProcessEnv): string[] {
  const out = new Set<string>();
  const headerLists = [
    settings.headers,
    env.OTEL_EXPORTER_OTLP_HEADERS,
    env.OTEL_EXPORTER_OTLP_METRICS_HEADERS,
  ];
  for (const list of headerLists) {
    if (list === undefined || list.trim() === '') continue;
    for (const item of list.split(/[,\r\n]/)) {
      const eq = item.indexOf('=');
      // An item without "=" may be a bare token pasted by mistake: mask all of it.
      const value = (eq < 0 ? item : item.slice(eq + 1)).trim();
      add(out, value);
      add(out, safeDecode(value));
    }
  }
  const endpoints = [
    settings.endpoint,
    settings.metricsEndpoint,
    env.OTEL_EXPORTER_OTLP_ENDPOINT,
    env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
  ];
  for (const endpoint of endpoints) {
    if (endpoint === undefined || endpoint.trim() === '') continue;
    let url: URL;
    try {
      url = new URL(endpoint.trim());
    } catch {
      // Unparseable: the whole value may hide a credential.
      add(out, endpoint.trim());
      continue;
    }
    for (const part of [url.username, url.password]) {
      add(out, part);
      add(out, safeDecode(part));
    }
    if (url.username !== '' || url.password !== '') {
      add(
        out,
        Buffer.from(`${safeDecode(url.username)}:${safeDecode(url.password)}`).toString('base64'),
      );
    }
    for (const value of url.searchParams.values()) add(out, value);
  }
  for (const value of proxyValues(env)) add(out, value);
  return [...out];
}

/** The proxies' credentials; a proxy URL too broken to read is masked whole. */
function proxyValues(env: NodeJS.ProcessEnv): string[] {
  try {
    return proxySecrets(readProxySettings(env));
  } catch {
    return ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'].flatMap((name) => {
      const value = env[name]?.trim();
      return value === undefined || value === '' ? [] : [value];
    });
  }
}

// Masking a very short value would blank out ordinary words all over the log.
function add(set: Set<string>, value: string): void {
  if (value.length >= 3) set.add(value);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
