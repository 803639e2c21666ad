import type { DatabaseSync } from 'node:sqlite';
import { DatabaseError } from '../errors.js';

/** Columns every tokf release has had since 0.1.0; replay needs all of them. */
const REQUIRED_COLUMNS = [
  'id',
  'timestamp',
  'command',
  'filter_name',
  'input_tokens_est',
  'output_tokens_est',
  'filter_time_ms',
  'exit_code',
] as const;

/** The column a proposed tokf release used to mark delivered events; used where present. */
export const SYNCED_COLUMN = 'synced_to_otel_at';

export interface EventsSchema {
  /** Every column of `events`, by name: tokf adds columns with ALTER TABLE, so order varies. */
  columns: Set<string>;
  /** Whether `events.synced_to_otel_at` exists, so progress lives in the rows themselves. */
  hasSyncedColumn: boolean;
}

/** Recognises tokf's events table by its column names, or says exactly what is missing. */
export function readEventsSchema(db: DatabaseSync, path: string): EventsSchema {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all()
    .map((row) => String(row.name));
  if (!tables.includes('events')) {
    const found = tables.length === 0 ? 'it has no tables' : `tables found: ${tables.join(', ')}`;
    throw new DatabaseError(
      `${path} is not a tokf tracking database: no "events" table (${found})`,
    );
  }
  const columns = new Set(
    db
      .prepare("SELECT name FROM pragma_table_info('events')")
      .all()
      .map((row) => String(row.name)),
  );
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    throw new DatabaseError(
      `${path}: the "events" table lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, so it is not tokf's`,
    );
  }
  return { columns, hasSyncedColumn: columns.has(SYNCED_COLUMN) };
}
