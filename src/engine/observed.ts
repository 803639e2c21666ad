import type { EncodedRequest } from '../encode/requests.js';
import type { TokfEvent } from '../source/tokf-event.js';
import { ClockCheck } from './clock-check.js';
import { addTokens, DailyTally, emptyTokens, programOf, SavingsTally } from './savings.js';
import type { SelectionTally } from './selection.js';

/** What a run saw of its selected events, for the result; bounded whatever the database size. */
export class Observed {
  readonly selection: SelectionTally = {
    selected: 0,
    unreadable: 0,
    skippedRejected: 0,
    held: 0,
    skipped: 0,
    firstSeconds: undefined,
    lastSeconds: undefined,
  };
  readonly savings = new SavingsTally();
  /** The same by program and subcommand only (see programOf). */
  readonly savingsByProgram = new SavingsTally(programOf);
  /** Tokens of the selected events. */
  readonly tokens = emptyTokens();
  /** Tokens of the events the endpoint acknowledged. */
  readonly deliveredTokens = emptyTokens();
  readonly daily = new DailyTally();
  readonly clock: ClockCheck;
  /** Points per metric name, over the requests encoded for sending. */
  readonly points: Record<string, number> = {};
  bytesEncoded = 0;
  /** Selected events older than max-age: written to the file only. */
  tooOld = 0;

  constructor(nowSeconds: number) {
    this.clock = new ClockCheck(nowSeconds);
  }

  batch(events: readonly TokfEvent[]): void {
    for (const e of events) {
      this.savings.add(e);
      this.savingsByProgram.add(e);
      addTokens(this.tokens, e);
      this.daily.add(e);
      this.clock.observe(e);
    }
  }

  acknowledged(events: readonly TokfEvent[]): void {
    for (const e of events) addTokens(this.deliveredTokens, e);
  }

  encoded(requests: readonly EncodedRequest[]): void {
    for (const r of requests) {
      this.bytesEncoded += r.body.byteLength;
      for (const [name, n] of Object.entries(r.points))
        this.points[name] = (this.points[name] ?? 0) + n;
    }
  }
}
