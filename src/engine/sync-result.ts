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
  /** Selected events refused for good in this run and set aside as rejected (dead letters). */
  rejectedEvents: number;
  /** Selected events older than max-age: not sent, only written to the OTLP/JSON file. */
  tooOld: number;
  /** Events set aside as rejected in the database, by this run or earlier ones. */
  setAside: number;
  /** Events in the database not yet acknowledged nor set aside, after this run. */
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
  /** Of which recording progress (the write transactions after each acknowledgement). */
  recordMs: number;
  otlpJsonFile: string | null;
  /** The points of refused events (rejected-metrics.jsonl), when there were any. */
  rejectedFile: string | null;
  /** Tokens saved by command and filter over the selected events, largest first (top 20). */
  savedBy: SavingsRow[];
  /** Signs of a wrong clock where the events were recorded (also given as warnings). */
  clock: ClockReport;
  errors: string[];
  warnings: string[];
}
