import type { Signal } from '../config/vocabulary.js';
import type { Recognition } from '../progress/jsonl-state.js';
import type { RunSummary } from './run-summary.js';

/** How a file's replay started: as the state recognised it, or from its start after truncation. */
export type FileStart = Recognition | 'truncated';

/** One file of a replay. */
export interface ReplayFileReport {
  path: string;
  gzip: boolean;
  /** Absent for a file with no complete line yet (nothing to identify it by). */
  start?: FileStart;
  /** Byte offset (uncompressed) the run started from, and where its progress stands now. */
  from: number;
  to: number;
  /** Lines read from `from` on, blank ones included. */
  lines: number;
  /** Lines acknowledged whole (on a dry run: that would be sent). */
  sent: number;
  bad: number;
  refused: number;
  /** Lines left out whole by --since/--until. */
  filtered: number;
  /** A plain file's last line without a newline, left for a later run (it may be half written). */
  heldBack: boolean;
  /** Why the file could not be read to its end. */
  error?: string;
}

/** A line that was set aside, for the report (the rejects file has the line itself). */
export interface ReplayProblem {
  file: string;
  line: number;
  kind: 'bad' | 'refused';
  reason: string;
}

/** What one `telemetry-sync replay` did, as `--json` prints it. */
export interface ReplayFilesResult {
  command: 'replay';
  /** delivered: every line read was sent or passed over by the window; partial: some set aside
   * or unread; failed: stopped with nothing sent; dry-run: nothing sent. */
  status: 'delivered' | 'partial' | 'failed' | 'dry-run';
  /** 0 everything read was delivered (or a dry run); 1 anything was set aside, unread or unsent. */
  exitCode: 0 | 1;
  dryRun: boolean;
  /** The URL of each signal, as it may be shown. */
  endpoints: Partial<Record<Signal, string>>;
  statePath: string;
  rejectsPath: string;
  files: ReplayFileReport[];
  lines: number;
  sentLines: number;
  /** Lines per signal among those sent. */
  signals: Record<Signal, number>;
  requests: number;
  retries: number;
  bytesSent: number;
  /** Lines over the 1 MiB line limit (or cut by the window) sent as more than one request. */
  splitLines: number;
  badLines: number;
  refusedLines: number;
  /** Records (data points for metrics) the window left out. */
  filteredRecords: number;
  filteredLines: number;
  /**
   * gridctl's metric points older than --max-age (or the backend's horizon), not sent, and the
   * lines that had nothing newer; both count as done.
   */
  tooOldRecords: number;
  tooOldLines: number;
  /** The OpenMetrics backfill written (--gridctl --openmetrics-out), if any. */
  backfill?: { path: string; samples: number };
  /** Records the endpoint reported rejected in a partial success (not retried). */
  rejectedRecords: number;
  /** The first problems; `problemsOmitted` more were counted and written to the rejects file. */
  problems: ReplayProblem[];
  problemsOmitted: number;
  /** What the user should know though nothing went wrong, such as settings not applied. */
  warnings: string[];
  /** Where and why the run stopped early; the progress stands at the last acknowledged line. */
  stopped: { file: string; line: number; reason: string } | null;
  /** Interrupted (Ctrl-C, SIGTERM): nothing more was sent and what was acknowledged is recorded. */
  interrupted: boolean;
  durationMs: number;
  /** The run in the shape every sending command shares (see RunSummary). */
  run: RunSummary;
}

/** A replay's result as it is added up, before the run is told (see replayRunSummary). */
export type ReplayTotals = Omit<ReplayFilesResult, 'run'>;
