import type { TokfEvent } from '../source/tokf-event.js';

export { programOf } from '../source/tokf-event.js';

/** Tokens saved by one command and filter, over the selected events. */
export interface SavingsRow {
  command: string;
  /** null for passthrough (no filter matched). */
  filter: string | null;
  events: number;
  tokensSaved: number;
}

// tokf.command holds the whole argv, so distinct commands are unbounded; past this many the
// rest are pooled, keeping memory bounded by a constant rather than by the database.
const MAX_KEYS = 5000;
export const OTHER_COMMANDS = '(other commands)';

/** Tallies tokens saved per command and filter, for the report. */
export class SavingsTally {
  private readonly rows = new Map<string, SavingsRow>();

  /** `label` names a command in the rows: the whole command line by default. */
  constructor(private readonly label: (command: string) => string = (c) => c) {}

  add(e: TokfEvent): void {
    let command = this.label(e.command);
    let key = `${e.filterName ?? ''}\u0000${command}`;
    let filter = e.filterName;
    if (!this.rows.has(key) && this.rows.size >= MAX_KEYS) {
      key = '\u0001other';
      command = OTHER_COMMANDS;
      filter = null;
    }
    let row = this.rows.get(key);
    if (row === undefined) {
      row = { command, filter, events: 0, tokensSaved: 0 };
      this.rows.set(key, row);
    }
    row.events += 1;
    row.tokensSaved += Math.max(0, e.inputTokens - e.outputTokens);
  }

  /** The rows that saved most, largest first. */
  top(n: number): SavingsRow[] {
    return [...this.rows.values()]
      .sort((a, b) => b.tokensSaved - a.tokensSaved || b.events - a.events)
      .slice(0, n);
  }
}

/**
 * Tokens of some events as tokf estimates them. `saved` is what the tokf.tokens.saved metric
 * counts: each event's input minus output, floored at zero (tokf's live exporter never records a
 * negative saving). `tokf gain` sums input minus output unfloored, so where some events grew
 * their output it shows less than `saved`; `input - output` here is that figure.
 */
export interface TokenTotals {
  events: number;
  input: number;
  output: number;
  saved: number;
}

export function emptyTokens(): TokenTotals {
  return { events: 0, input: 0, output: 0, saved: 0 };
}

export function addTokens(
  t: TokenTotals,
  e: Pick<TokfEvent, 'inputTokens' | 'outputTokens'>,
): void {
  t.events += 1;
  t.input += e.inputTokens;
  t.output += e.outputTokens;
  t.saved += Math.max(0, e.inputTokens - e.outputTokens);
}

/** Invocations and tokens saved on one UTC day. */
export interface DayTotals {
  /** YYYY-MM-DD, UTC. */
  day: string;
  events: number;
  tokensSaved: number;
}

// A wrong clock could stamp events over any number of days; a chart needs far fewer than this.
const MAX_DAYS = 4000;

/** Tallies invocations and tokens saved per UTC day, for a chart of the run. */
export class DailyTally {
  private readonly days = new Map<number, DayTotals>();

  add(e: TokfEvent): void {
    if (e.epochSeconds === undefined) return;
    const index = Math.floor(e.epochSeconds / 86_400);
    let day = this.days.get(index);
    if (day === undefined) {
      if (this.days.size >= MAX_DAYS) return;
      const iso = new Date(index * 86_400_000).toISOString().slice(0, 10);
      day = { day: iso, events: 0, tokensSaved: 0 };
      this.days.set(index, day);
    }
    day.events += 1;
    day.tokensSaved += Math.max(0, e.inputTokens - e.outputTokens);
  }

  /** Oldest first. */
  list(): DayTotals[] {
    return [...this.days.entries()].sort(([a], [b]) => a - b).map(([, d]) => d);
  }
}
