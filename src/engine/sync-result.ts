import type { ClockReport } from './clock-check.js';
import type { SavingsRow } from './savings.js';

/** What one sync did. The CLI prints it; the action turns it into outputs and a summary. */
export interface SyncResult {
  /**
   * delivered: every selected event acknowledged; partial/failed: some/none could be delivered;
   * exported: no endpoint, the OTLP/JSON file was the job; dry-run: nothing sent or changed.
   */
  status: 'delivered' | 'partial' | 'failed' | 'exported' | 'dry-run';
  exitCode: 0 | 1;
  database: string;
  /** Where progress lives: tokf's synced_to_otel_at column, or our own ranges table. */
  progress: 'column' | 'ranges';
  /** Scheme, host and path of the metrics URL; never credentials. */
  endpoint: string | null;
  protocol: string;
  compression: string;
  dryRun: boolean;
  /** Pending events chosen by since/until/limit. */
  selected: number;
  /** Selected events the endpoint acknowledged. */
  delivered: number;
  /** Data points the endpoint acknowledged but reported rejected (partial_success). */
  rejected: number;
  /** Events in the database not yet acknowledged, after this run. */
  pending: number;
  /** Pending events skipped because their timestamp is unreadable. */
  unreadable: number;
  /** Events written to the OTLP/JSON Lines file. */
  exported: number;
  /** Points per metric name for the selected events. */
  points: Record<string, number>;
  firstEventTime: string | null;
  lastEventTime: string | null;
  requests: number;
  failedRequests: number;
  retries: number;
  /** On the wire, after compression, every attempt counted. */
  bytesSent: number;
  /** Encoded request bodies before compression, for the selected events. */
  bytesEncoded: number;
  durationMs: number;
  otlpJsonFile: string | null;
  /** Tokens saved by command and filter over the selected events, largest first (top 20). */
  savedBy: SavingsRow[];
  /** Signs of a wrong clock where the events were recorded (also given as warnings). */
  clock: ClockReport;
  errors: string[];
  warnings: string[];
}
