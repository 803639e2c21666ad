import { statSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import type { SeriesTotals } from '../encode/cumulative.js';
import { coverage } from '../source/id-ranges.js';
import type { TokfEvent } from '../source/tokf-event.js';
import type { DeadLetters, Rejection } from './dead-letters.js';
import type { InFlight } from './in-flight.js';
import type { ProgressStore } from './progress-store.js';
import type { SeriesStore } from './series-store.js';
import type { SyncLock } from './sync-lock.js';
import { inWriteTransaction } from './transaction.js';

/**
 * The one place a run writes what happened to its events, each call one short transaction, so
 * that tokf's writes wait at most that long and a crash loses at most the request in flight:
 * - acknowledged: the events are delivered, no longer set aside, their cumulative series have
 *   reached the totals sent, and the lock shows we live (or, taken over, nothing is written);
 * - set aside: the events are skipped by later runs, with why, until they are asked for again.
 */
export class ProgressRecorder {
  /** Time spent in the write transactions, in ms. */
  recordMs = 0;

  constructor(
    private readonly db: DatabaseSync,
    private readonly store: ProgressStore,
    private readonly deadLetters: DeadLetters,
    private readonly lock: SyncLock,
    private readonly now: () => number,
    private readonly series?: SeriesStore,
    /** Where the events of the request being sent are noted until its answer is recorded. */
    private readonly inFlight?: InFlight,
  ) {}

  /** Throws when the database refuses the write: the events then stay pending. */
  acknowledged(events: readonly TokfEvent[], totals?: ReadonlyMap<string, SeriesTotals>): void {
    this.write('record delivered events', (at) => {
      this.store.markDelivered(coverage(events), at);
      const ids = events.map((e) => e.id);
      this.deadLetters.forget(ids);
      this.inFlight?.delivered(ids, at);
      if (totals === undefined) return;
      if (this.series === undefined) throw new Error('cumulative totals but no series table');
      this.series.save(totals);
    });
  }

  /**
   * Events left out for good by the run's choice (tokf's built-in commands with `builtins: skip`):
   * done, as delivered ones are, but never sent. Throws when the database refuses the write.
   */
  leftOut(events: readonly Pick<TokfEvent, 'id' | 'coverFrom'>[]): void {
    if (events.length === 0) return;
    this.write('record skipped events', (at) => {
      this.store.markDelivered(coverage(events), at);
      this.deadLetters.forget(events.map((e) => e.id));
    });
  }

  /** Throws when the database refuses the write: the events then stay pending. */
  setAside(ids: readonly number[], rejection: Rejection): void {
    if (ids.length === 0) return;
    this.write('record set-aside events', (at) => this.deadLetters.record(ids, rejection, at));
  }

  /** The run finished writing `file`, which holds events it set aside (see DeadLetters). */
  fileWritten(file: string): void {
    const { size, mtimeMs } = statSync(file);
    this.write('record the file written', () => this.deadLetters.fileWritten(file, size, mtimeMs));
  }

  /** Before a request goes out (see InFlight); throws when the database refuses the write. */
  sending(events: readonly TokfEvent[]): void {
    if (this.inFlight === undefined) return;
    const ids = events.map((e) => e.id);
    const inFlight = this.inFlight;
    this.write('record the request in flight', (at) => inFlight.sending(ids, at));
  }

  /**
   * How a request's answer went, when not acknowledged: read (nothing of it is held unrecorded)
   * or not (it may be). Throws when the database refuses the write.
   */
  unacknowledged(events: readonly TokfEvent[], answerRead: boolean): void {
    if (this.inFlight === undefined) return;
    const ids = events.map((e) => e.id);
    const inFlight = this.inFlight;
    this.write('record the request in flight', (at) =>
      answerRead ? inFlight.notTaken(at) : inFlight.unread(ids, at),
    );
  }

  private write(what: string, work: (at: Date) => void): void {
    const at = new Date(this.now());
    const started = performance.now();
    try {
      inWriteTransaction(this.db, what, () => {
        // First: a run whose lock was taken over records nothing (LockLostError).
        this.lock.refresh(at.getTime());
        work(at);
      });
    } finally {
      this.recordMs += performance.now() - started;
    }
  }
}
