import type { Transport } from '../deliver/transport.js';
import type { RetryPolicy } from '../deliver/retrying-transport.js';
import type { FilesForLater } from './files-for-later.js';
import type { RunSummary } from './run-summary.js';

/**
 * What every sending command hands the engine (`sync` over a tokf database, `replay` over JSON
 * Lines files): the same edges, so that the run harness (see run-harness.ts) treats them alike.
 */
export interface RunDeps {
  now: () => number;
  /** Progress lines for a person watching; the result carries everything that matters. */
  log: (line: string) => void;
  userAgent: string;
  /** Backoff and budget for tests; the budget is the config's otherwise. */
  retryPolicy?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** How long a run waits for another one holding the same lock before refusing. */
  lockWaitMs?: number;
  /** Stands in for the network, every signal's (tests). */
  transport?: Transport;
  /**
   * Told how far the run is, for a person watching: after each request is settled (or, when
   * nothing is sent, each batch written), and before each wait between retries. No terminal here:
   * the entry point renders it, or not.
   */
  progress?: (p: RunProgress) => void;
  /**
   * Aborted to interrupt the run (Ctrl-C, SIGTERM): no further request or attempt is started and
   * waits between retries end at once; a request in flight is let finish (within its timeout), so
   * that one the endpoint may have taken is recorded rather than sent again. What was acknowledged
   * is recorded, the rest stays pending, and the result has `interrupted` set.
   */
  signal?: AbortSignal;
}

/**
 * The tokf database's run: the shared edges, how long a statement waits for tokf's lock, and
 * where its OTLP/JSON files go when the caller keeps them only later.
 */
export interface SyncDeps extends RunDeps {
  busyTimeoutMs?: number;
  /** Where the OTLP/JSON files are kept later, by the caller (see FilesForLater). */
  filesForLater?: FilesForLater;
}

/** The JSON Lines run (`replay`): the shared edges only. */
export type ReplayFilesDeps = RunDeps;

/** How far a run is (see RunDeps.progress). */
export type RunProgress =
  | {
      kind: 'events';
      /** Selected events settled so far: acknowledged, set aside, too old; or written, when not sending. */
      done: number;
      /** Of which the endpoint acknowledged. */
      delivered: number;
      /**
       * About how many events the run will select, from a count of the pending events before it
       * starts; undefined where that count would not be near (since, until).
       */
      total: number | undefined;
      /** Whether the run sends (else it only writes files or is a dry run). */
      sending: boolean;
    }
  | {
      kind: 'retry';
      /** The wait before the next attempt. */
      waitMs: number;
      /** Attempts made so far for this request. */
      attempts: number;
      /** What the last attempt came to. */
      reason: string;
    };

/** The name `sync` has always exported. */
export type SyncProgress = RunProgress;

/**
 * What every sending command's result says, whatever it read: the entry points rely on these, and
 * `run` tells the run in the one shape every command shares (see RunSummary).
 */
export interface RunOutcome {
  status: string;
  exitCode: 0 | 1;
  /** Interrupted (Ctrl-C, SIGTERM): nothing more was sent and what was acknowledged is recorded. */
  interrupted: boolean;
  durationMs: number;
  run: RunSummary;
}
