import type { DatabaseSync } from 'node:sqlite';
import { tokfTimestamp } from './progress-store.js';
import { inWriteTransaction } from './transaction.js';
import { tableExists } from './sql.js';

/**
 * Our table of the last sending runs, so that `telemetry-sync status` can say when the last sync
 * was and what it did. Deliberately small: one row per run that sent (dry runs and file exports
 * open the database read-only and leave none), the newest RUNS_KEPT kept. It is bookkeeping, not
 * progress: the database's fingerprint and a merge of copies leave it out.
 */
export const RUNS_TABLE = 'telemetry_sync_runs';

const RUNS_KEPT = 20;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${RUNS_TABLE} (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  status TEXT NOT NULL,
  endpoint TEXT,
  selected INTEGER NOT NULL,
  delivered INTEGER NOT NULL,
  set_aside INTEGER NOT NULL,
  pending INTEGER NOT NULL
)`;

/** One sending run, as status reports it. */
export interface RunRecord {
  startedAt: string;
  finishedAt: string;
  /** The run's status: delivered, partial or failed. */
  status: string;
  /** Scheme, host and path of the metrics URL (never credentials). */
  endpoint: string | null;
  /** Events the run selected, delivered, and set aside. */
  selected: number;
  delivered: number;
  setAside: number;
  /** Events pending in the whole database after the run (-1 when counting failed). */
  pending: number;
}

/** Appends a run and drops the oldest beyond RUNS_KEPT, in one short write transaction. */
export function recordRun(
  db: DatabaseSync,
  run: Omit<RunRecord, 'startedAt' | 'finishedAt'> & {
    startedMs: number;
    finishedMs: number;
  },
): void {
  inWriteTransaction(db, 'record the run', () => {
    db.exec(CREATE_TABLE);
    db.prepare(
      `INSERT INTO ${RUNS_TABLE} (started_at, finished_at, status, endpoint, selected, delivered, set_aside, pending)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      tokfTimestamp(new Date(run.startedMs)),
      tokfTimestamp(new Date(run.finishedMs)),
      run.status,
      run.endpoint,
      run.selected,
      run.delivered,
      run.setAside,
      run.pending,
    );
    db.prepare(
      `DELETE FROM ${RUNS_TABLE} WHERE id <= (SELECT max(id) FROM ${RUNS_TABLE}) - ${RUNS_KEPT}`,
    ).run();
  });
}

/** The newest recorded run, or undefined when none was (or the table is not there). */
export function lastRun(db: DatabaseSync): RunRecord | undefined {
  if (!tableExists(db, 'main', RUNS_TABLE)) return undefined;
  const row = db
    .prepare(
      `SELECT started_at, finished_at, status, endpoint, selected, delivered, set_aside, pending
         FROM ${RUNS_TABLE} ORDER BY id DESC LIMIT 1`,
    )
    .get();
  if (row === undefined) return undefined;
  return {
    startedAt: String(row.started_at),
    finishedAt: String(row.finished_at),
    status: String(row.status),
    endpoint: row.endpoint == null ? null : String(row.endpoint),
    selected: Number(row.selected),
    delivered: Number(row.delivered),
    setAside: Number(row.set_aside),
    pending: Number(row.pending),
  };
}
