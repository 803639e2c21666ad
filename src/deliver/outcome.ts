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
}

/** An outcome that refuses the request's content: splitting it may deliver the rest. */
export type Refusal = Extract<DeliveryOutcome, { kind: 'bad-data' | 'too-old' }>;

export function isRefusal(outcome: DeliveryOutcome): outcome is Refusal {
  return outcome.kind === 'bad-data' || outcome.kind === 'too-old';
}

/** Statuses by which an endpoint says "this data is bad", 413 (too large) included. */
const BAD_DATA_STATUSES: ReadonlySet<number> = new Set([400, 413, 422]);

/**
 * What backends answer when points are older than they accept or arrive out of order, as the
 * message of a bad-data status. Prometheus: "out of bounds", "too old", "out of order sample";
 * Mimir and Grafana Cloud: err-mimir-sample-timestamp-too-old, err-mimir-sample-out-of-order.
 */
const TOO_OLD_MESSAGES = [
  /out of bounds/i,
  /too old/i,
  /out[ -]of[ -]order/i,
  /err-mimir-sample-timestamp-too-old/i,
  /err-mimir-sample-out-of-order/i,
];

/** The kind of a final non-2xx answer that was not to be retried. */
export function classifyRefusal(
  status: number,
  message: string,
): 'bad-data' | 'too-old' | 'failed' {
  if (!BAD_DATA_STATUSES.has(status)) return 'failed';
  return TOO_OLD_MESSAGES.some((re) => re.test(message)) ? 'too-old' : 'bad-data';
}

/** One line for a person: the status and what the endpoint said. */
export function describeOutcome(outcome: DeliveryOutcome): string {
  const status =
    'status' in outcome && outcome.status !== undefined ? `HTTP ${outcome.status}` : '';
  const message = outcome.message ?? '';
  if (status === '') return message;
  return message === '' ? status : `${status}: ${message}`;
}
