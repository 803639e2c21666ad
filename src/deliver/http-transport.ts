import type { EndpointAdvice, ProxyServer, ProxySettings, Signal } from '../config/vocabulary.js';
import { proxyFor } from '../config/proxy.js';
import { Agents, post, type PostResponse, type TlsOptions } from './http-post.js';
import { classifyFailure, proxyRefused, viaNote } from './request-errors.js';
import { headersForOtherOrigin, isRedirect, nextHop } from './redirects.js';
import { readExportResponse } from './response.js';
import type { AttemptResult, Transport } from './transport.js';

/** Statuses the OTLP specification calls retryable; every other failure status is permanent. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

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
          classifyFailure(err, {
            timeoutMs,
            tls: this.target.tls ?? {},
            url,
            proxy,
            ...(this.target.advice !== undefined && { tlsSettings: this.target.advice.tls }),
          }),
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
