import type { PartialSuccess } from './response.js';

/**
 * The contract between a transport that sends once and the retrying transport that decides what
 * follows, apart from either so that the HTTP transport and its error classification
 * (request-errors.ts) both name it without importing each other.
 */

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
  | { kind: 'permanent'; status?: number; message: string }
  /** A 2xx whose body is no OTLP export response: the endpoint is not what it should be. */
  | { kind: 'not-otlp'; status: number; message: string };

/** Sends a request body once. A test can stand in for the network with its own. */
export interface Transport {
  send(body: Uint8Array): Promise<AttemptResult>;
  close(): void;
}
