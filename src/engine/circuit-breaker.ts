import type { DeliveryOutcome } from '../deliver/outcome.js';

/** The refusals a circuit breaker is told of. */
export type RefusalKind = Extract<DeliveryOutcome['kind'], 'bad-data' | 'too-old' | 'out-of-order'>;

/**
 * The circuit breaker of every sending run, with one rule: only refusals of the data (bad data)
 * count, `max` of them in a row stop the run, and an acknowledgement starts the count again. A
 * refusal for the data's time (too old for the endpoint, out of order or already held) is no sign
 * that the endpoint refuses everything: it neither counts nor starts the count again.
 */
export class CircuitBreaker {
  private inARow = 0;

  constructor(readonly max: number) {}

  /** Refused units (events, lines) counted in a row so far. */
  get count(): number {
    return this.inARow;
  }

  accepted(): void {
    this.inARow = 0;
  }

  /** Counts a refusal by the rule above; true when the breaker trips (the run must stop). */
  refused(kind: RefusalKind): boolean {
    if (kind !== 'bad-data') return false;
    this.inARow += 1;
    return this.inARow >= this.max;
  }
}
