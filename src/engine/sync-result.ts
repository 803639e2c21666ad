import type { Signal } from '../config/vocabulary.js';
import type { ClockReport } from './clock-check.js';
import type { Notice } from './notices.js';
import type { RunSummary } from './run-summary.js';
import type { DayTotals, SavingsRow, TokenTotals } from './savings.js';

export type { Notice, NoticeKind } from './notices.js';

/** What one signal's replay did, of a run that sends more than one (see --signals). */
export interface SignalResult {
  signal: Signal;
  status: SyncResult['status'];
  /** Scheme, host and path of this signal's URL; never credentials. */
  endpoint: string | null;
  selected: number;
  delivered: number;
  refusedEvents: number;
  tooOld: number;
  tooOldForEndpoint: number;
  /** Set aside for this signal in the database (its own dead letters); -1 if counting failed. */
  setAside: number;
  /** Pending for this signal in the database after the run; -1 if unknown. */
  pending: number;
  otlpJsonFile: string | null;
}

/** What one sync did. The CLI prints it; the action turns it into outputs and a summary. */
export interface SyncResult {
  /**
   * delivered: every selected event acknowledged; partial/failed: some/none could be delivered;
   * exported: no endpoint, the OTLP/JSON file was the job; dry-run: nothing sent or changed.
   */
  status: 'delivered' | 'partial' | 'failed' | 'exported' | 'dry-run';
  exitCode: 0 | 1;
  database: string;
  /**
   * Where progress lives: tokf's synced_to_otel_at column, our own ranges table, or nowhere yet
   * (no run has recorded anything in this database).
   */
  progress: 'column' | 'ranges' | 'none';
  /** Scheme, host and path of the metrics URL; never credentials. */
  endpoint: string | null;
  protocol: string;
  compression: string;
  dryRun: boolean;
  /** Pending events chosen by since/until/limit. */
  selected: number;
  /** Selected events the endpoint acknowledged. */
  delivered: number;
  /** Selected events refused for good in this run and set aside (dead letters). */
  refusedEvents: number;
  /**
   * Of the delivered events, those found already in the backend: a resend of a request it stored
   * while the answer was lost, refused as out of order or duplicate.
   */
  alreadyHeld: number;
  /** Data points the endpoint acknowledged but reported rejected (partial_success). */
  rejectedPoints: number;
  /** Selected events older than max-age: not sent, only written to the OTLP/JSON file. */
  tooOld: number;
  /**
   * Selected events the endpoint refused as older than it keeps: set aside when the OTLP/JSON
   * file holds them (the run can still succeed), else left pending (see errors).
   */
  tooOldForEndpoint: number;
  /** Of the selected events, those set aside by this run: refused, or too old and kept in a file. */
  selectedSetAside: number;
  /** Of the selected events, those that stay pending after this run. */
  selectedPending: number;
  /** Events set aside in the database, by this run or earlier ones; -1 if counting failed. */
  setAside: number;
  /** Events in the database neither acknowledged nor set aside, after this run; -1 if unknown. */
  pending: number;
  /**
   * The same before this run read anything; -1 if unknown. With `delivered` and `pending`, what
   * a person reads an interrupted run by: the selection then counts only what was read.
   */
  pendingAtStart: number;
  /** Pending events of the last seconds, which tokf may still be writing: left for a later run. */
  held: number;
  /**
   * Pending events of tokf's built-in commands left out by `builtins: skip` (recorded as done
   * unless the run was a dry run or a file export).
   */
  skippedBuiltins: number;
  /** The resource's service.name and where it came from, in words. */
  service: { name: string; from: string };
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
  /** The OpenMetrics backfill of the selected events (metrics.om), when one was asked for. */
  openmetricsFile: string | null;
  /** Tokens saved by command and filter over the selected events, largest first (top 20). */
  savedBy: SavingsRow[];
  /**
   * The same with each command cut to its program and subcommand (`git status`): what reports
   * read by others show, since a command line may hold secrets (top 20).
   */
  savedByProgram: SavingsRow[];
  /**
   * Tokens of the selected events, as tokf estimates them: input, output, and saved, which is
   * the tokf.tokens.saved metric (each event's input minus output, floored at zero).
   */
  tokens: TokenTotals;
  /** The same over the events the endpoint acknowledged in this run. */
  deliveredTokens: TokenTotals;
  /** Invocations and tokens saved per UTC day of the selected events, oldest first. */
  daily: DayTotals[];
  /** The run was interrupted (Ctrl-C): it sent nothing more and recorded what was acknowledged. */
  interrupted: boolean;
  /** Signs of a wrong clock where the events were recorded (also given as warnings). */
  clock: ClockReport;
  /**
   * Each signal sent (--signals), in the order metrics, logs, traces. The fields above are the
   * first signal's, but for status, exitCode, errors, warnings (of every signal, with
   * `signal` set on those of logs and traces), durationMs and interrupted, which are the run's.
   */
  signals: SignalResult[];
  /** Why events could not be delivered or recorded; they stay pending. */
  errors: Notice[];
  /** What a person should know about a run that did its job. */
  warnings: Notice[];
  /** The run in the shape every sending command shares (see RunSummary). */
  run: RunSummary;
}
