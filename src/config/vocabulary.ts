/**
 * The words the configuration is written in: what is sent, how, and where to. Only names and
 * shapes live here, no logic, and this file imports nothing, so that every config module (and
 * every folder after it) can share them without importing a module that also holds logic, which
 * is how circles between the config files came about.
 */

/** Every signal, in the order a run sends them and lists them: metrics, logs, traces. */
export const SIGNALS = ['metrics', 'logs', 'traces'] as const;
export type Signal = (typeof SIGNALS)[number];

export type Protocol = 'http/protobuf' | 'http/json';
export type Compression = 'gzip' | 'none';
export type Temporality = 'delta' | 'cumulative';
/** Rows of tokf's built-in commands: sent, or recorded as done without sending. */
export type Builtins = 'send' | 'skip';

/**
 * A setting's text to its value. `source` is how the user named it (a flag, an action input or an
 * environment variable) so that the error points at what to fix.
 */
export type Parser<T> = (text: string, source: string, now: number) => T;

/** PEM contents for the HTTPS connection, as OTEL_EXPORTER_OTLP_*CERTIFICATE and *_KEY name them. */
export interface TlsFiles {
  /** CA certificates trusted for the endpoint, on top of the usual ones. */
  ca?: string;
  /** The client certificate (chain) for mutual TLS. */
  cert?: string;
  /** The client certificate's private key. */
  key?: string;
}

/** A proxy server as the environment gives it, credentials apart so that it can be shown. */
export interface ProxyServer {
  /** scheme://host:port/ with no credentials: safe to print. */
  url: string;
  /** The variable it came from, as the user set it (`https_proxy`, `HTTPS_PROXY`, ...). */
  source: string;
  /** user:password from the URL, percent-decoded; never printed. */
  credentials?: { user: string; password: string };
}

/** The proxies of the environment, read once: which one for http, which for https, and who not. */
export interface ProxySettings {
  http?: ProxyServer;
  https?: ProxyServer;
  /** NO_PROXY entries, lower case, trimmed, empty ones left out. */
  noProxy: string[];
}

/**
 * What to tell a person whose endpoint answered in a way that says it is the wrong place, made
 * where the signal and the command's own setting names are known: the delivery layer only
 * knows it got a 404 or a page that is not OTLP.
 */
export interface EndpointAdvice {
  /** For a 404: nothing at the URL, where this signal usually is, which setting changes it. */
  notFound: string;
  /** After "the reply is not OTLP": what to check. */
  notOtlp: string;
  /** The TLS settings a failed handshake points at: a CA file, a client certificate and key. */
  tls: { ca: string; client: string };
}

export interface EndpointConfig {
  /** The full metrics URL, credentials removed (they moved into headers). */
  url: string;
  headers: Record<string, string>;
  /** Every value that must never be printed: header values and URL credentials. */
  secrets: string[];
  /** PEM contents for an https endpoint: a CA to trust, a client certificate and its key. */
  tls?: TlsFiles;
  /** What to tell a person when the endpoint turns out to be the wrong place (404, not OTLP). */
  advice?: EndpointAdvice;
  /** HTTP_PROXY, HTTPS_PROXY and NO_PROXY as the environment gave them, when any proxy is set. */
  proxies?: ProxySettings;
}
