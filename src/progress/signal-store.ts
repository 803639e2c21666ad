import type { DatabaseSync } from 'node:sqlite';
import type { Signal } from '../config/vocabulary.js';
import { ColumnProgressStore } from './column-store.js';
import type { ProgressStore } from './progress-store.js';
import { RangesProgressStore, rangesTable } from './ranges-store.js';

/**
 * Whether a signal's progress lives in tokf's `events.synced_to_otel_at` column: metrics, in a
 * database that has the column. Every other signal, and metrics in every released tokf's
 * database, keep acknowledged ranges in a table of their own (rangesTable).
 */
export function progressInColumn(signal: Signal, hasSyncedColumn: boolean): boolean {
  return signal === 'metrics' && hasSyncedColumn;
}

/** The store of a signal's progress in a database, by the rule of progressInColumn. */
export function progressStoreFor(
  db: DatabaseSync,
  signal: Signal,
  hasSyncedColumn: boolean,
): ProgressStore {
  return progressInColumn(signal, hasSyncedColumn)
    ? new ColumnProgressStore(db)
    : new RangesProgressStore(db, rangesTable(signal));
}
