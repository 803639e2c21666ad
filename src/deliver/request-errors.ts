import type { ProxyServer } from '../config/vocabulary.js';
import type { TlsOptions } from './http-post.js';
import { TimeoutError } from './http-post.js';
import type { AttemptResult } from './transport.js';

/**
 * A request that got no answer, in words: which host it tried, through which proxy, and what to
 * set or check. Node's codes name the symptom (ENOTFOUND, ECONNREFUSED, an OpenSSL reason), not
 * the place or the cure.
 */

/** Statuses of a proxy's CONNECT answer that may pass, as the OTLP rules say for endpoints. */
const RETRYABLE_TUNNEL_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

// Connection failures worth another try: the peer dropped us, refused us while starting, or the
// network blinked. A host that does not exist or a bad certificate will not heal by retrying.
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** Of those, the ones that come before a connection opens: no byte of the body went out. */
const NEVER_CONNECTED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** " (through the proxy ...)" after a message, or nothing without a proxy. */
export function viaNote(proxy: ProxyServer | undefined): string {
  return proxy === undefined ? '' : ` ${through(proxy)}`;
}

function through(proxy: ProxyServer): string {
  return `(through the proxy ${proxy.url} from ${proxy.source})`;
}

/** A proxy that refused a request or a tunnel, with what to check. */
export function proxyRefused(proxy: ProxyServer, url: URL, status: number | undefined): string {
  const at = `the proxy ${proxy.url} (from ${proxy.source})`;
  if (status === 407) {
    return proxy.credentials === undefined
      ? `${at} wants credentials (407): give them in the proxy URL, http://user:password@host:port`
      : `${at} refused the credentials in ${proxy.source} (407)`;
  }
  return `${at} would not connect to ${url.host} (HTTP ${status ?? 'error'}); if ${url.hostname} is to be reached directly, add it to NO_PROXY`;
}

export interface FailureContext {
  timeoutMs: number;
  tls: TlsOptions;
  /** Where the request went. */
  url: URL;
  /** The proxy it went through, if any. */
  proxy: ProxyServer | undefined;
  /** The TLS settings as the running command names them (see EndpointAdvice). */
  tlsSettings?: { ca: string; client: string };
}

/** A request that got no answer, in words that name the host tried and the proxy, if any. */
export function classifyFailure(err: unknown, ctx: FailureContext): AttemptResult {
  const { url, proxy, tls } = ctx;
  const via = proxy === undefined ? '' : ` ${through(proxy)}`;
  if (err instanceof TimeoutError) {
    return {
      kind: 'retryable',
      message: `no answer from ${url.host} within ${ctx.timeoutMs} ms${via}`,
    };
  }
  const e = err as ConnectionError;
  const code = e?.code;
  const detail = code ?? e?.message ?? String(err);
  if (code === 'ERR_PROXY_TUNNEL' && proxy !== undefined) {
    // Node could not open the CONNECT tunnel: the proxy answered with a status.
    const status = e.statusCode;
    const message = proxyRefused(proxy, url, status);
    return status !== undefined && RETRYABLE_TUNNEL_STATUSES.has(status)
      ? { kind: 'retryable', message }
      : { kind: 'permanent', message };
  }
  // Through a proxy, Node connects to the proxy: an error of the connection is the proxy's.
  const host =
    proxy === undefined
      ? url.host
      : `the proxy ${proxy.url} (from ${proxy.source}) for ${url.host}`;
  if (code === 'ENOTFOUND') {
    const name = proxy === undefined ? url.hostname : new URL(proxy.url).hostname;
    return {
      kind: 'permanent',
      message:
        proxy === undefined
          ? `cannot resolve the host name ${name} (ENOTFOUND): check the endpoint's host; if this machine reaches the network only through a proxy, set HTTPS_PROXY (or HTTP_PROXY)`
          : `cannot resolve the proxy's host name ${name} (ENOTFOUND, from ${proxy.source}): check ${proxy.source}`,
    };
  }
  if (code !== undefined && TRANSIENT_CODES.has(code)) {
    // Over TLS 1.3 a server that refuses the client certificate just drops the connection after
    // the handshake; it still may be a passing reset, so it is retried, but with the likely cause.
    const hint =
      (code === 'ECONNRESET' || code === 'EPIPE') && tls.cert !== undefined
        ? '; if it persists, the endpoint may be refusing the client certificate'
        : '';
    return {
      kind: 'retryable',
      message: `connection to ${host} failed (${detail})${hint}`,
      ...(NEVER_CONNECTED_CODES.has(code) && { neverSent: true }),
    };
  }
  const words = tlsFailure(e ?? {}, tls, ctx.tlsSettings ?? TLS_SETTINGS);
  if (words !== undefined) {
    return { kind: 'permanent', message: `TLS with ${url.host}: ${words} (${detail})${via}` };
  }
  return { kind: 'permanent', message: `request to ${host} failed (${detail})` };
}

/** What node:https and node:tls put on a failed request's error. */
interface ConnectionError {
  code?: string;
  /** For ERR_PROXY_TUNNEL: the proxy's answer to CONNECT. */
  statusCode?: number;
  message?: string;
  /** For ERR_TLS_CERT_ALTNAME_INVALID: which name is missing. */
  reason?: string;
  /** For ERR_TLS_CERT_ALTNAME_INVALID: the peer's certificate. */
  cert?: { subjectaltname?: string };
}

/** The TLS settings in words when the config gave none: the command line's. */
const TLS_SETTINGS = {
  ca: 'OTEL_EXPORTER_OTLP_CERTIFICATE (or --certificate)',
  client:
    'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY (or --client-certificate and --client-key)',
};

/**
 * TLS alerts the server may send, by number (RFC 8446 6.2). OpenSSL reports them as a code for
 * TLS 1.3 but only as EPROTO with the number in the message for TLS 1.2, so the number is what
 * is read.
 */
const ALERTS: Record<string, string> = {
  '40': 'handshake-failure',
  '42': 'bad-certificate',
  '45': 'certificate-expired',
  '46': 'certificate-unknown',
  '48': 'unknown-ca',
  '49': 'access-denied',
  '116': 'certificate-required',
};

/**
 * A failed handshake in words, with what to set: OpenSSL's codes name the symptom, not the cure.
 * Undefined for a failure that is not about TLS.
 */
function tlsFailure(
  e: ConnectionError,
  tls: TlsOptions,
  settings: { ca: string; client: string },
): string | undefined {
  const CA_SETTING = settings.ca;
  const CLIENT_SETTINGS = settings.client;
  // With a CA file given, the advice is about that file rather than to give one.
  const trust = (what: string) =>
    tls.ca === undefined
      ? `set ${CA_SETTING} to ${what}`
      : `the file in ${CA_SETTING} is not ${what}; give that one`;
  const wantsClientCertificate = `the endpoint wants a client certificate: set ${CLIENT_SETTINGS}`;
  const refusedOurs = (why: string) =>
    tls.cert === undefined
      ? wantsClientCertificate
      : `the endpoint refused our client certificate: ${why}`;
  switch (e.code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return `the endpoint's certificate is self-signed: ${trust('its PEM file')}`;
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return `the endpoint's certificate is issued by a private CA: ${trust("that CA's PEM file")}`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `the endpoint's certificate is issued by a CA this machine does not trust (or the server leaves out its intermediate certificates): ${trust("the issuing CA's PEM file")}`;
    case 'CERT_HAS_EXPIRED':
      return "the endpoint's certificate has expired: renew it on the server (or check this machine's clock)";
    case 'CERT_NOT_YET_VALID':
      return "the endpoint's certificate is not valid yet: check this machine's clock and the server's";
    case 'ERR_TLS_CERT_ALTNAME_INVALID': {
      const facts = [
        e.reason?.replace(/[:\s]+$/, ''),
        e.cert?.subjectaltname === undefined ? undefined : `it names ${e.cert.subjectaltname}`,
      ].filter((fact) => fact !== undefined && fact !== '');
      const why = facts.length === 0 ? '' : ` (${facts.join('; ')})`;
      return `the endpoint's certificate is for another host name${why}: connect by a name it lists, or reissue it for this one`;
    }
  }
  const message = e.message ?? '';
  if (/wrong version number|packet length too long/i.test(message)) {
    return 'the endpoint does not speak TLS on this port: use http:// for it, or its TLS port';
  }
  const alert = ALERTS[/SSL alert number (\d+)/.exec(message)?.[1] ?? ''];
  switch (alert) {
    case 'certificate-required':
      return wantsClientCertificate;
    case 'handshake-failure':
      return tls.cert === undefined
        ? `the endpoint ended the handshake; it may want a client certificate: set ${CLIENT_SETTINGS}`
        : 'the endpoint ended the handshake: it refused our client certificate, or has no cipher in common with us';
    case 'bad-certificate':
    case 'certificate-unknown':
    case 'unknown-ca':
    case 'access-denied':
      return refusedOurs('it is not issued by a CA the endpoint trusts');
    case 'certificate-expired':
      return refusedOurs('it has expired');
    default:
      return undefined;
  }
}
