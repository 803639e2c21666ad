import { isOutOfOrderReason } from '../deliver/refusal-text.js';
import type { DeadLetters } from '../progress/dead-letters.js';
import type { InFlight } from '../progress/in-flight.js';
import type { TokfEvent } from '../source/tokf-event.js';

/**
 * Which events the endpoint may hold although their delivery was never recorded: those of a
 * request whose answer was not read (see InFlight), in this run or one that did not end cleanly,
 * and, for cumulative series, those earlier versions set aside for an out-of-order or duplicate
 * refusal, which is what a resend of a request the endpoint stored gets. Those are selected
 * again (re-examined), as ones the endpoint may hold.
 */
export class HeldEvents {
  /** The set-aside events looked at again. */
  private readonly reexamined: ReadonlySet<number>;
  /** The highest of them: the stored request they came from reached at least that far. */
  private readonly reexaminedUpTo: number;

  constructor(
    private readonly inFlight: InFlight,
    private readonly deadLetters: DeadLetters,
    cumulative: boolean,
  ) {
    // Cumulative series only: there the encoder never goes back in a series, so such a refusal of
    // events never sent needs another sender of the same series; what earlier versions set aside
    // for one was sent before, by a request whose answer was lost.
    const stuck = cumulative ? deadLetters.idsWhere(isOutOfOrderReason) : [];
    this.reexamined = new Set(stuck);
    this.reexaminedUpTo = stuck.length === 0 ? -Infinity : (stuck[stuck.length - 1] as number);
  }

  /**
   * Whether this run looks again at events earlier versions set aside for an out-of-order refusal
   * of a resend: the stored request they came from may reach past them.
   */
  get reexamining(): boolean {
    return this.reexamined.size > 0;
  }

  /**
   * Whether the endpoint may hold the event unrecorded: in a request whose answer was not read,
   * or looked at again (see reexamined), as may every pending event up to the last of those,
   * which the stored request they came from covered.
   */
  mayHold(e: TokfEvent): boolean {
    return this.inFlight.mayHold(e.id) || e.id <= this.reexaminedUpTo;
  }

  /** Dead letters later runs skip: all but those looked at again. */
  stillRejected(): ReadonlySet<number> {
    const all = this.deadLetters.ids();
    if (this.reexamined.size === 0) return all;
    return new Set([...all].filter((id) => !this.reexamined.has(id)));
  }
}
