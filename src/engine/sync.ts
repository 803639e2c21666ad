import { accessSync, constants, mkdirSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import type { SyncConfig } from '../config/sync-config.js';
import { OtlpHttpClient } from '../deliver/otlp-http-client.js';
import type { RetryPolicy } from '../deliver/retry-policy.js';
import { UsageError } from '../errors.js';
import { encodeRequests } from '../encode/requests.js';
import { OtlpJsonLinesWriter } from '../output/otlp-json-lines.js';
import { ColumnProgressStore } from '../progress/column-store.js';
import { DeadLetters } from '../progress/dead-letters.js';
import type { ProgressStore } from '../progress/progress-store.js';
import { RangesProgressStore } from '../progress/ranges-store.js';
import { SyncLock } from '../progress/sync-lock.js';
import { assertWritable, messageOf, openDatabase } from '../source/database.js';
import { readEventsSchema } from '../source/events-schema.js';
import { scanPending } from '../source/pending-events.js';
import type { TokfEvent } from '../source/tokf-event.js';
import { ClockCheck } from './clock-check.js';
import { Deliverer } from './delivery.js';
import { runResult } from './run-result.js';
import { SavingsTally } from './savings.js';
import { batchEvents, selectEvents, type SelectionTally } from './selection.js';
import type { SyncResult } from './sync-result.js';

/** Rows of the tokens-saved breakdown kept in the result. */
const SAVINGS_ROWS = 20;
/** Batches encoded ahead of the one being sent. */
const PIPELINE_DEPTH = 3;
/** How long a sync waits for another one on the same database before refusing. */
const LOCK_WAIT_MS = 10_000;

export interface SyncDeps {
  now: () => number;
  /** Progress lines for a person watching; the result carries everything that matters. */
  log: (line: string) => void;
  userAgent: string;
  retryPolicy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  lockWaitMs?: number;
}

/** Everything a run opened: the database and the stores of ours inside it. */
interface Stores {
  db: DatabaseSync;
  progress: ProgressStore;
  deadLetters: DeadLetters;
  lock: SyncLock;
}

/**
 * One replay: pending events in id order -> selection -> batches -> OTLP requests -> endpoint,
 * recording each acknowledged request before the next is sent (see Deliverer). The whole selection
 * also goes to the OTLP/JSON file, including what was not sent.
 *
 * Throws UsageError, DatabaseError or SyncBusyError only before anything is sent.
 */
export async function runSync(config: SyncConfig, deps: SyncDeps): Promise<SyncResult> {
  const started = deps.now();
  const sending = config.endpoint !== undefined && !config.dryRun;
  if (config.otlpJsonOut !== undefined) prepareOutputDir(config.otlpJsonOut);
  if (sending) assertWritable(config.dbPath);
  const db = openDatabase(config.dbPath, !sending);
  try {
    const schema = readEventsSchema(db, config.dbPath);
    const stores: Stores = {
      db,
      progress: schema.hasSyncedColumn ? new ColumnProgressStore(db) : new RangesProgressStore(db),
      deadLetters: new DeadLetters(db),
      lock: new SyncLock(db),
    };
    if (!sending) return await new SyncRun(config, deps, stores).execute(started);
    // Before anything is sent: that progress can be recorded, and that no other sync is running.
    stores.progress.prepareForWriting();
    stores.deadLetters.prepareForWriting();
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    await stores.lock.acquire({ waitMs: deps.lockWaitMs ?? LOCK_WAIT_MS, now: deps.now, sleep });
    try {
      return await new SyncRun(config, deps, stores).execute(started);
    } finally {
      stores.lock.release();
    }
  } finally {
    db.close();
  }
}

/** The OTLP/JSON directory must be usable before the database is touched or anything sent. */
function prepareOutputDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new UsageError(`--otlp-json-out: cannot write to ${dir} (${messageOf(err)})`);
  }
}

class SyncRun {
  private readonly tally: SelectionTally = {
    selected: 0,
    unreadable: 0,
    skippedRejected: 0,
    firstSeconds: undefined,
    lastSeconds: undefined,
  };
  private readonly points: Record<string, number> = {};
  private readonly savings = new SavingsTally();
  private readonly clock: ClockCheck;
  private readonly warnings: string[] = [];
  private readonly errors: string[] = [];
  private bytesEncoded = 0;
  private tooOld = 0;
  private file: OtlpJsonLinesWriter | undefined;
  private rejectedFile: OtlpJsonLinesWriter | undefined;
  private deliverer: Deliverer | undefined;
  private client: OtlpHttpClient | undefined;
  /** The last batch handed to the sender; each batch's sending chains on the one before. */
  private inflight: Promise<void> = Promise.resolve();
  /** Batches encoded but not yet known to be sent. */
  private readonly window: Promise<void>[] = [];
  /** Unreadable rows met while sending: set aside as rejected, as they can never be replayed. */
  private unreadableIds: number[] = [];

  constructor(
    private readonly config: SyncConfig,
    private readonly deps: SyncDeps,
    private readonly stores: Stores,
  ) {
    this.clock = new ClockCheck(Math.floor(deps.now() / 1000));
  }

  async execute(started: number): Promise<SyncResult> {
    const { config, deps, stores } = this;
    const sending = config.endpoint !== undefined && !config.dryRun;
    if (config.otlpJsonOut !== undefined) {
      this.file = new OtlpJsonLinesWriter(config.otlpJsonOut, config.resource, 'metrics.jsonl', {
        createNow: true,
      });
      this.rejectedFile = new OtlpJsonLinesWriter(
        config.otlpJsonOut,
        config.resource,
        'rejected-metrics.jsonl',
        { createNow: false },
      );
    }
    if (sending && config.endpoint !== undefined) {
      const client = (this.client = new OtlpHttpClient({
        endpoint: config.endpoint,
        protocol: config.protocol,
        compression: config.compression,
        timeoutMs: config.timeoutMs,
        userAgent: deps.userAgent,
        ...(deps.retryPolicy !== undefined && { policy: deps.retryPolicy }),
        ...(deps.sleep !== undefined && { sleep: deps.sleep }),
        now: deps.now,
      }));
      this.deliverer = new Deliverer({
        ...stores,
        config,
        client,
        rejectedFile: this.rejectedFile,
        now: deps.now,
        log: deps.log,
      });
    }
    try {
      const scan = scanPending(stores.db, stores.progress);
      const selected = selectEvents(
        scan.events,
        {
          ...config,
          ...(!config.retryRejected && { rejected: stores.deadLetters.ids() }),
          ...(sending && { onUnreadable: (e: TokfEvent) => this.unreadableIds.push(e.id) }),
        },
        this.tally,
      );
      for (const batch of batchEvents(selected, config.batchSize)) await this.handle(batch);
    } catch (err) {
      // A page that cannot be read (a damaged file) ends the run; what was recorded stands.
      this.deliverer?.halt();
      this.errors.push(
        `reading the database failed part way: ${messageOf(err)}; the events not yet read stay pending`,
      );
    } finally {
      // Batches already handed to the sender finish (or stop) before anything is closed.
      await this.inflight.catch((err: unknown) => {
        this.errors.push(`sending failed unexpectedly: ${messageOf(err)}`);
      });
      this.file?.close();
      this.rejectedFile?.close();
      this.client?.close();
    }
    this.setAsideUnreadable();
    return this.result(started);
  }

  private async handle(batch: TokfEvent[]): Promise<void> {
    const { config } = this;
    for (const e of batch) {
      this.savings.add(e);
      this.clock.observe(e);
    }
    this.file?.write(batch);
    const oldest =
      config.maxAgeMs === undefined ? undefined : (this.deps.now() - config.maxAgeMs) / 1000;
    const tooOld =
      oldest === undefined ? [] : batch.filter((e) => (e.epochSeconds as number) < oldest);
    const old = new Set(tooOld);
    const fresh = old.size === 0 ? batch : batch.filter((e) => !old.has(e));
    this.setAsideTooOld(tooOld);
    const requests = encodeRequests(
      fresh,
      config.resource,
      config.protocol,
      config.maxRequestBytes,
    );
    for (const r of requests) {
      this.bytesEncoded += r.body.byteLength;
      for (const [name, n] of Object.entries(r.points))
        this.points[name] = (this.points[name] ?? 0) + n;
    }
    const deliverer = this.deliverer;
    if (deliverer === undefined) return;
    // Batches are sent while the next ones are read, encoded and compressed; a batch is sent only
    // once the one before it has been acknowledged and recorded (or sending stopped), so order
    // holds. At most PIPELINE_DEPTH batches wait, which bounds memory.
    const wires = requests.map((r) => deliverer.prepare(r));
    this.inflight = this.inflight.then(async () => {
      for (const [i, r] of requests.entries()) if (!(await deliverer.deliver(r, wires[i]))) break;
    });
    this.window.push(this.inflight);
    if (this.window.length >= PIPELINE_DEPTH) await this.window.shift();
  }

  /**
   * Events older than max-age go to the OTLP/JSON file only. Where that file exists they are set
   * aside as rejected, so later runs do not export them again; without a file they stay pending.
   */
  private setAsideTooOld(events: TokfEvent[]): void {
    if (events.length === 0) return;
    this.tooOld += events.length;
    if (this.deliverer === undefined || this.file === undefined) return;
    this.stores.deadLetters.record(
      events.map((e) => e.id),
      { reason: `older than max-age; exported to ${this.file.path} only`, status: null },
      new Date(this.deps.now()),
    );
  }

  private setAsideUnreadable(): void {
    if (this.unreadableIds.length === 0) return;
    try {
      this.stores.deadLetters.record(
        this.unreadableIds,
        { reason: 'the timestamp is not a time, so the event cannot be replayed', status: null },
        new Date(this.deps.now()),
      );
    } catch (err) {
      this.errors.push(`could not set aside events with unreadable timestamps: ${String(err)}`);
    }
  }

  private result(started: number): SyncResult {
    const { stores } = this;
    const pending = this.safeCount(
      () => stores.progress.countPending() - stores.deadLetters.count(),
    );
    const setAside = this.safeCount(() => stores.deadLetters.count());
    return runResult({
      config: this.config,
      progressMode: stores.progress.mode,
      tally: this.tally,
      pending,
      setAside,
      delivery: this.deliverer,
      errors: this.errors,
      clock: this.clock,
      tooOld: this.tooOld,
      file: this.file,
      rejectedFile: this.rejectedFile,
      points: this.points,
      bytesEncoded: this.bytesEncoded,
      savedBy: this.savings.top(SAVINGS_ROWS),
      durationMs: this.deps.now() - started,
    });
  }

  // Counting reads the whole table; in a damaged file that may fail after the run did its work.
  private safeCount(count: () => number): number {
    try {
      return Math.max(0, count());
    } catch (err) {
      this.errors.push(`counting pending events failed: ${messageOf(err)}`);
      return -1;
    }
  }
}
