import type { DatabaseSync } from 'node:sqlite';
import type { Signal } from '../config/vocabulary.js';
import type { SyncConfig } from '../config/sync-config.js';
import type { OtlpExporter } from '../deliver/otlp-exporter.js';
import type { DeadLetters } from '../progress/dead-letters.js';
import type { InFlight } from '../progress/in-flight.js';
import type { ProgressStore } from '../progress/progress-store.js';
import type { SeriesStore } from '../progress/series-store.js';
import { ProgressRecorder } from '../progress/recorder.js';
import type { SyncLock } from '../progress/sync-lock.js';
import { DatabaseDamagedError, FileWriteError, LockLostError, messageOf } from '../errors.js';
import { databaseFailure } from '../source/sqlite-failure.js';
import { scanPending } from '../source/pending-events.js';
import { isBuiltinCommand, type TokfEvent } from '../source/tokf-event.js';
import { AgeLimits } from './age-limits.js';
import { Delivery } from './delivery.js';
import { HeldEvents } from './held-events.js';
import { Speculation } from './speculation.js';
import { noEncodingThread, TokfEncoder } from './tokf-encoder.js';
import { Notices } from './notices.js';
import { Observed } from './observed.js';
import { PassOutputs } from './pass-outputs.js';
import { SkippedEvents } from './skipped-events.js';
import { OrderedPipeline } from './pipeline.js';
import { runResult } from './run-result.js';
import { batchEvents, selectEvents } from './selection.js';
import type { RunDeps } from './run-deps.js';
import type { RunHarness } from './run-harness.js';
import type { FilesForLater, HeldForFile } from './files-for-later.js';
import type { SyncResult } from './sync-result.js';
import { letNewestSecondEnd, unfinishedSeconds } from './unfinished-seconds.js';

/** Rows of the tokens-saved breakdown kept in the result. */
const SAVINGS_ROWS = 20;

/** The database a run works on and the stores of ours inside it. */
export interface Stores {
  db: DatabaseSync;
  progress: ProgressStore;
  deadLetters: DeadLetters;
  /** Events sent without their answer recorded, by this run or one that did not end cleanly. */
  inFlight: InFlight;
  lock: SyncLock;
  series: SeriesStore;
  /** The columns of tokf's events table (they vary by release). */
  columns: ReadonlySet<string>;
  /** What the events are sent as; progress and dead letters above are this signal's own. */
  signal: Signal;
}

/**
 * One pass over the pending events, in one direction:
 *   rows (source) -> selection -> batches -> requests (encode) -> pipeline -> Delivery
 *   (deliver: send, isolate refused events) -> ProgressRecorder (progress) -> result.
 * A batch is sent only after the one before it was acknowledged and recorded, while the next
 * batches are read, encoded and compressed. The whole selection also goes to the OTLP/JSON file,
 * including what was not sent.
 */
export class TokfPass {
  private readonly notices = new Notices();
  private readonly observed: Observed;
  private readonly recorder: ProgressRecorder | undefined;
  /** Unreadable rows met while sending: set aside, as they can never be replayed. */
  private readonly unreadableIds: number[] = [];
  /** Events left out by `builtins: skip`, recorded as done. */
  private readonly skipped: SkippedEvents;
  private readonly encoder: TokfEncoder;
  private readonly ageLimits: AgeLimits;
  /** For the progress display: about how many events the run selects (see estimateTotal). */
  private total: number | undefined;
  /** Events the endpoint may hold unrecorded, and set-aside ones looked at again. */
  private readonly held: HeldEvents;
  /** Events kept in the file, held until the caller keeps it (see FilesForLater). */
  private readonly heldForFile: HeldForFile | undefined;

  constructor(
    private readonly config: SyncConfig,
    private readonly harness: RunHarness,
    private readonly stores: Stores,
    /** Whether this run sends and records (not a dry run, not a file-only export). */
    private readonly sending: boolean,
    /** Where the caller keeps the OTLP/JSON files only later, if it does (see FilesForLater). */
    private readonly filesForLater?: FilesForLater,
  ) {
    const { deps } = harness;
    this.observed = new Observed(Math.floor(deps.now() / 1000));
    const { db, progress, deadLetters, lock, series, signal } = stores;
    if (sending)
      this.recorder = new ProgressRecorder(
        db,
        progress,
        deadLetters,
        lock,
        deps.now,
        series,
        stores.inFlight,
      );
    if (sending) stores.inFlight.load();
    this.skipped = new SkippedEvents(this.recorder, this.notices);
    // Cumulative totals continue from what the database records as acknowledged.
    const ledger = sending && config.temporality === 'cumulative' ? series.load() : undefined;
    // A run that writes every event to an OTLP/JSON file (the action's artifact with `always`,
    // --otlp-json-out) is bound by that writing on this thread: an encoding thread cost it 15-20
    // MB of peak RSS and no time (the action's post step at 50k and 1M events). A spooled file
    // (`on-failure`) costs the thread little, and the thread is then worth its start.
    const writesEveryEvent =
      config.otlpJsonOut !== undefined && !(sending && filesForLater?.spool === true);
    const threads = writesEveryEvent ? noEncodingThread : undefined;
    this.encoder = new TokfEncoder(config, signal, db, deps.now, ledger, threads);
    this.held = new HeldEvents(stores.inFlight, deadLetters, this.encoder.cumulative);
    this.heldForFile = filesForLater?.heldFor(config.dbPath, signal);
    this.ageLimits = new AgeLimits({
      config,
      now: deps.now,
      notices: this.notices,
      observed: this.observed,
      recording: this.recorder !== undefined,
      setAside: (ids, reason, file) => this.setAside(ids, reason, file),
    });
  }

  async run(started: number): Promise<SyncResult> {
    const outputs = new PassOutputs(
      this.config,
      this.stores.signal,
      this.deps.now,
      this.filesForLater,
      this.sending,
      this.notices,
    );
    const { files, backfill } = outputs;
    const exporter = this.recorder === undefined ? undefined : this.exporter();
    const delivery =
      exporter === undefined || this.recorder === undefined
        ? undefined
        : new Delivery({
            exporter,
            recorder: this.recorder,
            speculation: new Speculation({
              encoder: this.encoder,
              wireBody: (body) => exporter.wireBody(body),
              encoded: (requests) => this.observed.encoded(requests),
            }),
            observed: this.observed,
            held: this.held,
            refusedFile: files?.refused,
            allFile: files?.all.path,
            heldForFile: this.heldForFile,
            notices: this.notices,
            breaker: this.harness.breaker(this.config.maxConsecutiveFailures),
            log: this.deps.log,
            progressed: () => this.reportProgress(delivery),
          });
    const { harness } = this;
    // Interrupted, or taken over by another sync: send nothing more (what it would record is the
    // other's now).
    const unwatch = harness.onStop(() => delivery?.stop());
    const pipeline = new OrderedPipeline();
    const pendingAtStart = this.countPending();
    this.total = harness.reportsProgress ? this.estimateTotal(pendingAtStart) : undefined;
    this.reportProgress(delivery);
    await letNewestSecondEnd(this.stores.db, this.deps.now, this.deps.sleep);
    try {
      for (const batch of batchEvents(this.selected(), this.config.batchSize)) {
        // Interrupted: the batches read so far are settled; nothing more is read. Nor once a
        // batch's job failed (the encoding thread died): none after it would be sent.
        if (harness.interrupted || this.lockLost() || pipeline.failed) break;
        this.observed.batch(batch);
        outputs.write(batch);
        const fresh = this.ageLimits.fresh(batch, files?.all.path);
        // Without a sender, the requests are encoded only to report what would be sent (on the
        // encoding thread too, once a run has one, while the next batch is read). Cumulative
        // points (a signal without an endpoint in a run that sends) continue what was acknowledged.
        if (delivery === undefined) {
          const { encoder } = this;
          const encoding = Promise.resolve(
            encoder.cumulative ? encoder.encode(fresh) : encoder.encodeAhead(fresh),
          );
          encoding.catch(() => {});
          await pipeline.push(async () => {
            this.observed.encoded(await encoding);
            this.reportProgress(undefined);
          });
        } else await pipeline.push(delivery.prepare(fresh));
      }
    } catch (err) {
      // A file that cannot be written, or a page that cannot be read (a damaged file), ends the
      // run; what was recorded stands.
      delivery?.stop();
      this.noteFailure(err);
    } finally {
      // Batches already handed to the sender finish (or stop) before anything is closed.
      const failure = await pipeline.drain();
      if (failure !== undefined)
        this.notices.error({ kind: 'unexpected', count: 0, message: messageOf(failure) });
      delivery?.finish();
      this.skipped.record();
      outputs.close(this.recorder, (err) => this.noteFailure(err));
      this.encoder.close();
      unwatch();
    }
    const { interrupted } = harness;
    if (this.lockLost()) this.noteInterruption(delivery, 'lock-lost', harness.lockLost);
    else if (interrupted) this.noteInterruption(delivery, 'interrupted');
    this.setAside(
      this.unreadableIds,
      'the timestamp is not a time OTLP can carry (1970-01-01 to 2262-04-11, UTC), so the event cannot be replayed',
    );
    return runResult({
      config: this.config,
      progressMode: this.stores.progress.hasRecords() ? this.stores.progress.mode : 'none',
      observed: this.observed,
      counts: this.countAfter(),
      pendingAtStart,
      delivery: delivery?.stats,
      recordMs: this.recorder?.recordMs ?? 0,
      notices: this.notices,
      file: files?.all,
      refusedFile: files?.refused,
      backfillFile: backfill,
      savedBy: this.observed.savings.top(SAVINGS_ROWS),
      savedByProgram: this.observed.savingsByProgram.top(SAVINGS_ROWS),
      durationMs: this.deps.now() - started,
      interrupted,
    });
  }

  private get deps(): RunDeps {
    return this.harness.deps;
  }

  /** What ended the run early, in the words of its kind: an output file, or the database. */
  private noteFailure(err: unknown): void {
    if (err instanceof FileWriteError) {
      this.notices.error({
        kind: 'file-failed',
        count: 0,
        message: err.message,
        ...(err.file !== undefined && { file: err.file }),
      });
      return;
    }
    const failure = databaseFailure(
      err,
      this.config.dbPath,
      'read the pending events',
      this.stores.db,
    );
    const kind = failure instanceof DatabaseDamagedError ? 'database-damaged' : 'read-failed';
    this.notices.error({ kind, count: 0, message: messageOf(failure) });
  }

  private lockLost(): boolean {
    return this.harness.lockLost !== undefined;
  }

  /** The selected events an interruption (or a lock taken over) left pending, as one error. */
  private noteInterruption(
    delivery: Delivery | undefined,
    kind: 'interrupted' | 'lock-lost',
    message?: string,
  ): void {
    const s = delivery?.stats;
    const settled =
      s === undefined
        ? 0
        : s.deliveredEvents + s.refusedEvents + s.tooOldForEndpoint + this.observed.tooOld;
    this.notices.error({
      kind,
      count: Math.max(0, this.observed.selection.selected - settled),
      ...(message !== undefined && { message }),
    });
  }

  /**
   * For the progress display: about how many events the run will select, if that is cheap to know
   * (from the count of pending events the run started with).
   */
  private estimateTotal(pendingAtStart: number): number | undefined {
    const { config, stores } = this;
    if (config.since !== undefined || config.until !== undefined || config.fromId !== undefined)
      return undefined;
    if (pendingAtStart < 0) return undefined; // the scan reports what is wrong with the database
    try {
      const n = pendingAtStart + (config.retryRejected ? stores.deadLetters.count() : 0);
      return config.limit === undefined ? n : Math.min(n, config.limit);
    } catch {
      return undefined;
    }
  }

  private reportProgress(delivery: Delivery | undefined): void {
    if (!this.harness.reportsProgress) return;
    const s = delivery?.stats;
    const done =
      s === undefined
        ? this.observed.selection.selected
        : s.deliveredEvents +
          s.refusedEvents +
          s.tooOldForEndpoint +
          s.tooOldUnsent +
          this.observed.tooOld;
    this.harness.progress({
      kind: 'events',
      done,
      delivered: s?.deliveredEvents ?? 0,
      total: this.total === undefined ? undefined : Math.max(this.total, done),
      sending: s !== undefined,
    });
  }

  private selected(): Iterable<TokfEvent> {
    const { stores, config } = this;
    const pending = scanPending(
      stores.db,
      (lo, hi) => stores.progress.pendingScan(Math.max(lo, config.fromId ?? lo), hi),
      stores.columns,
    );
    return selectEvents(
      pending,
      {
        ...config,
        ...(!config.retryRejected && { rejected: this.held.stillRejected() }),
        ...(this.sending && { onUnreadable: (e: TokfEvent) => this.unreadableIds.push(e.id) }),
        ...(config.builtins === 'skip' && {
          skip: isBuiltinCommand,
          onSkipped: (e: TokfEvent) => this.skipped.skip(e),
        }),
        hold: unfinishedSeconds(this.deps.now()),
      },
      this.observed.selection,
    );
  }

  /** A redirect followed: a note of the run, so that every hop can be seen. */
  private redirected(line: string): void {
    this.notices.warning({ kind: 'redirected', count: 1, message: line });
    this.deps.log(line);
  }

  private setAside(ids: number[], reason: string, file?: string): void {
    if (this.recorder === undefined || ids.length === 0) return;
    if (file !== undefined && this.heldForFile !== undefined) {
      this.heldForFile.hold(ids, { reason, status: null, file });
      return;
    }
    try {
      this.recorder.setAside(ids, { reason, status: null, ...(file !== undefined && { file }) });
    } catch (err) {
      if (err instanceof LockLostError) return; // said once, as lock-lost
      this.notices.error({
        kind: 'set-aside-failed',
        count: ids.length,
        firstId: ids[0],
        message: messageOf(err),
      });
    }
  }

  private exporter(): OtlpExporter | undefined {
    const { config } = this;
    if (config.endpoint === undefined) return undefined;
    return this.harness.exporter({
      endpoint: config.endpoint,
      protocol: config.protocol,
      compression: config.compression,
      timeoutMs: config.timeoutMs,
      retryBudgetMs: config.retryBudgetMs,
      otlpSignal: this.stores.signal,
      onRedirect: (line) => this.redirected(line),
    });
  }

  /** Pending in the database now, as countAfter counts it; -1 if counting failed (said there). */
  private countPending(): number {
    const { progress, deadLetters } = this.stores;
    try {
      return Math.max(0, progress.countPending() - deadLetters.count());
    } catch {
      return -1;
    }
  }

  /** Pending and set-aside events of the whole database after the run. */
  private countAfter(): { pending: number; setAside: number } {
    const { progress, deadLetters } = this.stores;
    try {
      const setAside = deadLetters.count();
      return { pending: Math.max(0, progress.countPending() - setAside), setAside };
    } catch (err) {
      // Counting reads the whole table; in a damaged file that may fail after the run did its work.
      const failure = databaseFailure(
        err,
        this.config.dbPath,
        'count the pending events',
        this.stores.db,
      );
      this.notices.error({ kind: 'count-failed', count: 0, message: messageOf(failure) });
      return { pending: -1, setAside: -1 };
    }
  }
}
