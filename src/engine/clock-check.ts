import type { Notice } from './notices.js';
import type { TokfEvent } from '../source/tokf-event.js';

/** How far ahead of this machine's clock an event may be before it counts as skewed. */
export const FUTURE_TOLERANCE_S = 300;

export interface ClockReport {
  /** Events stamped later than now plus the tolerance. */
  future: number;
  /** Events stamped earlier than an event with a lower id: the writer's clock went back. */
  backwards: number;
  /** The first id of each kind, to look at. */
  firstFutureId: number | null;
  firstBackwardsId: number | null;
}

/** Watches event times for the two signs of a wrong clock on the machine that ran tokf. */
export class ClockCheck {
  private latest: number | undefined;
  readonly report: ClockReport = {
    future: 0,
    backwards: 0,
    firstFutureId: null,
    firstBackwardsId: null,
  };

  constructor(private readonly nowSeconds: number) {}

  observe(e: TokfEvent): void {
    const t = e.epochSeconds;
    if (t === undefined) return;
    if (t > this.nowSeconds + FUTURE_TOLERANCE_S) {
      this.report.future += 1;
      this.report.firstFutureId ??= e.id;
    }
    if (this.latest !== undefined && t < this.latest) {
      this.report.backwards += 1;
      this.report.firstBackwardsId ??= e.id;
    }
    this.latest = Math.max(this.latest ?? t, t);
  }

  /** Clock-skew notices for the run's result, one per sign seen. */
  notices(): Notice[] {
    const r = this.report;
    const out: Notice[] = [];
    if (r.future > 0)
      out.push({ kind: 'clock-future', count: r.future, firstId: r.firstFutureId, message: null });
    if (r.backwards > 0) {
      out.push({
        kind: 'clock-backwards',
        count: r.backwards,
        firstId: r.firstBackwardsId,
        message: null,
      });
    }
    return out;
  }
}
