import type http from 'node:http';
import type https from 'node:https';
import {
  keepAliveAgents,
  post,
  TimeoutError,
  type PostResponse,
  type TlsOptions,
} from './http-post.js';
import { readPartialSuccess, type PartialSuccess } from './response.js';

/** What one attempt came to, by the OTLP rules; the retrying transport decides what follows. */
export type AttemptResult =
  | { kind: 'acknowledged'; status: number; partial: PartialSuccess }
  | {
      kind: 'retryable';
      status?: number;
      message: string;
      retryAfterMs?: number;
      /** The connection never opened, so the endpoint cannot hold the body (see mayHaveLanded). */
      neverSent?: boolean;
    }
  | { kind: 'permanent'; status?: number; message: string };

/** Sends a request body once. A test can stand in for the network with its own. */
export interface Transport {
  send(body: Uint8Array): Promise<AttemptResult>;
  close(): void;
}

/** Statuses the OTLP specification calls retryable; every other failure status is permanent. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

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

/** Longest slice of an error response kept for the report. */
const ERROR_BODY_LIMIT = 300;

export interface HttpTarget {
  url: string;
  /** Every header of the request, content type and encoding included. */
  headers: Record<string, string>;
  timeoutMs: number;
  /** For an https endpoint: a CA to trust besides the usual ones, a client certificate and key. */
  tls?: TlsOptions;
}

/** One POST per send over a kept-alive connection, classified by the OTLP rules. Never throws. */
export class HttpTransport implements Transport {
  private readonly url: URL;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(
    private readonly target: HttpTarget,
    private readonly now: () => number = Date.now,
  ) {
    this.url = new URL(target.url);
    this.agents = keepAliveAgents(target.tls);
  }

  async send(body: Uint8Array): Promise<AttemptResult> {
    const { headers, timeoutMs } = this.target;
    let response: PostResponse;
    try {
      response = await post(this.url, headers, body, timeoutMs, this.agents);
    } catch (err) {
      return classifyFailure(err, timeoutMs, this.target.tls ?? {});
    }
    const { status } = response;
    if (status >= 200 && status < 300) {
      return {
        kind: 'acknowledged',
        status,
        partial: readPartialSuccess(response.body, response.contentType),
      };
    }
    const message = describeBody(response.body);
    if (RETRYABLE_STATUSES.has(status)) {
      const retryAfterMs = parseRetryAfter(response.retryAfter, this.now());
      return {
        kind: 'retryable',
        status,
        message,
        ...(retryAfterMs !== undefined && { retryAfterMs }),
      };
    }
    if (status === 404) return { kind: 'permanent', status, message: notFound(this.url, message) };
    return { kind: 'permanent', status, message };
  }

  /** Closes the kept-alive connection, so that the process can exit at once. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function classifyFailure(err: unknown, timeoutMs: number, tls: TlsOptions): AttemptResult {
  if (err instanceof TimeoutError) {
    return { kind: 'retryable', message: `no answer within ${timeoutMs} ms` };
  }
  const e = err as ConnectionError;
  const code = e?.code;
  const detail = code ?? e?.message ?? String(err);
  if (code !== undefined && TRANSIENT_CODES.has(code)) {
    // Over TLS 1.3 a server that refuses the client certificate just drops the connection after
    // the handshake; it still may be a passing reset, so it is retried, but with the likely cause.
    const hint =
      (code === 'ECONNRESET' || code === 'EPIPE') && tls.cert !== undefined
        ? '; if it persists, the endpoint may be refusing the client certificate'
        : '';
    return {
      kind: 'retryable',
      message: `connection failed (${detail})${hint}`,
      ...(NEVER_CONNECTED_CODES.has(code) && { neverSent: true }),
    };
  }
  const words = tlsFailure(e ?? {}, tls);
  if (words !== undefined) return { kind: 'permanent', message: `TLS: ${words} (${detail})` };
  return { kind: 'permanent', message: `request failed (${detail})` };
}

/** What node:https and node:tls put on a failed request's error. */
interface ConnectionError {
  code?: string;
  message?: string;
  /** For ERR_TLS_CERT_ALTNAME_INVALID: which name is missing. */
  reason?: string;
  /** For ERR_TLS_CERT_ALTNAME_INVALID: the peer's certificate. */
  cert?: { subjectaltname?: string };
}

const CA_SETTING = 'OTEL_EXPORTER_OTLP_CERTIFICATE (or --certificate)';
const CLIENT_SETTINGS =
  'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY (or --client-certificate and --client-key)';

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
function tlsFailure(e: ConnectionError, tls: TlsOptions): string | undefined {
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

/** Paths by which backends take OTLP metrics, so that a 404 can say where to look instead. */
const KNOWN_PREFIXES = ['/api/v1/otlp', '/otlp', '/opentelemetry'];

/**
 * A 404 in words: the URL asked (scheme, host and path; credentials left the URL before it got
 * here, and a query may hold a key, so it is left out) and where OTLP metrics usually are.
 */
function notFound(url: URL, said: string): string {
  let path = url.pathname.replace(/\/+$/, '');
  // What remains once the paths we know are taken off is the user's own prefix, if any.
  for (let before = ''; before !== path;) {
    before = path;
    path = path.replace(/\/v1\/metrics$/, '');
    for (const prefix of KNOWN_PREFIXES)
      if (path.endsWith(prefix)) path = path.slice(0, -prefix.length);
  }
  const base = `${url.protocol}//${url.host}${path}`;
  const twice = /\/v1\/metrics\/(.*\/)?v1\/metrics/.test(url.pathname)
    ? ' (v1/metrics twice: give the base URL, or the whole URL with --metrics-endpoint)'
    : '';
  return [
    `nothing at ${url.protocol}//${url.host}${url.pathname}${twice}`,
    `OTLP/HTTP metrics are usually at ${base}/v1/metrics (Collector, Datadog, New Relic, Honeycomb, Elastic)`,
    `Prometheus: ${base}/api/v1/otlp/v1/metrics (started with --web.enable-otlp-receiver)`,
    `Mimir and Grafana Cloud: ${base}/otlp/v1/metrics`,
    `VictoriaMetrics: ${base}/opentelemetry/v1/metrics`,
    '--backend sets the path',
    ...(said === '' ? [] : [`the endpoint said: ${said}`]),
  ].join('; ');
}

function describeBody(body: Uint8Array): string {
  if (body.byteLength === 0) return '';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(
    body.subarray(0, ERROR_BODY_LIMIT),
  );
  // Only printable text helps a reader; a protobuf Status does not.
  const printable = text.replace(/[^\x20-\x7e]+/g, ' ').trim();
  return printable === '' ? '' : `${printable}${body.byteLength > ERROR_BODY_LIMIT ? '…' : ''}`;
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
