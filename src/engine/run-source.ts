import type { SyncLock } from '../progress/sync-lock.js';
import type { RunOutcome } from './run-deps.js';
import type { RunHarness } from './run-harness.js';

/** How a run ended, as the harness saw it: the source folds it into its result. */
export interface RunEnd {
  /** Interrupted by Ctrl-C or SIGTERM. */
  interrupted: boolean;
  /** Why the lock is no longer the run's, once another run took it over. */
  lockLost: string | undefined;
  durationMs: number;
}

/**
 * What a source gives the run harness, which drives the run (see RunHarness.run): the lock of the
 * store its progress is recorded in, what is pending unit by unit (a signal of a tokf database, a
 * JSON Lines file), how one unit is encoded and sent with the run's services (exporters, breaker,
 * stop) and its acknowledgements recorded, and the result in the run's one shape. Everything else
 * (the lock taken and given back, exporters made and closed, the stop between units, the run log
 * written only while the lock is the run's) is the harness's.
 */
export interface RunSource<Unit, Result extends RunOutcome> {
  /** The lock of the store progress is recorded in; undefined when nothing is recorded. */
  readonly lock: SyncLock | undefined;
  /** When the run began, if before the harness was asked (the store opened): its duration's start. */
  readonly started?: number;
  /** What is pending, in the order it is sent. */
  units(): Iterable<Unit>;
  /** Sends one unit and records what was acknowledged; false when the run goes no further. */
  send(unit: Unit, run: RunHarness): Promise<boolean>;
  /** The run's result, still holding the lock, once the units are sent or the run stopped. */
  result(end: RunEnd): Result;
  /** Leaves the run's line in the run log; called only while the lock is still the run's. */
  logRun?(result: Result): void;
  /** Gives back what the source opened, after the run (also when it failed or never started). */
  close?(): void;
}
