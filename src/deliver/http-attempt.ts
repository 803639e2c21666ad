import type http from 'node:http';
import type https from 'node:https';
import { post, type PostResponse } from './http-post.js';
import { readPartialSuccess, type PartialSuccess } from './response.js';
import { RETRYABLE_STATUSES, parseRetryAfter } from './retry-policy.js';

export type AttemptResult =
  | { kind: 'acknowledged'; status: number; partial: PartialSuccess }
  | { kind: 'retryable'; status?: number; reason: string; retryAfterMs?: number }
  | { kind: 'permanent'; status?: number; reason: string };

export interface HttpRequest {
  url: URL;
  headers: Record<string, string>;
  body: Uint8Array;
  timeoutMs: number;
  agents: { http: http.Agent; https: https.Agent };
}

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

/** One POST, classified by the OTLP rules. Never throws. */
export async function attempt(request: HttpRequest, now: () => number): Promise<AttemptResult> {
  let response: PostResponse;
  try {
    response = await post(
      request.url,
      request.headers,
      request.body,
      request.timeoutMs,
      request.agents,
    );
  } catch (err) {
    return classifyFailure(err, request.timeoutMs);
  }
  const { status, body } = response;
  if (status >= 200 && status < 300) {
    return {
      kind: 'acknowledged',
      status,
      partial: readPartialSuccess(body, response.contentType),
    };
  }
  const reason = `HTTP ${status}${describeBody(body)}`;
  if (RETRYABLE_STATUSES.has(status)) {
    const retryAfterMs = parseRetryAfter(response.retryAfter, now());
    return {
      kind: 'retryable',
      status,
      reason,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    };
  }
  return { kind: 'permanent', status, reason };
}

function classifyFailure(err: unknown, timeoutMs: number): AttemptResult {
  const e = err as { name?: string; code?: string; message?: string };
  if (e?.name === 'TimeoutError') {
    return { kind: 'retryable', reason: `no answer within ${timeoutMs} ms` };
  }
  const code = e?.code;
  const detail = code ?? e?.message ?? String(err);
  if (code !== undefined && TRANSIENT_CODES.has(code)) {
    return { kind: 'retryable', reason: `connection failed (${detail})` };
  }
  return { kind: 'permanent', reason: `request failed (${detail})` };
}

function describeBody(body: Uint8Array): string {
  if (body.byteLength === 0) return '';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(
    body.subarray(0, ERROR_BODY_LIMIT),
  );
  // Only printable text helps a reader; a protobuf Status does not.
  const printable = text.replace(/[^\x20-\x7e]+/g, ' ').trim();
  return printable === '' ? '' : `: ${printable}${body.byteLength > ERROR_BODY_LIMIT ? '…' : ''}`;
}
