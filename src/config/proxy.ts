import { isIP } from 'node:net';
import { UsageError } from '../errors.js';
import type { ProxyServer, ProxySettings } from './vocabulary.js';

type Env = NodeJS.ProcessEnv;

/**
 * HTTP_PROXY, HTTPS_PROXY and NO_PROXY as curl, `@actions/http-client` and Node read them: the
 * lower-case name first, then the upper-case one. Undefined when no proxy is set. A proxy URL
 * without a scheme is taken as http://, as curl does. Credentials are never echoed.
 */
export function readProxySettings(env: Env): ProxySettings | undefined {
  const http = proxyServer(env, 'http_proxy', 'HTTP_PROXY');
  const https = proxyServer(env, 'https_proxy', 'HTTPS_PROXY');
  if (http === undefined && https === undefined) return undefined;
  const list = env.no_proxy ?? env.NO_PROXY ?? '';
  const noProxy = list
    .split(/[,\s]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
  return {
    ...(http !== undefined && { http }),
    ...(https !== undefined && { https }),
    noProxy,
  };
}

function proxyServer(env: Env, lower: string, upper: string): ProxyServer | undefined {
  const [source, text] =
    env[lower] !== undefined && env[lower].trim() !== ''
      ? [lower, env[lower]]
      : [upper, env[upper]];
  if (text === undefined || text.trim() === '') return undefined;
  const trimmed = text.trim();
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    // Not echoed: a proxy URL often carries a password.
    throw new UsageError(`${source}: not a valid proxy URL (expected http://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `${source}: a ${url.protocol.replace(/:$/, '')} proxy is not supported; give an http:// (or https://) proxy`,
    );
  }
  const credentials =
    url.username !== '' || url.password !== ''
      ? { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
      : undefined;
  url.username = '';
  url.password = '';
  return {
    url: `${url.protocol}//${url.host}/`,
    source,
    ...(credentials !== undefined && { credentials }),
  };
}

/** What must never be printed of the proxies: passwords, user names, the Basic token. */
export function proxySecrets(settings: ProxySettings | undefined): string[] {
  const secrets: string[] = [];
  for (const server of [settings?.http, settings?.https]) {
    const c = server?.credentials;
    if (c === undefined) continue;
    secrets.push(c.user, c.password, encodeURIComponent(c.password), proxyAuthorization(c));
    secrets.push(proxyAuthorization(c).replace(/^Basic /, ''));
  }
  return [...new Set(secrets.filter((s) => s !== ''))];
}

/** The Proxy-Authorization value for credentials from the proxy URL. */
export function proxyAuthorization(c: { user: string; password: string }): string {
  return `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}`;
}

/** The proxy for a request to `url`, or undefined to connect directly. */
export function proxyFor(url: URL, settings: ProxySettings | undefined): ProxyServer | undefined {
  if (settings === undefined) return undefined;
  const server = url.protocol === 'https:' ? settings.https : settings.http;
  if (server === undefined) return undefined;
  return bypassed(url, settings.noProxy) ? undefined : server;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * Whether NO_PROXY names the URL's host, by curl's rules plus those of `@actions/http-client`
 * and Node: `*` is every host; a name matches itself and every name under it, with or without a
 * leading dot or `*.`; an entry with a port matches that port only (the scheme's default port
 * when the URL gives none); IP literals, IPv6 with or without brackets, match exactly.
 */
export function bypassed(url: URL, noProxy: readonly string[]): boolean {
  const host = unbracket(url.hostname.toLowerCase()).replace(/\.$/, '');
  const port = url.port !== '' ? url.port : (DEFAULT_PORTS[url.protocol] ?? '');
  return noProxy.some((entry) => {
    if (entry === '*') return true;
    const { name, entryPort } = splitEntry(entry);
    if (entryPort !== undefined && entryPort !== port) return false;
    if (name === '') return false;
    if (isIP(name) !== 0 || isIP(host) !== 0) return name === host;
    const suffix = name.replace(/^\*?\.+/, '').replace(/\.$/, '');
    return host === suffix || host.endsWith(`.${suffix}`);
  });
}

/** host, [v6]:port, host:port or a bare IPv6 address, apart from the port. */
function splitEntry(entry: string): { name: string; entryPort?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed !== null) {
    return {
      name: bracketed[1] as string,
      ...(bracketed[2] !== undefined && { entryPort: bracketed[2] }),
    };
  }
  // More than one colon and no brackets: an IPv6 address, which has no port.
  if (isIP(entry) === 6) return { name: entry };
  const withPort = /^(.*):(\d+)$/.exec(entry);
  if (withPort !== null) return { name: withPort[1] as string, entryPort: withPort[2] as string };
  return { name: entry };
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
