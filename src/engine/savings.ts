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

/** Commands whose label is kept once worked out: a run repeats few commands many times. */
const MAX_LABELS = 5000;

/** Tallies tokens saved per command and filter, for the report. */
export class SavingsTally {
  /**
   * Rows by filter name ('' for passthrough, as for an empty name) and command label: looked up
   * twice per event rather than by a key put together per event, for every event of a run.
   */
  private readonly rows = new Map<string, Map<string, SavingsRow>>();
  /** Every row, in the order first seen (which orders rows that saved alike). */
  private readonly seen: SavingsRow[] = [];
  private other: SavingsRow | undefined;
  /** Labels of commands seen (where the label is not the command itself). */
  private readonly labels = new Map<string, string>();

  /** `label` names a command in the rows: the whole command line by default. */
  constructor(private readonly label?: (command: string) => string) {}

  add(e: TokfEvent): void {
    const command = this.labelOf(e.command);
    const filterKey = e.filterName ?? '';
    let byCommand = this.rows.get(filterKey);
    let row = byCommand?.get(command);
    if (row === undefined) {
      if (this.seen.length >= MAX_KEYS) {
        row = this.other ??= this.added({ command: OTHER_COMMANDS, filter: null });
      } else {
        if (byCommand === undefined) this.rows.set(filterKey, (byCommand = new Map()));
        row = this.added({ command, filter: e.filterName });
        byCommand.set(command, row);
      }
    }
    row.events += 1;
    row.tokensSaved += Math.max(0, e.inputTokens - e.outputTokens);
  }

  private added(of: Pick<SavingsRow, 'command' | 'filter'>): SavingsRow {
    const row = { ...of, events: 0, tokensSaved: 0 };
    this.seen.push(row);
    return row;
  }

  private labelOf(command: string): string {
    if (this.label === undefined) return command;
    let label = this.labels.get(command);
    if (label === undefined) {
      label = this.label(command);
      if (this.labels.size < MAX_LABELS) this.labels.set(command, label);
    }
    return label;
  }

  /** The rows that saved most, largest first. */
  top(n: number): SavingsRow[] {
    return [...this.seen]
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
