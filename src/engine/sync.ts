import type { DatabaseSync } from 'node:sqlite';
import { accessSync, constants } from 'node:fs';
import type { Signal } from '../config/vocabulary.js';
import type { SyncConfig } from '../config/sync-config.js';
import { DatabaseDamagedError, UsageError } from '../errors.js';
import { makeDirectory } from '../output/directory.js';
import { ColumnProgressStore } from '../progress/column-store.js';
import { DeadLetters, rejectedTable } from '../progress/dead-letters.js';
import { InFlight } from '../progress/in-flight.js';
import { RangesProgressStore, rangesTable } from '../progress/ranges-store.js';
import { SeriesStore } from '../progress/series-store.js';
import { SyncLock } from '../progress/sync-lock.js';
import { messageOf } from '../errors.js';
import { assertWritable, BUSY_TIMEOUT_MS, openDatabase } from '../source/database.js';
import { databaseFailure } from '../source/sqlite-failure.js';
import { readEventsSchema, type EventsSchema } from '../source/events-schema.js';
import { RunHarness, type RunEnd, type RunSource } from './run-harness.js';
import type { SyncDeps } from './run-deps.js';
import { TokfPass, type Stores } from './tokf-pass.js';
import { mergeSignalResults } from './signal-results.js';
import type { SyncResult } from './sync-result.js';

/**
 * One sync of a tokf database: opens it, takes the sync lock (through the run harness) when
 * anything will be recorded, and runs a pass per signal (see TokfPass). Throws UsageError,
 * DatabaseError or SyncBusyError only before anything is sent; everything after that is in the
 * result.
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
    if (sending) {
      // Before anything is sent: that progress can be recorded (the lock, that no other sync is
      // running, is the harness's).
      for (const { stores, config: c } of runs) {
        stores.progress.prepareForWriting();
        stores.deadLetters.prepareForWriting(c.endpoint?.secrets);
        stores.inFlight.prepareForWriting();
      }
      if (config.temporality === 'cumulative' && config.signals.includes('metrics'))
        series.prepareForWriting();
    }
    return await RunHarness.run(
      deps,
      new TokfSource(db, runs, sending ? lock : undefined, deps, started),
    );
  } catch (err) {
    // Only before anything is sent: busy, damaged and a full disk each say so (see databaseFailure).
    throw databaseFailure(err, config.dbPath, 'prepare it for recording', db);
  } finally {
    db.close();
  }
}

/** A signal of the database, with its config and stores: a unit of the tokf database's run. */
interface SignalRun {
  signal: Signal;
  config: SyncConfig;
  stores: Stores;
}

/**
 * The tokf database as a source of the run harness: a pass per signal (see TokfPass: its ordered
 * pipeline, speculation and poison isolation stay inside it), the signals' results merged into
 * one; the database holds the run log.
 */
class TokfSource implements RunSource<SignalRun, SyncResult> {
  private readonly results: { signal: Signal; result: SyncResult }[] = [];

  constructor(
    /** The database, whose run log the harness writes. */
    readonly runLog: DatabaseSync,
    private readonly runs: readonly SignalRun[],
    readonly lock: SyncLock | undefined,
    private readonly deps: SyncDeps,
    /** When the sync began: before the database was opened. */
    readonly started: number,
  ) {}

  units(): Iterable<SignalRun> {
    return this.runs;
  }

  async send(run: SignalRun, harness: RunHarness): Promise<boolean> {
    const pass = new TokfPass(
      run.config,
      harness,
      run.stores,
      this.lock !== undefined,
      this.deps.filesForLater,
    );
    this.results.push({ signal: run.signal, result: await pass.run(this.deps.now()) });
    // Interrupted, or taken over by another sync: the signals not begun stay pending.
    return !harness.interrupted && harness.lockLost === undefined;
  }

  result(end: RunEnd): SyncResult {
    return throwIfDamaged(mergeSignalResults(this.results, end.durationMs));
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

/** An output directory must be usable before the database is touched or anything sent. */
function prepareOutputDir(dir: string, flag: string): void {
  try {
    makeDirectory(dir);
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new UsageError(`${flag}: cannot write to ${dir} (${messageOf(err)})`);
  }
}
