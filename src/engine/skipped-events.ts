import type { ProgressRecorder } from '../progress/recorder.js';
import type { TokfEvent } from '../source/tokf-event.js';
import { LockLostError, messageOf } from '../errors.js';
import type { Notices } from './notices.js';

/** Skipped events recorded per write transaction. */
const SKIPPED_PER_WRITE = 2000;

/**
 * The events `builtins: skip` leaves out, recorded as done where the run records (not a dry run or
 * a file export) so that they are not pending: in writes of SKIPPED_PER_WRITE, whatever lies
 * between them. A write that fails is the run's `skip-failed` error; the events stay pending.
 */
export class SkippedEvents {
  private waiting: Pick<TokfEvent, 'id' | 'coverFrom'>[] = [];

  constructor(
    private readonly recorder: ProgressRecorder | undefined,
    private readonly notices: Notices,
  ) {}

  skip(e: TokfEvent): void {
    if (this.recorder === undefined) return;
    this.waiting.push({ id: e.id, coverFrom: e.coverFrom });
    if (this.waiting.length >= SKIPPED_PER_WRITE) this.record();
  }

  /** Records those waiting; at the end of the run, and every SKIPPED_PER_WRITE. */
  record(): void {
    const events = this.waiting;
    if (this.recorder === undefined || events.length === 0) return;
    this.waiting = [];
    try {
      this.recorder.leftOut(events);
    } catch (err) {
      if (err instanceof LockLostError) return; // said once, as lock-lost
      this.notices.error({
        kind: 'skip-failed',
        count: events.length,
        firstId: events[0]?.id,
        message: messageOf(err),
      });
    }
  }
}
