import type { TokfEvent } from '../source/tokf-event.js';

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

  add(e: TokfEvent): void {
    let key = `${e.filterName ?? ''}\u0000${e.command}`;
    let command = e.command;
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
