import type { DatabaseSync } from 'node:sqlite';
import type { SeriesTotals } from '../encode/cumulative.js';
import { inWriteTransaction } from './transaction.js';
import { tableExists } from './sql.js';

/** Our table of cumulative series: each series' start and running totals, as acknowledged. */
export const SERIES_TABLE = 'telemetry_sync_series';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${SERIES_TABLE} (
  series_key TEXT PRIMARY KEY,
  start_s INTEGER NOT NULL,
  last_s INTEGER NOT NULL,
  sum REAL NOT NULL,
  histogram TEXT
)`;

/**
 * The running totals of cumulative series, kept in the database beside our progress so that a later
 * run, on another runner, continues each series where the last acknowledged point left it. Memory
 * holds one entry per series, whatever the number of events.
 */
export class SeriesStore {
  private created = false;

  constructor(private readonly db: DatabaseSync) {}

  prepareForWriting(): void {
    inWriteTransaction(this.db, 'create the series table', () => this.db.exec(CREATE_TABLE));
    this.created = true;
  }

  /** Every series' totals; none when a read-only run finds no table of ours. */
  load(): Map<string, SeriesTotals> {
    const out = new Map<string, SeriesTotals>();
    if (!this.created && !this.exists()) return out;
    const rows = this.db
      .prepare(`SELECT series_key, start_s, last_s, sum, histogram FROM ${SERIES_TABLE}`)
      .all();
    for (const r of rows) {
      out.set(String(r.series_key), {
        startSeconds: Number(r.start_s),
        lastSeconds: Number(r.last_s),
        sum: Number(r.sum),
        histogram: r.histogram == null ? undefined : JSON.parse(String(r.histogram)),
      });
    }
    return out;
  }

  /** Records totals reached; joins the caller's transaction (see ProgressRecorder). */
  save(totals: ReadonlyMap<string, SeriesTotals>): void {
    if (totals.size === 0) return;
    const upsert = this.db.prepare(
      `INSERT INTO ${SERIES_TABLE} (series_key, start_s, last_s, sum, histogram) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(series_key) DO UPDATE SET last_s = excluded.last_s, sum = excluded.sum, histogram = excluded.histogram`,
    );
    inWriteTransaction(this.db, 'record series totals', () => {
      for (const [key, t] of totals) {
        upsert.run(
          key,
          t.startSeconds,
          t.lastSeconds,
          t.sum,
          t.histogram === undefined ? null : JSON.stringify(t.histogram),
        );
      }
    });
  }

  private exists(): boolean {
    return tableExists(this.db, 'main', SERIES_TABLE);
  }
}
