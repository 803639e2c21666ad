import type { DatabaseSync } from 'node:sqlite';
import { redact } from '../config/redact.js';
import { tokfTimestamp } from './progress-store.js';
import { inWriteTransaction } from './transaction.js';
import { tableExists } from './sql.js';

/** Our table of events refused for good, with why; never tokf's tables. */
export const REJECTED_TABLE = 'telemetry_sync_rejected';

/** The dead letters of a signal: metrics keep the original name. */
export function rejectedTable(signal: string): string {
  return signal === 'metrics' ? REJECTED_TABLE : `${REJECTED_TABLE}_${signal}`;
}

const createTable = (table: string) => `CREATE TABLE IF NOT EXISTS ${table} (
  event_id INTEGER PRIMARY KEY,
  reason TEXT NOT NULL,
  status INTEGER,
  rejected_at TEXT NOT NULL,
  file TEXT,
  file_size INTEGER,
  file_mtime_ms INTEGER
)`;

/**
 * Columns added after the first release: the file that holds events set aside as too old, and
 * that file's size and modification time once the run finished writing it, by which `status`
 * tells whether it still holds them.
 */
const FILE_COLUMNS = [
  ['file', 'TEXT'],
  ['file_size', 'INTEGER'],
  ['file_mtime_ms', 'INTEGER'],
] as const;

export interface Rejection {
  reason: string;
  /** The HTTP status that refused it, when an endpoint did. */
  status: number | null;
  /** The file that keeps the events (those set aside as too old), when one does. */
  file?: string;
}

/**
 * Dead letters: events an endpoint refused permanently (or that can never be replayed). They are
 * not retried by later runs, so one bad point cannot block the events behind it, unless a run asks
 * for them again (`--retry-rejected`); a later delivery removes them from here.
 */
export class DeadLetters {
  /** Known once created: forget() runs after every acknowledgement and must stay cheap. */
  private created = false;
  /** The rejected ids, read once per run and kept up to date by record() and forget(). */
  private known: Set<number> | undefined;

  constructor(
    private readonly db: DatabaseSync,
    /** Our table of refused events: one per signal (see rejectedTable). */
    private readonly table: string = REJECTED_TABLE,
  ) {}

  /**
   * Creates the table, and cleans reasons stored by earlier versions of what they may hold of
   * these secrets (see redact): an endpoint's answer that echoed the request's credentials. With
   * secure_delete, so that the old text is overwritten in the file, not only unlinked from it.
   */
  prepareForWriting(secrets: readonly string[] = []): void {
    inWriteTransaction(this.db, 'create the rejected-events table', () => {
      this.db.exec(createTable(this.table));
      const have = new Set(
        this.db
          .prepare(`PRAGMA table_info(${this.table})`)
          .all()
          .map((c) => String(c.name)),
      );
      for (const [name, type] of FILE_COLUMNS)
        if (!have.has(name)) this.db.exec(`ALTER TABLE ${this.table} ADD COLUMN ${name} ${type}`);
      const reasons = this.db.prepare(`SELECT DISTINCT reason FROM ${this.table}`).all();
      const update = this.db.prepare(`UPDATE ${this.table} SET reason = ? WHERE reason = ?`);
      for (const { reason } of reasons) {
        const clean = redact(String(reason), secrets);
        if (clean === reason) continue;
        this.db.exec('PRAGMA secure_delete = ON');
        update.run(clean, String(reason));
      }
    });
    this.created = true;
  }

  /** Ids of rejected events; empty when a read-only run finds no table of ours. */
  ids(): ReadonlySet<number> {
    return this.knownIds();
  }

  private knownIds(): Set<number> {
    if (this.known === undefined) {
      const rows = this.exists()
        ? this.db.prepare(`SELECT event_id AS id FROM ${this.table}`).all()
        : [];
      this.known = new Set(rows.map((r) => Number(r.id)));
    }
    return this.known;
  }

  /** Ids of rejected events whose recorded reason passes `test`, in id order. */
  idsWhere(test: (reason: string) => boolean): number[] {
    if (!this.exists()) return [];
    const rows = this.db
      .prepare(`SELECT event_id AS id, reason FROM ${this.table} ORDER BY event_id`)
      .all();
    return rows.filter((r) => test(String(r.reason))).map((r) => Number(r.id));
  }

  count(): number {
    return this.ids().size;
  }

  record(ids: readonly number[], rejection: Rejection, at: Date): void {
    if (ids.length === 0) return;
    const upsert = this.db.prepare(
      `INSERT INTO ${this.table} (event_id, reason, status, rejected_at, file, file_size, file_mtime_ms)
       VALUES (?, ?, ?, ?, ?, NULL, NULL)
       ON CONFLICT(event_id) DO UPDATE SET reason = excluded.reason, status = excluded.status,
         rejected_at = excluded.rejected_at, file = excluded.file, file_size = NULL, file_mtime_ms = NULL`,
    );
    const stamp = tokfTimestamp(at);
    const file = rejection.file ?? null;
    inWriteTransaction(this.db, 'record rejected events', () => {
      for (const id of ids) upsert.run(id, rejection.reason, rejection.status, stamp, file);
    });
    const known = this.knownIds();
    for (const id of ids) known.add(id);
  }

  /**
   * The run finished writing `file`: its size and modification time now, beside the events this
   * run set aside into it, so that `status` can tell when a later run (or anyone) replaced it.
   */
  fileWritten(file: string, size: number, mtimeMs: number): void {
    if (!this.exists()) return;
    this.db
      .prepare(
        `UPDATE ${this.table} SET file_size = ?, file_mtime_ms = ? WHERE file = ? AND file_size IS NULL`,
      )
      .run(size, Math.floor(mtimeMs), file);
  }

  /** Forgets rejections of events that have now been delivered (re-sent rejected ones). */
  forget(ids: readonly number[]): void {
    const known = this.knownIds();
    const resent = ids.filter((id) => known.has(id));
    if (resent.length === 0) return;
    const remove = this.db.prepare(`DELETE FROM ${this.table} WHERE event_id = ?`);
    inWriteTransaction(this.db, 'clear re-sent rejected events', () => {
      for (const id of resent) remove.run(id);
    });
    for (const id of resent) known.delete(id);
  }

  private exists(): boolean {
    if (this.created) return true;
    return tableExists(this.db, 'main', this.table);
  }
}
