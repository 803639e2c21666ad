import type { DatabaseSync } from 'node:sqlite';
import type { Signal } from '../config/vocabulary.js';
import { SYNCED_COLUMN } from '../source/events-schema.js';
import { rejectedTable } from './dead-letters.js';
import { rangesTable } from './ranges-store.js';
import { progressInColumn } from './signal-store.js';
import { tableExists } from './sql.js';

/**
 * SQL conditions on one event's progress in a database that may have another attached (`main`,
 * `src`): whether it was acknowledged or is still pending as a signal, wherever that signal's
 * progress is kept (see signal-store.ts). Merging and the pending-event queries share them.
 */

/** The signals a pending count is about: an event is pending while any of them still owes it. */
export type PendingSignals = readonly Signal[];

/**
 * An SQL condition: the event `idExpr` of `schema` was acknowledged as `signal`, in the synced
 * column where `hasSyncedColumn` puts it (see progressInColumn), else in the signal's ranges.
 */
export function deliveredAs(
  db: DatabaseSync,
  schema: 'main' | 'src',
  signal: Signal,
  hasSyncedColumn: boolean,
  idExpr: string,
): string {
  if (progressInColumn(signal, hasSyncedColumn)) {
    return `coalesce((SELECT x.${SYNCED_COLUMN} IS NOT NULL FROM ${schema}.events x WHERE x.id = ${idExpr}), 0)`;
  }
  const ranges = rangesTable(signal);
  return tableExists(db, schema, ranges) ? inRanges(schema, ranges, idExpr) : '0';
}

/** An SQL condition: `idExpr` lies in one of the acknowledged ranges of `schema.table`. */
export function inRanges(schema: 'main' | 'src', table: string, idExpr: string): string {
  return `coalesce((SELECT d.last_id >= ${idExpr} FROM ${schema}.${table} d
                     WHERE d.first_id <= ${idExpr} ORDER BY d.first_id DESC LIMIT 1), 0)`;
}

/**
 * An SQL condition: event `idExpr` of `schema` is pending as `signal`, neither acknowledged nor
 * set aside as that signal.
 */
export function pendingAs(
  db: DatabaseSync,
  schema: 'main' | 'src',
  signal: Signal,
  synced: boolean,
  idExpr: string,
): string {
  const delivered = deliveredAs(db, schema, signal, synced, idExpr);
  const table = rejectedTable(signal);
  const setAside = tableExists(db, schema, table)
    ? `OR EXISTS (SELECT 1 FROM ${schema}.${table} r WHERE r.event_id = ${idExpr})`
    : '';
  return `NOT (${delivered} ${setAside})`;
}

/** An SQL condition: event `idExpr` is pending as at least one of `signals`. */
export function pendingAsAny(
  db: DatabaseSync,
  schema: 'main' | 'src',
  signals: PendingSignals,
  synced: boolean,
  idExpr: string,
): string {
  return `(${signals.map((s) => pendingAs(db, schema, s, synced, idExpr)).join(' OR ')})`;
}
