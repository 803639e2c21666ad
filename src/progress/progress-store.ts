import type { IdRange } from '../source/id-ranges.js';

/**
 * Where a database keeps what the endpoint acknowledged. Two layouts exist: databases with an
 * `events.synced_to_otel_at` column (proposed for tokf, never released) keep it in the rows; every
 * released tokf has none, and there we keep acknowledged id ranges in a table of our own.
 */
export interface ProgressStore {
  readonly mode: 'column' | 'ranges';
  /** Whether anything of ours is there yet: false for a database no run has recorded in. */
  hasRecords(): boolean;
  /**
   * The id intervals that may hold pending events, within [minId, maxId], and an SQL condition
   * on `events` that pending rows also meet, if any.
   */
  pendingScan(minId: number, maxId: number): { gaps: IdRange[]; condition?: string };
  /**
   * Checks that progress can be recorded, creating what it needs, so that nothing is sent that
   * could not then be marked. Throws DatabaseError when the database cannot be written.
   */
  prepareForWriting(): void;
  /** Records, in one short transaction, that every event in these ranges was acknowledged. */
  markDelivered(ranges: readonly IdRange[], at: Date): void;
  /** Events not yet acknowledged, in the whole table. */
  countPending(): number;
}

/** tokf's own timestamp format, which the synced column uses too: UTC, whole seconds. */
export function tokfTimestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
