import type { DatabaseSync } from 'node:sqlite';
import { SYNCED_COLUMN } from '../source/events-schema.js';
import type { IdRange } from '../source/id-ranges.js';
import { tokfTimestamp, type ProgressStore } from './progress-store.js';
import { inWriteTransaction } from './transaction.js';

/** Progress kept in `events.synced_to_otel_at`: NULL means pending, a time means delivered. */
export class ColumnProgressStore implements ProgressStore {
  readonly mode = 'column';

  constructor(private readonly db: DatabaseSync) {}

  pendingScan(minId: number, maxId: number): { gaps: IdRange[]; condition: string } {
    const gaps = maxId >= minId ? [{ first: minId, last: maxId }] : [];
    return { gaps, condition: `${SYNCED_COLUMN} IS NULL` };
  }

  /** The column is tokf's schema's own: progress lives there from the start. */
  hasRecords(): boolean {
    return true;
  }

  prepareForWriting(): void {
    // A write that changes nothing still needs the write lock and a journal: a read-only file or
    // directory fails here, before anything is sent.
    inWriteTransaction(this.db, 'check that progress can be recorded', () => {
      this.db
        .prepare(
          `UPDATE events SET ${SYNCED_COLUMN} = ${SYNCED_COLUMN} WHERE id = (SELECT max(id) FROM events)`,
        )
        .run();
    });
  }

  markDelivered(ranges: readonly IdRange[], at: Date): void {
    const update = this.db.prepare(
      `UPDATE events SET ${SYNCED_COLUMN} = ? WHERE id BETWEEN ? AND ? AND ${SYNCED_COLUMN} IS NULL`,
    );
    const stamp = tokfTimestamp(at);
    inWriteTransaction(this.db, 'record delivered events', () => {
      for (const r of ranges) update.run(stamp, r.first, r.last);
    });
  }

  countPending(): number {
    const row = this.db
      .prepare(`SELECT count(*) AS n FROM events WHERE ${SYNCED_COLUMN} IS NULL`)
      .get();
    return Number(row?.n ?? 0);
  }
}
