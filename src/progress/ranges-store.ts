import type { DatabaseSync } from 'node:sqlite';
import { coalesce, gapsBetween, type IdRange } from '../source/id-ranges.js';
import { tokfTimestamp, type ProgressStore } from './progress-store.js';
import { inWriteTransaction } from './transaction.js';
import { tableExists } from './sql.js';

/**
 * Our own table in tokf's database. It never touches tokf's tables or its `sync_state` key
 * `last_synced_id`. Ranges rather than a "last id" cursor, because `--since`, `--until` and
 * `--limit` leave gaps that a later run must still send.
 */
export const RANGES_TABLE = 'telemetry_sync_delivered';

/** The ranges table of a signal: metrics keep the original name, so earlier progress stands. */
export function rangesTable(signal: string): string {
  return signal === 'metrics' ? RANGES_TABLE : `${RANGES_TABLE}_${signal}`;
}

const createTable = (table: string) => `CREATE TABLE IF NOT EXISTS ${table} (
  first_id INTEGER PRIMARY KEY,
  last_id INTEGER NOT NULL,
  delivered_at TEXT NOT NULL
)`;

/** Progress kept as acknowledged id ranges in a table of ours, merged as they grow. */
export class RangesProgressStore implements ProgressStore {
  readonly mode = 'ranges';

  constructor(
    private readonly db: DatabaseSync,
    /** Our table of acknowledged ranges: one per signal (see rangesTable). */
    private readonly table: string = RANGES_TABLE,
  ) {}

  pendingScan(minId: number, maxId: number): { gaps: IdRange[] } {
    return { gaps: gapsBetween(this.delivered(), minId, maxId) };
  }

  prepareForWriting(): void {
    inWriteTransaction(this.db, 'create the progress table', () => {
      this.db.exec(createTable(this.table));
    });
  }

  markDelivered(ranges: readonly IdRange[], at: Date): void {
    if (ranges.length === 0) return;
    const stamp = tokfTimestamp(at);
    const touching = this.db.prepare(
      `SELECT first_id AS first, last_id AS last FROM ${this.table} WHERE first_id <= ? AND last_id >= ?`,
    );
    const remove = this.db.prepare(`DELETE FROM ${this.table} WHERE first_id = ?`);
    const insert = this.db.prepare(
      `INSERT INTO ${this.table} (first_id, last_id, delivered_at) VALUES (?, ?, ?)`,
    );
    inWriteTransaction(this.db, 'record delivered events', () => {
      for (const r of coalesce(ranges)) {
        // Ranges that overlap or touch this one are folded into it, so the table stays small.
        const neighbours = touching.all(r.last + 1, r.first - 1).map(toRange);
        const merged = coalesce([r, ...neighbours]);
        for (const n of neighbours) remove.run(n.first);
        for (const m of merged) insert.run(m.first, m.last, stamp);
      }
    });
  }

  countPending(): number {
    const total = Number(this.db.prepare('SELECT count(*) AS n FROM events').get()?.n ?? 0);
    const inRange = this.db.prepare('SELECT count(*) AS n FROM events WHERE id BETWEEN ? AND ?');
    let delivered = 0;
    for (const r of this.delivered()) delivered += Number(inRange.get(r.first, r.last)?.n ?? 0);
    return total - delivered;
  }

  hasRecords(): boolean {
    return tableExists(this.db, 'main', this.table);
  }

  /** Acknowledged ranges; none when a read-only run finds no table of ours yet. */
  delivered(): IdRange[] {
    if (!this.hasRecords()) return [];
    return this.db
      .prepare(`SELECT first_id AS first, last_id AS last FROM ${this.table} ORDER BY first_id`)
      .all()
      .map(toRange);
  }
}

function toRange(row: Record<string, unknown>): IdRange {
  return { first: Number(row.first), last: Number(row.last) };
}
