import type { DatabaseSync } from 'node:sqlite';
import type { ProgressStore } from '../progress/progress-store.js';
import { parseEventTime, type TokfEvent } from './tokf-event.js';

/** Rows fetched per query. Each query ends before the next, so tokf's writes wait at most one. */
const PAGE_SIZE = 2000;

export interface PendingScan {
  /** The highest id when the scan began; rows tokf adds later wait for the next run. */
  maxId: number;
  events: Iterable<TokfEvent>;
}

/**
 * Pending events in id order, read a page at a time so that memory is bounded by the page and no
 * read lock is held between pages. Columns are selected by name: tokf's column order varies.
 */
export function scanPending(db: DatabaseSync, progress: ProgressStore): PendingScan {
  const bounds = db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM events').get();
  const minId = bounds?.lo == null ? 1 : Number(bounds.lo);
  const maxId = bounds?.hi == null ? 0 : Number(bounds.hi);
  const { gaps, condition } = progress.pendingScan(minId, maxId);
  const page = db.prepare(
    `SELECT id, timestamp, command, filter_name, input_tokens_est, output_tokens_est,
            filter_time_ms, exit_code
       FROM events
      WHERE id >= ? AND id <= ?${condition === undefined ? '' : ` AND ${condition}`}
      ORDER BY id
      LIMIT ${PAGE_SIZE}`,
  );
  function* events(): Generator<TokfEvent> {
    for (const gap of gaps) {
      let from = gap.first;
      while (from <= gap.last) {
        const rows = page.all(from, gap.last);
        for (const row of rows) {
          const event = toEvent(row, from);
          from = event.id + 1;
          yield event;
        }
        if (rows.length < PAGE_SIZE) break;
      }
    }
  }
  return { maxId, events: events() };
}

function toEvent(row: Record<string, unknown>, coverFrom: number): TokfEvent {
  const timestamp = row.timestamp == null ? '' : String(row.timestamp);
  return {
    id: Number(row.id),
    timestamp,
    epochSeconds: parseEventTime(timestamp),
    command: row.command == null ? '' : String(row.command),
    filterName: row.filter_name == null ? null : String(row.filter_name),
    inputTokens: toNumber(row.input_tokens_est),
    outputTokens: toNumber(row.output_tokens_est),
    filterTimeMs: toNumber(row.filter_time_ms),
    exitCode: row.exit_code == null ? null : toNumber(row.exit_code),
    coverFrom,
  };
}

// tokf declares these INTEGER NOT NULL, but SQLite stores whatever it is given.
function toNumber(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}
