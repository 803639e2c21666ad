import type { DatabaseSync } from 'node:sqlite';
import { setTimeout as delay } from 'node:timers/promises';
import type { Compression, EndpointConfig, Protocol, Signal } from '../config/vocabulary.js';
import { OtlpExporter } from '../deliver/otlp-exporter.js';
import { DEFAULT_RETRY_POLICY } from '../deliver/retrying-transport.js';
import { recordRun } from '../progress/run-log.js';
import { LOCK_WAIT_MS, type SyncLock } from '../progress/sync-lock.js';
import { messageOf } from '../errors.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { RunDeps, RunOutcome, RunProgress } from './run-deps.js';

/** Where and how one exporter of a run sends; the harness adds the run's edges. */
export interface ExporterTarget {
  endpoint: EndpointConfig;
  protocol: Protocol;
  compression: Compression;
  timeoutMs: number;
  retryBudgetMs: number;
  otlpSignal: Signal;
  /** Told of each redirect followed, in words. */
  onRedirect: (line: string) => void;
}

/**
 * Runs every command that sends, whatever its source reads (a tokf database, JSON Lines files,
 * gridctl's directory): `RunHarness.run(deps, source)` takes the lock while progress is recorded,
 * sends the source's units in order with exporters made here (retries, their progress, the stop)
 * and the circuit breaker's one rule, stops between units on Ctrl-C or SIGTERM (through
 * `deps.signal`) or a lock taken over, writes the run's summary (its result's `run`, one shape for
 * every source) to the run log only while the lock is the run's, and closes what the run opened.
 * A source says what is pending, how it is encoded and sent and how an acknowledgement is
 * recorded (see RunSource below); the harness does the rest.
 */
export class RunHarness {
  private stops: AbortSignal | undefined;
  private readonly exporters = new Map<string, OtlpExporter>();

  private constructor(
    readonly deps: RunDeps,
    /** The lock of the store progress is recorded in; undefined when nothing is recorded. */
    readonly lock: SyncLock | undefined,
  ) {}

  /**
   * One run of `source`: its units in order, holding its lock, until one says the run goes no
   * further (a unit stopped by `halted()` says so: the source tells where it stopped); then its
   * result. Throws SyncBusyError before anything is sent
   * when another run holds the lock past LOCK_WAIT_MS. The exporters are closed and the source
   * closed after the run, whatever it came to.
   */
  static async run<U, R extends RunOutcome>(deps: RunDeps, source: RunSource<U, R>): Promise<R> {
    const harness = new RunHarness(deps, source.lock);
    const started = source.started ?? deps.now();
    try {
      return await harness.hold(
        async () => {
          for (const unit of source.units()) if (!(await source.send(unit, harness))) break;
          return source.result({
            interrupted: harness.interrupted,
            lockLost: harness.lockLost,
            durationMs: deps.now() - started,
          });
        },
        (result) => {
          if (source.runLog !== undefined) harness.logRun(source.runLog, result, started);
        },
      );
    } finally {
      for (const exporter of harness.exporters.values()) exporter.close();
      source.close?.();
    }
  }

  /**
   * Runs `body` holding the lock (when there is one), then leaves the run's line in the run log
   * unless the lock was taken over (the log is the other run's to write then).
   */
  private async hold<R>(body: () => Promise<R>, logRun: (result: R) => void): Promise<R> {
    const { lock, deps } = this;
    if (lock === undefined) return await body();
    const sleep = deps.sleep ?? delay;
    await lock.acquire({ waitMs: deps.lockWaitMs ?? LOCK_WAIT_MS, now: deps.now, sleep });
    try {
      const result = await body();
      if (lock.lost === undefined) logRun(result);
      return result;
    } finally {
      lock.release();
    }
  }

  /**
   * Leaves the run's line (its RunSummary) in the run log that `status` reads. A run log that
   * cannot be written costs the line, never the run: what was sent is recorded already.
   */
  private logRun(db: DatabaseSync, result: RunOutcome, started: number): void {
    const { run } = result;
    try {
      recordRun(db, {
        startedMs: started,
        finishedMs: this.deps.now(),
        status: run.status,
        endpoint: run.endpoint,
        selected: run.selected,
        delivered: run.delivered,
        setAside: run.setAside,
        pending: run.pending,
      });
    } catch (err) {
      this.deps.log(`could not record the run for telemetry-sync status: ${messageOf(err)}`);
    }
  }

  /** Interrupted by Ctrl-C or SIGTERM. */
  get interrupted(): boolean {
    return this.deps.signal?.aborted === true;
  }

  /** Why the lock is no longer this run's, once another run took it over. */
  get lockLost(): string | undefined {
    return this.lock?.lost;
  }

  /** Why the run must send nothing more (interrupted, lock taken over), in words, or undefined. */
  halted(): string | undefined {
    const lost = this.lockLost;
    if (lost !== undefined) return `${lost}; this run stopped and recorded nothing more`;
    if (this.interrupted)
      return 'interrupted: sending stopped and what was acknowledged is recorded';
    return undefined;
  }

  /** Calls `stop` when the run is interrupted or its lock taken over; returns the unwatching. */
  onStop(stop: () => void): () => void {
    const { signal } = this.deps;
    signal?.addEventListener('abort', stop, { once: true });
    const unwatch = this.lock?.onLost(stop);
    return () => {
      signal?.removeEventListener('abort', stop);
      unwatch?.();
    };
  }

  /** Told how far the run is (see RunDeps.progress). */
  progress(p: RunProgress): void {
    this.deps.progress?.(p);
  }

  get reportsProgress(): boolean {
    return this.deps.progress !== undefined;
  }

  /** The circuit breaker of a run or a signal's pass (one rule, see CircuitBreaker). */
  breaker(maxConsecutiveFailures: number): CircuitBreaker {
    return new CircuitBreaker(maxConsecutiveFailures);
  }

  /**
   * The run's exporter for a signal and protocol, made on first use with the run's edges: retry
   * policy and budget, retry progress, the user agent, and the stop (no attempt is started once
   * the run is interrupted or its lock taken over). Closed by the harness when the run ends.
   */
  exporter(target: ExporterTarget): OtlpExporter {
    const key = `${target.otlpSignal} ${target.protocol}`;
    let found = this.exporters.get(key);
    if (found === undefined) {
      found = this.makeExporter(target);
      this.exporters.set(key, found);
    }
    return found;
  }

  private makeExporter(target: ExporterTarget): OtlpExporter {
    const { deps } = this;
    const signal = this.stopSignal();
    return new OtlpExporter({
      endpoint: target.endpoint,
      protocol: target.protocol,
      compression: target.compression,
      timeoutMs: target.timeoutMs,
      userAgent: deps.userAgent,
      otlpSignal: target.otlpSignal,
      onRedirect: target.onRedirect,
      now: deps.now,
      policy: { ...DEFAULT_RETRY_POLICY, budgetMs: target.retryBudgetMs, ...deps.retryPolicy },
      ...(signal !== undefined && { signal }),
      ...(deps.progress !== undefined && {
        onRetry: (wait) => deps.progress?.({ kind: 'retry', ...wait }),
      }),
      ...(deps.sleep !== undefined && { sleep: deps.sleep }),
      ...(deps.transport !== undefined && { transport: deps.transport }),
    });
  }

  private stopSignal(): AbortSignal | undefined {
    if (this.stops !== undefined) return this.stops;
    const stops = [this.deps.signal, this.lock?.lostSignal].filter((s) => s !== undefined);
    if (stops.length === 0) return undefined;
    this.stops = stops.length === 1 ? stops[0] : AbortSignal.any(stops);
    return this.stops;
  }
}

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
  /**
   * Where the run's line (its result's `run`) is logged for `status`, by the harness, only while
   * the lock is still the run's; undefined when runs of this source are not logged.
   */
  readonly runLog?: DatabaseSync;
  /** Gives back what the source opened, after the run (also when it failed or never started). */
  close?(): void;
}
