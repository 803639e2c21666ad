import type { EndpointAdvice } from '../config/endpoint-advice.js';
import type { Signal } from '../config/endpoint.js';
import { proxyFor, type ProxyServer, type ProxySettings } from '../config/proxy.js';
import { Agents, post, TimeoutError, type PostResponse, type TlsOptions } from './http-post.js';
import { headersForOtherOrigin, isRedirect, nextHop } from './redirects.js';
import { readExportResponse, type PartialSuccess } from './response.js';

/** What one attempt came to, by the OTLP rules; the retrying transport decides what follows. */
export type AttemptResult =
  | { kind: 'acknowledged'; status: number; partial: PartialSuccess }
  | { kind: 'retryable'; status?: number; message: string; retryAfterMs?: number }
  | { kind: 'permanent'; status?: number; message: string }
  /** A 2xx whose body is no OTLP export response: the endpoint is not what it should be. */
  | { kind: 'not-otlp'; status: number; message: string };

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

/** Longest slice of an error response kept for the report. */
const ERROR_BODY_LIMIT = 300;
/** Of a reply that is not OTLP, the first bytes shown: enough to recognise a login page. */
const NOT_OTLP_BODY_LIMIT = 200;

export interface HttpTarget {
  url: string;
  /** Every header of the request, content type and encoding included. */
  headers: Record<string, string>;
  /**
   * The headers the user configured (credentials among them), by name: never sent on to another
   * origin by a redirect, as browsers and undici drop Authorization.
   */
  endpointHeaders?: readonly string[];
  timeoutMs: number;
  /** For an https endpoint: a CA to trust besides the usual ones, a client certificate and key. */
  tls?: TlsOptions;
  /** The environment's proxies; each hop of a redirect gets its own by NO_PROXY. */
  proxies?: ProxySettings;
  /** What the endpoint takes: the export response a 2xx must carry is this signal's. */
  signal?: Signal;
  /** Values never to show, such as tokens an error page may echo. */
  secrets?: readonly string[];
  /** Words for a 404 and for a reply that is not OTLP, from the config of the running command. */
  advice?: EndpointAdvice;
  /** Told of each redirect followed, in words. */
  onRedirect?: (line: string) => void;
}

/** One POST per send over a kept-alive connection, classified by the OTLP rules. Never throws. */
export class HttpTransport implements Transport {
  private readonly url: URL;
  private readonly agents: Agents;

  constructor(
    private readonly target: HttpTarget,
    private readonly now: () => number = Date.now,
  ) {
    this.url = new URL(target.url);
    this.agents = new Agents(target.tls);
  }

  async send(body: Uint8Array): Promise<AttemptResult> {
    const { timeoutMs } = this.target;
    const deadline = Date.now() + timeoutMs;
    let url = this.url;
    let headers = this.target.headers;
    const endpointHeaders = this.target.endpointHeaders ?? [];
    const hops: string[] = [];
    for (;;) {
      const proxy = proxyFor(url, this.target.proxies);
      let response: PostResponse;
      try {
        const left = Math.max(1, deadline - Date.now());
        response = await post(url, headers, body, left, this.agents.for(url, proxy));
      } catch (err) {
        return withHops(
          classifyFailure(err, { timeoutMs, tls: this.target.tls ?? {}, url, proxy }),
          hops,
        );
      }
      const { status } = response;
      if (isRedirect(status)) {
        const next = nextHop(url, status, response.location, hops.length, endpointHeaders, (u) =>
          this.show(u),
        );
        if (next.kind === 'stop') {
          return withHops({ kind: 'permanent', status, message: next.message }, hops);
        }
        hops.push(next.line);
        this.target.onRedirect?.(next.line);
        // Once on another origin, the credentials stay behind, even on the way back.
        if (next.url.origin !== url.origin)
          headers = headersForOtherOrigin(headers, endpointHeaders);
        url = next.url;
        continue;
      }
      return withHops(this.classify(response, url, proxy), hops);
    }
  }

  private show(url: URL): string {
    return this.redact(shown(url));
  }

  private redact(text: string): string {
    let out = text;
    for (const s of [...(this.target.secrets ?? [])].sort((a, b) => b.length - a.length)) {
      if (s.length > 0) out = out.split(s).join('***');
    }
    return out;
  }

  /** A final answer (no redirect) by the OTLP rules. */
  private classify(
    response: PostResponse,
    url: URL,
    proxy: ProxyServer | undefined,
  ): AttemptResult {
    const { status } = response;
    const signal = this.target.signal ?? 'metrics';
    if (status >= 200 && status < 300) {
      const reading = readExportResponse(response.body, signal, response.truncated);
      if (reading.otlp) return { kind: 'acknowledged', status, partial: reading.partial };
      return { kind: 'not-otlp', status, message: this.notOtlp(response, reading.why, url) };
    }
    const message = this.redact(describeBody(response.body));
    if (status === 407 && proxy !== undefined) {
      return { kind: 'permanent', status, message: proxyRefused(proxy, url, status) };
    }
    if (RETRYABLE_STATUSES.has(status)) {
      const retryAfterMs = parseRetryAfter(response.retryAfter, this.now());
      return {
        kind: 'retryable',
        status,
        message: `${message}${viaNote(proxy)}`,
        ...(retryAfterMs !== undefined && { retryAfterMs }),
      };
    }
    if (status === 404) {
      const advice = this.target.advice?.notFound ?? `nothing at ${shown(url)}`;
      const said = message === '' ? '' : `; the endpoint said: ${message}`;
      return { kind: 'permanent', status, message: `${advice}${said}${viaNote(proxy)}` };
    }
    // Through a proxy, the answer may be the proxy's own (tinyproxy answers 401 to credentials it
    // refuses): the message says which proxy it went through.
    return { kind: 'permanent', status, message: `${message}${viaNote(proxy)}` };
  }

  /** A 2xx that is no export response, in words: what came back and what to check. */
  private notOtlp(response: PostResponse, why: string, url: URL): string {
    const type = response.contentType ?? 'none';
    const begins = this.redact(
      printable(response.body.subarray(0, NOT_OTLP_BODY_LIMIT)) +
        (response.body.byteLength > NOT_OTLP_BODY_LIMIT || response.truncated ? '…' : ''),
    );
    const body = response.body.byteLength === 0 ? '' : `; it begins "${begins}"`;
    const advice =
      this.target.advice?.notOtlp ??
      `check that ${shown(url)} is the OTLP/HTTP receiver, not a login page or a proxy's page`;
    return `not an OTLP endpoint: ${shown(url)} answered with Content-Type ${type}, ${why}${body}; nothing was counted delivered and nothing more is sent to it; ${advice}`;
  }

  /** Closes the kept-alive connections, so that the process can exit at once. */
  close(): void {
    this.agents.destroy();
  }
}

/** A result with the redirects that led to it, so that a failure says where it happened. */
function withHops(result: AttemptResult, hops: readonly string[]): AttemptResult {
  if (hops.length === 0 || result.kind === 'acknowledged') return result;
  return { ...result, message: `${result.message} (after ${hops.join('; then ')})` };
}

/** scheme, host and path: never credentials or a query, which may hold a key. */
function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** " (through the proxy ...)" after a message, or nothing without a proxy. */
function viaNote(proxy: ProxyServer | undefined): string {
  return proxy === undefined ? '' : ` ${through(proxy)}`;
}

function through(proxy: ProxyServer): string {
  return `(through the proxy ${proxy.url} from ${proxy.source})`;
}

/** A proxy that refused a request or a tunnel, with what to check. */
function proxyRefused(proxy: ProxyServer, url: URL, status: number | undefined): string {
  const at = `the proxy ${proxy.url} (from ${proxy.source})`;
  if (status === 407) {
    return proxy.credentials === undefined
      ? `${at} wants credentials (407): give them in the proxy URL, http://user:password@host:port`
      : `${at} refused the credentials in ${proxy.source} (407)`;
  }
  return `${at} would not connect to ${url.host} (HTTP ${status ?? 'error'}); if ${url.hostname} is to be reached directly, add it to NO_PROXY`;
}

interface FailureContext {
  timeoutMs: number;
  tls: TlsOptions;
  /** Where the request went. */
  url: URL;
  /** The proxy it went through, if any. */
  proxy: ProxyServer | undefined;
}

/** A request that got no answer, in words that name the host tried and the proxy, if any. */
function classifyFailure(err: unknown, ctx: FailureContext): AttemptResult {
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
    return status !== undefined && RETRYABLE_STATUSES.has(status)
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
    return { kind: 'retryable', message: `connection to ${host} failed (${detail})${hint}` };
  }
  const words = tlsFailure(e ?? {}, tls);
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

function describeBody(body: Uint8Array): string {
  if (body.byteLength === 0) return '';
  const text = printable(body.subarray(0, ERROR_BODY_LIMIT));
  return text === '' ? '' : `${text}${body.byteLength > ERROR_BODY_LIMIT ? '…' : ''}`;
}

/** The printable text of some bytes: only that helps a reader, a protobuf Status does not. */
function printable(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return text.replace(/[^\x20-\x7e]+/g, ' ').trim();
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
