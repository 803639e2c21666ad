import { setTimeout as delay } from 'node:timers/promises';
import type { DatabaseSync } from 'node:sqlite';
import { accessSync, constants } from 'node:fs';
import type { Signal } from '../config/endpoint.js';
import type { SyncConfig } from '../config/sync-config.js';
import type { RetryPolicy } from '../deliver/retrying-transport.js';
import type { Transport } from '../deliver/http-transport.js';
import { DatabaseDamagedError, UsageError } from '../errors.js';
import { makeDirectory } from '../output/directory.js';
import { ColumnProgressStore } from '../progress/column-store.js';
import { DeadLetters, rejectedTable } from '../progress/dead-letters.js';
import { InFlight } from '../progress/in-flight.js';
import { RangesProgressStore, rangesTable } from '../progress/ranges-store.js';
import { SeriesStore } from '../progress/series-store.js';
import { SyncLock } from '../progress/sync-lock.js';
import { recordRun } from '../progress/run-log.js';
import { messageOf } from '../errors.js';
import { assertWritable, BUSY_TIMEOUT_MS, openDatabase } from '../source/database.js';
import { databaseFailure } from '../source/sqlite-failure.js';
import { readEventsSchema, type EventsSchema } from '../source/events-schema.js';
import type { FilesForLater } from './files-for-later.js';
import { Replay, type Stores } from './replay.js';
import { mergeSignalResults } from './signal-results.js';
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
  /**
   * Told how far the run is, for a person watching: after each request is settled (or, when
   * nothing is sent, each batch written), and before each wait between retries. No terminal here:
   * the entry point renders it, or not.
   */
  progress?: (p: SyncProgress) => void;
  /**
   * Aborted to interrupt the run (Ctrl-C): no further request or attempt is started and waits
   * between retries end at once; a request in flight is let finish (within its timeout), so that
   * one the endpoint may have taken is recorded rather than sent again. What was acknowledged is
   * recorded, the rest stays pending, and the result has `interrupted` set.
   */
  signal?: AbortSignal;
  /** Where the OTLP/JSON files are kept later, by the caller (see FilesForLater). */
  filesForLater?: FilesForLater;
}

/** How far a run is (see SyncDeps.progress). */
export type SyncProgress =
  | {
      kind: 'events';
      /** Selected events settled so far: acknowledged, set aside, too old; or written, when not sending. */
      done: number;
      /** Of which the endpoint acknowledged. */
      delivered: number;
      /**
       * About how many events the run will select, from a count of the pending events before it
       * starts; undefined where that count would not be near (since, until).
       */
      total: number | undefined;
      /** Whether the run sends (else it only writes files or is a dry run). */
      sending: boolean;
    }
  | {
      kind: 'retry';
      /** The wait before the next attempt. */
      waitMs: number;
      /** Attempts made so far for this request. */
      attempts: number;
      /** What the last attempt came to. */
      reason: string;
    };

/**
 * One replay of a database: opens it, takes the sync lock when anything will be recorded, and
 * runs the replay (see Replay). Throws UsageError, DatabaseError or SyncBusyError only before
 * anything is sent; everything after that is in the result.
 */
export async function runSync(config: SyncConfig, deps: SyncDeps): Promise<SyncResult> {
  const started = deps.now();
  const signals = config.signals.map((signal) => ({
    signal,
    config: signalConfig(config, signal),
  }));
  const sending = !config.dryRun && signals.some((s) => s.config.endpoint !== undefined);
  if (config.otlpJsonOut !== undefined) prepareOutputDir(config.otlpJsonOut, '--otlp-json-out');
  if (config.openmetricsOut !== undefined)
    prepareOutputDir(config.openmetricsOut, '--openmetrics-out');
  if (sending) assertWritable(config.dbPath);
  const db = openDatabase(config.dbPath, !sending, deps.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
  try {
    const schema = readEventsSchema(db, config.dbPath);
    const lock = new SyncLock(db);
    const series = new SeriesStore(db);
    const runs = signals.map((s) => ({
      ...s,
      stores: signalStores(db, schema, s.signal, lock, series),
    }));
    const replayAll = async (): Promise<SyncResult> => {
      const results: { signal: Signal; result: SyncResult }[] = [];
      for (const run of runs) {
        // Interrupted: the signals not begun stay pending.
        if (results.length > 0 && (deps.signal?.aborted === true || lock.lost !== undefined)) break;
        const replay = new Replay(run.config, deps, run.stores, sending);
        results.push({ signal: run.signal, result: await replay.run(deps.now()) });
      }
      return throwIfDamaged(mergeSignalResults(results, deps.now() - started));
    };
    if (!sending) return await replayAll();
    // Before anything is sent: that progress can be recorded, and that no other sync is running.
    for (const { stores, config: c } of runs) {
      stores.progress.prepareForWriting();
      stores.deadLetters.prepareForWriting(c.endpoint?.secrets);
      stores.inFlight.prepareForWriting();
    }
    if (config.temporality === 'cumulative' && config.signals.includes('metrics'))
      series.prepareForWriting();
    const sleep = deps.sleep ?? delay;
    await lock.acquire({ waitMs: deps.lockWaitMs ?? LOCK_WAIT_MS, now: deps.now, sleep });
    try {
      const result = await replayAll();
      // Taken over: the run log is the other sync's to write now.
      if (lock.lost === undefined) logRun(db, result, started, deps);
      return result;
    } finally {
      lock.release();
    }
  } catch (err) {
    // Only before anything is sent: busy, damaged and a full disk each say so (see databaseFailure).
    throw databaseFailure(err, config.dbPath, 'prepare it for recording', db);
  } finally {
    db.close();
  }
}

/**
 * A database found damaged before anything was delivered or recorded is an error of the run (exit
 * 2), as an unreadable one is; found part way, it is in the result with what was recorded before.
 */
function throwIfDamaged(result: SyncResult): SyncResult {
  const damage = result.errors.find((e) => e.kind === 'database-damaged');
  if (damage === undefined || result.delivered > 0 || result.selectedSetAside > 0) return result;
  throw new DatabaseDamagedError(damage.message ?? 'the database is damaged');
}

/**
 * A signal's stores. Metrics keep the tables (or tokf's synced_to_otel_at column) they always
 * had; logs and traces have ranges and dead-letter tables of their own.
 */
function signalStores(
  db: DatabaseSync,
  schema: EventsSchema,
  signal: Signal,
  lock: SyncLock,
  series: SeriesStore,
): Stores {
  const progress =
    signal === 'metrics' && schema.hasSyncedColumn
      ? new ColumnProgressStore(db)
      : new RangesProgressStore(db, rangesTable(signal));
  const deadLetters = new DeadLetters(db, rejectedTable(signal));
  const inFlight = new InFlight(db, signal);
  return { db, progress, deadLetters, inFlight, lock, series, columns: schema.columns, signal };
}

/**
 * The config of one signal's replay. Logs and traces go to their own endpoint, as delta-free
 * records (no temporality), with max-age only where it was given (a backend preset's max-age is
 * about metrics), and no OpenMetrics backfill.
 */
function signalConfig(config: SyncConfig, signal: Signal): SyncConfig {
  if (signal === 'metrics') return config;
  const { endpoints, maxAgeMs } = config.otherSignals;
  return {
    ...config,
    endpoint: endpoints[signal],
    maxAgeMs,
    silentHorizon: undefined,
    temporality: 'delta',
    openmetricsOut: undefined,
  };
}

/** Leaves a line in the run log for `telemetry-sync status`; the run's outcome stands if it fails. */
function logRun(db: DatabaseSync, result: SyncResult, started: number, deps: SyncDeps): void {
  try {
    recordRun(db, {
      startedMs: started,
      finishedMs: deps.now(),
      status: result.status,
      endpoint: result.endpoint,
      selected: result.selected,
      delivered: result.delivered,
      setAside: result.selectedSetAside,
      pending: result.pending,
    });
  } catch (err) {
    deps.log(`could not record the run for telemetry-sync status: ${messageOf(err)}`);
  }
}

/** An output directory must be usable before the database is touched or anything sent. */
function prepareOutputDir(dir: string, flag: string): void {
  try {
    makeDirectory(dir);
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new UsageError(`${flag}: cannot write to ${dir} (${messageOf(err)})`);
  }
}
