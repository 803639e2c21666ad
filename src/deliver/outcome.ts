import { readRefusal } from './refusal-text.js';

/**
 * How one request ended, classified once, here: the engine acts on the kind and never looks at an
 * HTTP status. Every outcome also says what the exchange cost.
 */
export type DeliveryOutcome = Exchange &
  (
    | {
        /** The endpoint answered 2xx: the events are delivered, whatever partial_success said. */
        kind: 'acknowledged';
        /** Points the endpoint reported rejected through partial_success; never retried. */
        rejectedPoints: number;
        /** partial_success's message, if any. */
        message?: string;
      }
    | {
        /** Refused as bad data (400, 413, 422): splitting the request can find the culprit. */
        kind: 'bad-data';
        status: number;
        message: string;
      }
    | {
        /** Refused because points are older than the backend keeps or out of order. */
        kind: 'too-old';
        status: number;
        message: string;
      }
    | {
        /**
         * Refused because the backend holds newer samples of a series in the request (or another
         * value at a point's time): what a resend of a request it already stored is answered.
         * Never bad data: whether the events are already there depends on what was sent before
         * (see Exchange.mayHaveLanded), which the engine knows.
         */
        kind: 'out-of-order';
        status: number;
        message: string;
      }
    | {
        /** Transient failures (429, 502-504, dropped connections, timeouts) past the budget. */
        kind: 'retries-exhausted';
        status?: number;
        message: string;
      }
    | {
        /** The run was interrupted before this request got an answer: not sent, or not again. */
        kind: 'interrupted';
        status?: number;
        message: string;
      }
    | {
        /**
         * A 2xx whose body is no OTLP export response (a login page, a proxy's page, another
         * service's JSON): nothing is delivered, and nothing more is sent to that endpoint.
         */
        kind: 'not-otlp';
        status: number;
        message: string;
      }
    | {
        /** Anything else (401, 404, 500, an unknown host, a bad certificate): retrying won't help. */
        kind: 'failed';
        status?: number;
        message: string;
      }
  );

export interface Exchange {
  /** Attempts made, the first included. */
  attempts: number;
  /** Bytes the endpoint received: every attempt it answered (not connections that failed). */
  bytesSent: number;
  /**
   * An attempt got no answer after its body may have reached the endpoint (a timeout, a
   * connection dropped once open, a gateway's 502/504): the endpoint may hold the request although
   * no acknowledgement was read.
   */
  mayHaveLanded?: boolean;
}

/** An outcome that refuses the request's content: splitting it may deliver the rest. */
export type Refusal = Extract<DeliveryOutcome, { kind: 'bad-data' | 'too-old' }>;

export function isRefusal(outcome: DeliveryOutcome): outcome is Refusal {
  return outcome.kind === 'bad-data' || outcome.kind === 'too-old';
}

/** Statuses by which an endpoint says "this data is bad", 413 (too large) included. */
const BAD_DATA_STATUSES: ReadonlySet<number> = new Set([400, 413, 422]);

/**
 * The kind of a final non-2xx answer that was not to be retried. What the text says (see
 * refusal-text.ts) tells data the backend already holds, or holds newer data for, from data older
 * than it keeps and from bad data.
 */
export function classifyRefusal(
  status: number,
  message: string,
): 'bad-data' | 'too-old' | 'out-of-order' | 'failed' {
  const reading = readRefusal(status, message);
  if (reading === 'out-of-order') return 'out-of-order';
  if (!BAD_DATA_STATUSES.has(status)) return 'failed';
  return reading === 'too-old' ? 'too-old' : 'bad-data';
}

/** One line for a person: the status and what the endpoint said. */
export function describeOutcome(outcome: DeliveryOutcome): string {
  const status =
    'status' in outcome && outcome.status !== undefined ? `HTTP ${outcome.status}` : '';
  const message = outcome.message ?? '';
  if (status === '') return message;
  return message === '' ? status : `${status}: ${message}`;
}
