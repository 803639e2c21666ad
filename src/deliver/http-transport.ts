import type http from 'node:http';
import type https from 'node:https';
import { keepAliveAgents, post, TimeoutError, type PostResponse } from './http-post.js';
import { readPartialSuccess, type PartialSuccess } from './response.js';

/** What one attempt came to, by the OTLP rules; the retrying transport decides what follows. */
export type AttemptResult =
  | { kind: 'acknowledged'; status: number; partial: PartialSuccess }
  | { kind: 'retryable'; status?: number; message: string; retryAfterMs?: number }
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

/** Longest slice of an error response kept for the report. */
const ERROR_BODY_LIMIT = 300;

export interface HttpTarget {
  url: string;
  /** Every header of the request, content type and encoding included. */
  headers: Record<string, string>;
  timeoutMs: number;
}

/** One POST per send over a kept-alive connection, classified by the OTLP rules. Never throws. */
export class HttpTransport implements Transport {
  private readonly url: URL;
  private readonly agents: { http: http.Agent; https: https.Agent } = keepAliveAgents();

  constructor(
    private readonly target: HttpTarget,
    private readonly now: () => number = Date.now,
  ) {
    this.url = new URL(target.url);
  }

  async send(body: Uint8Array): Promise<AttemptResult> {
    const { headers, timeoutMs } = this.target;
    let response: PostResponse;
    try {
      response = await post(this.url, headers, body, timeoutMs, this.agents);
    } catch (err) {
      return classifyFailure(err, timeoutMs);
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
    return { kind: 'permanent', status, message };
  }

  /** Closes the kept-alive connection, so that the process can exit at once. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

function classifyFailure(err: unknown, timeoutMs: number): AttemptResult {
  if (err instanceof TimeoutError) {
    return { kind: 'retryable', message: `no answer within ${timeoutMs} ms` };
  }
  const e = err as { code?: string; message?: string };
  const code = e?.code;
  const detail = code ?? e?.message ?? String(err);
  if (code !== undefined && TRANSIENT_CODES.has(code)) {
    return { kind: 'retryable', message: `connection failed (${detail})` };
  }
  return { kind: 'permanent', message: `request failed (${detail})` };
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
