import { accessSync, constants, mkdirSync } from 'node:fs';
import type { SyncConfig } from '../config/sync-config.js';
import type { RetryPolicy } from '../deliver/retrying-transport.js';
import type { Transport } from '../deliver/http-transport.js';
import { UsageError } from '../errors.js';
import { ColumnProgressStore } from '../progress/column-store.js';
import { DeadLetters } from '../progress/dead-letters.js';
import { RangesProgressStore } from '../progress/ranges-store.js';
import { SeriesStore } from '../progress/series-store.js';
import { SyncLock } from '../progress/sync-lock.js';
import { assertWritable, BUSY_TIMEOUT_MS, messageOf, openDatabase } from '../source/database.js';
import { readEventsSchema } from '../source/events-schema.js';
import { Replay, type Stores } from './replay.js';
import type { SyncResult } from './sync-result.js';

/** How long a sync waits for another one on the same database before refusing. */
const LOCK_WAIT_MS = 10_000;

export interface SyncDeps {
  now: () => number;
  /** Progress lines for a person watching; the result carries everything that matters. */
  log: (line: string) => void;
  userAgent: string;
  /** Backoff and budget for tests; the budget is the config's otherwise. */
  retryPolicy?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  lockWaitMs?: number;
  /** How long a statement waits for tokf's write lock. */
  busyTimeoutMs?: number;
  /** Stands in for the network (tests). */
  transport?: Transport;
}

/**
 * One replay of a database: opens it, takes the sync lock when anything will be recorded, and
 * runs the replay (see Replay). Throws UsageError, DatabaseError or SyncBusyError only before
 * anything is sent; everything after that is in the result.
 */
export async function runSync(config: SyncConfig, deps: SyncDeps): Promise<SyncResult> {
  const started = deps.now();
  const sending = config.endpoint !== undefined && !config.dryRun;
  if (config.otlpJsonOut !== undefined) prepareOutputDir(config.otlpJsonOut, '--otlp-json-out');
  if (config.openmetricsOut !== undefined)
    prepareOutputDir(config.openmetricsOut, '--openmetrics-out');
  if (sending) assertWritable(config.dbPath);
  const db = openDatabase(config.dbPath, !sending, deps.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
  try {
    const schema = readEventsSchema(db, config.dbPath);
    const stores: Stores = {
      db,
      progress: schema.hasSyncedColumn ? new ColumnProgressStore(db) : new RangesProgressStore(db),
      deadLetters: new DeadLetters(db),
      lock: new SyncLock(db),
      series: new SeriesStore(db),
      columns: schema.columns,
    };
    if (!sending) return await new Replay(config, deps, stores, false).run(started);
    // Before anything is sent: that progress can be recorded, and that no other sync is running.
    stores.progress.prepareForWriting();
    stores.deadLetters.prepareForWriting();
    if (config.temporality === 'cumulative') stores.series.prepareForWriting();
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    await stores.lock.acquire({ waitMs: deps.lockWaitMs ?? LOCK_WAIT_MS, now: deps.now, sleep });
    try {
      return await new Replay(config, deps, stores, true).run(started);
    } finally {
      stores.lock.release();
    }
  } finally {
    db.close();
  }
}

/** An output directory must be usable before the database is touched or anything sent. */
function prepareOutputDir(dir: string, flag: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new UsageError(`${flag}: cannot write to ${dir} (${messageOf(err)})`);
  }
}
