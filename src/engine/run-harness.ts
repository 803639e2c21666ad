import { setTimeout as delay } from 'node:timers/promises';
import type { Compression, EndpointConfig, Protocol, Signal } from '../config/vocabulary.js';
import { OtlpExporter } from '../deliver/otlp-exporter.js';
import { DEFAULT_RETRY_POLICY } from '../deliver/retrying-transport.js';
import type { SyncLock } from '../progress/sync-lock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { RunDeps, RunProgress } from './run-deps.js';

/** How long a run waits for another one holding the same lock (database or state) before refusing. */
export const LOCK_WAIT_MS = 10_000;

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
 * What every command that sends shares, whatever its source reads (a tokf database, JSON Lines
 * files): the lock held while progress is recorded, the exporters (retries, their progress, the
 * stop), the circuit breaker, Ctrl-C and SIGTERM (through `deps.signal`), a lock taken over, and
 * the run log written only while the lock is the run's. A source says what is pending, how it is
 * encoded and how an acknowledgement is recorded; it asks the harness for the rest.
 */
export class RunHarness {
  private stops: AbortSignal | undefined;

  constructor(
    readonly deps: RunDeps,
    /** The lock of the store progress is recorded in; undefined when nothing is recorded. */
    readonly lock: SyncLock | undefined,
  ) {}

  /**
   * Runs `body` holding the lock (when there is one), then leaves the run's line in the run log
   * unless the lock was taken over (the log is the other run's to write then). Throws
   * SyncBusyError before `body` when another run holds the lock past LOCK_WAIT_MS.
   */
  async hold<R>(body: () => Promise<R>, logRun?: (result: R) => void): Promise<R> {
    const { lock, deps } = this;
    if (lock === undefined) return await body();
    const sleep = deps.sleep ?? delay;
    await lock.acquire({ waitMs: deps.lockWaitMs ?? LOCK_WAIT_MS, now: deps.now, sleep });
    try {
      const result = await body();
      if (lock.lost === undefined) logRun?.(result);
      return result;
    } finally {
      lock.release();
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
   * An exporter with the run's edges: retry policy and budget, retry progress, the user agent,
   * and the stop (no attempt is started once the run is interrupted or its lock taken over).
   */
  exporter(target: ExporterTarget): OtlpExporter {
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
