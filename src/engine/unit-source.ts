import type { DatabaseSync } from 'node:sqlite';
import { displayEndpoint } from '../config/endpoint.js';
import type { Signal } from '../config/vocabulary.js';
import { describeOutcome, type DeliveryOutcome } from '../deliver/outcome.js';
import type { SyncLock } from '../progress/sync-lock.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { RunOutcome } from './run-deps.js';
import type { ExporterTarget, RunEnd, RunHarness, RunSource } from './run-harness.js';

/** One request's worth of a source, encoded: its body, for its signal's endpoint. */
export interface EncodedUnit {
  signal: Signal;
  body: Uint8Array;
  /** Events (records, points, spans) it carries: what the result and progress count. */
  events: number;
}

/** A refusal of a unit for what it holds or its time: the unit is set aside, never sent again. */
export type UnitRefusal = Extract<
  DeliveryOutcome,
  { kind: 'bad-data' | 'too-old' | 'out-of-order' }
>;

/**
 * The least a source writes to be run by the harness, when each unit is one request sent on its
 * own (no ordered pipeline, no splitting): what is pending, how a unit is encoded, where its
 * signal goes, and how an acknowledgement and a refusal are recorded. Everything else (lock,
 * exporters and their retries, the breaker's one rule, the stop, progress, the result) is
 * `sendUnits`'s and the harness's.
 */
export interface UnitSource<U> {
  /** The command its runs are told as (see RunSummary). */
  readonly command: string;
  /** The lock of the store progress is recorded in; undefined when nothing is recorded. */
  readonly lock: SyncLock | undefined;
  /** Where the harness logs each run for `status` (see RunSource.runLog); none if undefined. */
  readonly runLog?: DatabaseSync;
  /** Refusals of the data in a row that stop the run (the breaker's one rule). */
  readonly maxConsecutiveFailures: number;
  pending(): Iterable<U>;
  encode(unit: U): EncodedUnit;
  /** Where a signal is sent (without the signal and redirect notes, which the run adds). */
  target(signal: Signal): Omit<ExporterTarget, 'otlpSignal' | 'onRedirect'>;
  /** Records that the endpoint acknowledged the unit. */
  acknowledged(unit: U): void;
  /** Records the unit as set aside: the endpoint refused it for what it holds or its time. */
  setAside(unit: U, refusal: UnitRefusal): void;
  close?(): void;
}

/** What a run of a UnitSource came to, in the run's one shape. */
export interface UnitsResult extends RunOutcome {
  status: 'delivered' | 'partial' | 'failed';
  /** Events acknowledged, and set aside. */
  delivered: number;
  setAside: number;
  requests: number;
  retries: number;
  bytesSent: number;
  /** Why the run stopped before the last unit (an outcome, the breaker, Ctrl-C, the lock), or null. */
  stopped: string | null;
}

/** A UnitSource as the harness runs it: `RunHarness.run(deps, sendUnits(source))`. */
export function sendUnits<U>(source: UnitSource<U>): RunSource<U, UnitsResult> {
  return new UnitRun(source);
}

class UnitRun<U> implements RunSource<U, UnitsResult> {
  readonly lock: SyncLock | undefined;
  readonly runLog: DatabaseSync | undefined;
  /** The endpoints units were sent to, as they may be shown. */
  private readonly endpoints = new Set<string>();
  private readonly tally = { delivered: 0, setAside: 0, requests: 0, retries: 0, bytesSent: 0 };
  private stopped: string | null = null;
  private madeBreaker: CircuitBreaker | undefined;

  constructor(private readonly source: UnitSource<U>) {
    this.lock = source.lock;
    this.runLog = source.runLog;
  }

  units(): Iterable<U> {
    return this.source.pending();
  }

  async send(unit: U, harness: RunHarness): Promise<boolean> {
    const halted = harness.halted();
    if (halted !== undefined) return this.stop(halted);
    const { source, tally } = this;
    const encoded = source.encode(unit);
    const target = source.target(encoded.signal);
    this.endpoints.add(displayEndpoint(target.endpoint.url));
    const exporter = harness.exporter({
      ...target,
      otlpSignal: encoded.signal,
      onRedirect: harness.deps.log,
    });
    const outcome = await exporter.send(encoded.body);
    tally.retries += Math.max(0, outcome.attempts - 1);
    if (outcome.attempts > 0) tally.requests++;
    tally.bytesSent += outcome.bytesSent;
    const breaker = this.breaker(harness);
    switch (outcome.kind) {
      case 'acknowledged':
        source.acknowledged(unit);
        breaker.accepted();
        tally.delivered += encoded.events;
        break;
      case 'bad-data':
      case 'too-old':
      case 'out-of-order':
        source.setAside(unit, outcome);
        tally.setAside += encoded.events;
        if (breaker.refused(outcome.kind))
          return this.stop(
            `${breaker.count} requests in a row were refused; stopping (--max-consecutive-failures)`,
          );
        break;
      default:
        // Interrupted in flight, retries spent, not an OTLP endpoint, a failure: the unit waits.
        return this.stop(harness.halted() ?? describeOutcome(outcome));
    }
    harness.progress({
      kind: 'events',
      done: tally.delivered + tally.setAside,
      delivered: tally.delivered,
      total: undefined,
      sending: true,
    });
    return true;
  }

  result(end: RunEnd): UnitsResult {
    const { tally, stopped } = this;
    const trouble = stopped !== null || tally.setAside > 0;
    const status =
      stopped !== null && tally.delivered === 0 ? 'failed' : trouble ? 'partial' : 'delivered';
    const exitCode = trouble ? 1 : 0;
    return {
      status,
      exitCode,
      interrupted: end.interrupted,
      durationMs: end.durationMs,
      ...tally,
      stopped,
      run: {
        command: this.source.command,
        status,
        exitCode,
        interrupted: end.interrupted,
        durationMs: end.durationMs,
        unit: 'event',
        endpoint: this.endpoints.size === 0 ? null : [...this.endpoints].join(', '),
        selected: tally.delivered + tally.setAside,
        delivered: tally.delivered,
        setAside: tally.setAside,
        // What the source still holds is its own to count.
        pending: -1,
        requests: tally.requests,
        retries: tally.retries,
        bytesSent: tally.bytesSent,
      },
    };
  }

  close(): void {
    this.source.close?.();
  }

  /** The run's one breaker, made on the first unit sent. */
  private breaker(harness: RunHarness): CircuitBreaker {
    this.madeBreaker ??= harness.breaker(this.source.maxConsecutiveFailures);
    return this.madeBreaker;
  }

  private stop(reason: string): false {
    this.stopped = reason;
    return false;
  }
}
