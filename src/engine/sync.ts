import type { DatabaseSync } from 'node:sqlite';
import type { SyncConfig } from '../config/sync-config.js';
import { displayEndpoint } from '../config/endpoint.js';
import { OtlpHttpClient, type DeliveryOutcome } from '../deliver/otlp-http-client.js';
import type { RetryPolicy } from '../deliver/retry-policy.js';
import { coverage, encodeRequests, type EncodedRequest } from '../encode/requests.js';
import { OtlpJsonLinesWriter } from '../output/otlp-json-lines.js';
import { ColumnProgressStore } from '../progress/column-store.js';
import type { ProgressStore } from '../progress/progress-store.js';
import { RangesProgressStore } from '../progress/ranges-store.js';
import { messageOf, openDatabase } from '../source/database.js';
import { readEventsSchema } from '../source/events-schema.js';
import { scanPending } from '../source/pending-events.js';
import { ClockCheck } from './clock-check.js';
import { redact } from './redact.js';
import { SavingsTally } from './savings.js';
import { batchEvents, selectEvents, type SelectionTally } from './selection.js';
import type { SyncResult } from './sync-result.js';

/** Rows of the tokens-saved breakdown kept in the result. */
const SAVINGS_ROWS = 20;

export interface SyncDeps {
  now: () => number;
  /** Progress lines for a person watching; the result carries everything that matters. */
  log: (line: string) => void;
  userAgent: string;
  retryPolicy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * One replay: pending events in id order -> selection -> batches -> OTLP requests -> endpoint,
 * recording each acknowledged request before the next is sent. After a request fails no later
 * one is sent, so nothing overtakes it; the rest of the selection still goes to the OTLP/JSON file.
 *
 * Throws UsageError/DatabaseError only before anything is sent.
 */
export async function runSync(config: SyncConfig, deps: SyncDeps): Promise<SyncResult> {
  const started = deps.now();
  const sending = config.endpoint !== undefined && !config.dryRun;
  const db = openDatabase(config.dbPath, !sending);
  const run = new SyncRun(config, deps);
  try {
    const schema = readEventsSchema(db, config.dbPath);
    const progress: ProgressStore = schema.hasSyncedColumn
      ? new ColumnProgressStore(db)
      : new RangesProgressStore(db);
    if (sending) progress.prepareForWriting();
    await run.execute(db, progress, sending);
    return run.result(progress, started);
  } finally {
    db.close();
  }
}

class SyncRun {
  private readonly tally: SelectionTally = {
    selected: 0,
    unreadable: 0,
    firstSeconds: undefined,
    lastSeconds: undefined,
  };
  private readonly points: Record<string, number> = {};
  private readonly errors: string[] = [];
  private readonly warnings: string[] = [];
  private delivered = 0;
  private rejected = 0;
  private requests = 0;
  private failedRequests = 0;
  private retries = 0;
  private bytesSent = 0;
  private bytesEncoded = 0;
  private pending = 0;
  private readonly savings = new SavingsTally();
  private readonly clock: ClockCheck;
  private file: OtlpJsonLinesWriter | undefined;
  /** Set once a request fails: no later request is sent in this run. */
  private halted = false;
  private client: OtlpHttpClient | undefined;
  private progress: ProgressStore | undefined;

  constructor(
    private readonly config: SyncConfig,
    private readonly deps: SyncDeps,
  ) {
    this.clock = new ClockCheck(Math.floor(deps.now() / 1000));
  }

  async execute(db: DatabaseSync, progress: ProgressStore, sending: boolean): Promise<void> {
    const { config, deps } = this;
    this.progress = progress;
    if (sending && config.endpoint !== undefined) {
      this.client = new OtlpHttpClient({
        endpoint: config.endpoint,
        protocol: config.protocol,
        compression: config.compression,
        timeoutMs: config.timeoutMs,
        userAgent: deps.userAgent,
        ...(deps.retryPolicy !== undefined && { policy: deps.retryPolicy }),
        ...(deps.sleep !== undefined && { sleep: deps.sleep }),
        now: deps.now,
      });
    }
    if (config.otlpJsonOut !== undefined) {
      this.file = new OtlpJsonLinesWriter(config.otlpJsonOut, config.resource);
    }
    try {
      const scan = scanPending(db, progress);
      const selected = selectEvents(scan.events, config, this.tally);
      for (const batch of batchEvents(selected, config.batchSize)) {
        for (const e of batch) {
          this.savings.add(e);
          this.clock.observe(e);
        }
        this.file?.write(batch);
        const requests = encodeRequests(
          batch,
          config.resource,
          config.protocol,
          config.maxRequestBytes,
        );
        for (const r of requests) {
          this.bytesEncoded += r.body.byteLength;
          for (const [name, n] of Object.entries(r.points))
            this.points[name] = (this.points[name] ?? 0) + n;
        }
        if (this.client === undefined || this.halted) continue;
        for (const r of requests) {
          if (!(await this.deliver(r))) break;
        }
      }
    } finally {
      this.file?.close();
    }
    this.pending = progress.countPending();
    this.warnings.push(...this.clock.warnings());
    if (this.tally.unreadable > 0) {
      this.warnings.push(
        `${this.tally.unreadable} pending event(s) have a timestamp that is not a time; they were not sent and stay pending`,
      );
    }
  }

  /** Sends one request (split on 413) and records it; false once something failed. */
  private async deliver(request: EncodedRequest): Promise<boolean> {
    const client = this.client as OtlpHttpClient;
    const outcome: DeliveryOutcome = await client.send(request.body);
    this.requests += 1;
    this.retries += outcome.attempts - 1;
    this.bytesSent += outcome.bytesSent;
    if (outcome.tooLarge && request.events.length > 1) {
      this.deps.log(
        `endpoint answered 413 for ${request.events.length} events; splitting the request`,
      );
      const halves = encodeRequests(
        request.events,
        this.config.resource,
        this.config.protocol,
        Math.floor(request.body.byteLength / 2),
      );
      for (const half of halves) if (!(await this.deliver(half))) return false;
      return true;
    }
    if (!outcome.acknowledged) {
      this.failedRequests += 1;
      this.halted = true;
      this.errors.push(
        `request of ${request.events.length} events (ids ${request.events[0]?.id}-${request.events.at(-1)?.id}) failed: ${outcome.message ?? 'unknown error'}; it and all later events stay pending`,
      );
      return false;
    }
    try {
      (this.progress as ProgressStore).markDelivered(
        coverage(request.events),
        new Date(this.deps.now()),
      );
    } catch (err) {
      this.halted = true;
      this.errors.push(
        `the endpoint acknowledged ${request.events.length} events but recording that failed (${messageOf(err)}); they will be sent again by the next run`,
      );
      return false;
    }
    this.delivered += request.events.length;
    if (outcome.rejectedPoints > 0) {
      this.rejected += outcome.rejectedPoints;
      this.warnings.push(
        `the endpoint rejected ${outcome.rejectedPoints} data point(s) of an acknowledged request${outcome.message ? `: ${outcome.message}` : ''}`,
      );
    }
    return true;
  }

  result(progress: ProgressStore, started: number): SyncResult {
    const { config } = this;
    const secrets = config.endpoint?.secrets ?? [];
    const sending = this.client !== undefined;
    const allDelivered = this.delivered === this.tally.selected && this.errors.length === 0;
    const status: SyncResult['status'] = config.dryRun
      ? 'dry-run'
      : !sending
        ? 'exported'
        : allDelivered
          ? 'delivered'
          : this.delivered > 0
            ? 'partial'
            : 'failed';
    return {
      status,
      exitCode: status === 'partial' || status === 'failed' ? 1 : 0,
      database: config.dbPath,
      progress: progress.mode,
      endpoint: config.endpoint === undefined ? null : displayEndpoint(config.endpoint.url),
      protocol: config.protocol,
      compression: config.compression,
      dryRun: config.dryRun,
      selected: this.tally.selected,
      delivered: this.delivered,
      rejected: this.rejected,
      pending: this.pending,
      unreadable: this.tally.unreadable,
      exported: this.file?.events ?? 0,
      points: this.points,
      firstEventTime: isoOf(this.tally.firstSeconds),
      lastEventTime: isoOf(this.tally.lastSeconds),
      requests: this.requests,
      failedRequests: this.failedRequests,
      retries: this.retries,
      bytesSent: this.bytesSent,
      bytesEncoded: this.bytesEncoded,
      durationMs: this.deps.now() - started,
      otlpJsonFile: this.file?.path ?? null,
      savedBy: this.savings.top(SAVINGS_ROWS),
      clock: this.clock.report,
      errors: this.errors.map((e) => redact(e, secrets)),
      warnings: this.warnings.map((w) => redact(w, secrets)),
    };
  }
}

function isoOf(seconds: number | undefined): string | null {
  return seconds === undefined
    ? null
    : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
