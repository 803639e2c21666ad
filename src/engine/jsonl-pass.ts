import { resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { type JsonlConfig } from '../config/jsonl-config.js';
import { SIGNALS } from '../config/vocabulary.js';
import { displayEndpoint } from '../config/endpoint.js';
import { discoverFiles } from '../jsonl/discover.js';
import { walkGridctl } from '../gridctl/layout.js';
import { GridctlOpenMetrics } from '../gridctl/openmetrics.js';
import { withSources } from '../gridctl/sources.js';
import { windowOf } from '../jsonl/time-filter.js';
import { RejectsFile } from '../output/rejects-file.js';
import { FORGET_AFTER_DAYS, JsonlState } from '../progress/jsonl-state.js';
import { SyncLock } from '../progress/sync-lock.js';
import { plural } from '../words.js';
import { messageOf } from '../errors.js';
import { sendFile, type JsonlContext, type SourceFile } from './jsonl-file.js';
import type { ReplayFilesResult, ReplayTotals } from './jsonl-result.js';
import type { RunSummary } from './run-summary.js';
import type { ReplayFilesDeps } from './run-deps.js';
import { RunHarness, type RunEnd, type RunSource } from './run-harness.js';

/**
 * One replay of OTLP JSON Lines files: each line, in file order, to its signal's endpoint as it
 * is, the offset up to which lines were acknowledged recorded per file after each line. Throws
 * UsageError, DatabaseError or SyncBusyError only before anything is sent.
 */
export async function runReplayFiles(
  config: JsonlConfig,
  deps: ReplayFilesDeps,
): Promise<ReplayFilesResult> {
  const started = deps.now();
  const sending = !config.dryRun;
  const state = JsonlState.open(config.statePath, !sending);
  const openmetricsOut = config.gridctl?.openmetricsOut;
  const backfill =
    openmetricsOut === undefined ? undefined : new GridctlOpenMetrics(openmetricsOut);
  let files: SourceFile[];
  try {
    files = sourceFiles(config, state, backfill);
  } catch (err) {
    state.close();
    throw err;
  }
  const lock = sending && state.db !== undefined ? new SyncLock(state.db) : undefined;
  return await RunHarness.run(
    deps,
    new JsonlSource({ config, deps, state, backfill, files, lock, started }),
  );
}

/**
 * JSON Lines files (OTLP, or gridctl's directory read as lines) as a source of the run harness: a
 * file at a time, each line to its signal's endpoint (see sendFile), the offset acknowledged
 * recorded per file; at the end, which files were met, and the OpenMetrics backfill written.
 */
class JsonlSource implements RunSource<SourceFile, ReplayFilesResult> {
  readonly lock: SyncLock | undefined;
  readonly started: number;
  /** The state database, whose run log the harness writes (a sending run's only). */
  readonly runLog: DatabaseSync | undefined;
  private readonly totals: ReplayTotals;
  private readonly sending: boolean;
  private ctx: JsonlContext | undefined;
  /** The files whose progress the state held (see JsonlContext.met). */
  private readonly met: JsonlContext['met'] = [];
  private backfillClosed = false;

  constructor(
    private readonly run: {
      config: JsonlConfig;
      deps: ReplayFilesDeps;
      state: JsonlState;
      backfill: GridctlOpenMetrics | undefined;
      files: readonly SourceFile[];
      lock: SyncLock | undefined;
      started: number;
    },
  ) {
    this.lock = run.lock;
    this.started = run.started;
    this.runLog = run.state.db;
    this.sending = !run.config.dryRun;
    this.totals = emptyResult(run.config);
  }

  units(): Iterable<SourceFile> {
    return this.run.files;
  }

  async send(file: SourceFile, harness: RunHarness): Promise<boolean> {
    return await sendFile(this.context(harness), file);
  }

  /** Which files were met (unless the lock was taken over), the backfill, and the totals. */
  result(end: RunEnd): ReplayFilesResult {
    const { totals, sending } = this;
    const { state, deps } = this.run;
    totals.interrupted = end.interrupted;
    // Taken over: the state is the other replay's to write now.
    if (sending && end.lockLost === undefined) {
      const at = new Date(deps.now());
      state.seen(this.met, at);
      // After a stop, the files not reached were not met: their rows must not look abandoned.
      if (totals.stopped === null) {
        const forgotten = state.prune(at);
        if (forgotten > 0)
          deps.log(
            `forgot ${plural(forgotten, 'file')} no run has met for ${FORGET_AFTER_DAYS} days, no longer at the path recorded`,
          );
      }
    }
    this.closeBackfill();
    return finish(totals, deps.now() - this.started);
  }

  close(): void {
    this.closeBackfill();
    this.run.state.close();
  }

  /** The per-file loop's context, made when the first file is sent (the lock held by then). */
  private context(harness: RunHarness): JsonlContext {
    if (this.ctx !== undefined) return this.ctx;
    const { config, deps, state, lock } = this.run;
    const { sending } = this;
    this.ctx = {
      state,
      rejects: sending ? new RejectsFile(config.rejectsPath) : undefined,
      window: windowOf(config.since, config.until),
      ...(config.gridctl?.maxAgeMs !== undefined && {
        horizonNs: BigInt(deps.now() - config.gridctl.maxAgeMs) * 1_000_000n,
      }),
      send: sending
        ? (signal, body, protocol) =>
            harness
              .exporter({
                endpoint: config.endpoints[signal]!,
                protocol,
                compression: config.compression,
                timeoutMs: config.timeoutMs,
                retryBudgetMs: config.retryBudgetMs,
                otlpSignal: signal,
                onRedirect: deps.log,
              })
              .send(body)
        : undefined,
      madeProtocol: config.gridctl?.protocol ?? 'http/json',
      canSend: (signal) => !sending || config.endpoints[signal] !== undefined,
      breaker: harness.breaker(config.maxConsecutiveFailures),
      totals: this.totals,
      now: deps.now,
      log: deps.log,
      // The lock's own timer shows it lives; each record checks it is still this run's.
      guard: lock === undefined ? undefined : (at) => lock.refresh(at),
      halted: () => harness.halted(),
      met: this.met,
    };
    return this.ctx;
  }

  /** The backfill is written whole at the end; a failure there must not undo what was sent. */
  private closeBackfill(): void {
    const { backfill } = this.run;
    if (backfill === undefined || this.backfillClosed) return;
    this.backfillClosed = true;
    const { totals } = this;
    try {
      backfill.close();
      if (backfill.samples > 0)
        totals.backfill = { path: backfill.path, samples: backfill.samples };
    } catch (err) {
      totals.warnings.push(
        `could not write the OpenMetrics backfill ${backfill.path}: ${messageOf(err)}`,
      );
    }
  }
}

/**
 * The files in replay order: OTLP JSON Lines as given, or a gridctl directory's files with what
 * reads each. The run's own rejects file is never a source, even in a directory it reads.
 */
function sourceFiles(
  config: JsonlConfig,
  state: JsonlState,
  backfill: GridctlOpenMetrics | undefined,
): SourceFile[] {
  const { gridctl } = config;
  const found: SourceFile[] =
    gridctl === undefined
      ? discoverFiles(config.paths)
      : withSources(
          config.paths.flatMap((dir) => walkGridctl(dir, gridctl.signals)),
          gridctl.temporality,
          (key) => state.sourceState(key),
          backfill,
        );
  // A directory named twice (the root and one of its stacks) gives its files once.
  const seen = new Set<string>([resolve(config.rejectsPath)]);
  return found.filter((file) => {
    const path = resolve(file.path);
    if (seen.has(path)) return false;
    seen.add(path);
    return true;
  });
}

function emptyResult(config: JsonlConfig): ReplayTotals {
  const endpoints: ReplayFilesResult['endpoints'] = {};
  for (const signal of SIGNALS) {
    const endpoint = config.endpoints[signal];
    if (endpoint !== undefined) endpoints[signal] = displayEndpoint(endpoint.url);
  }
  return {
    command: 'replay',
    status: 'delivered',
    exitCode: 0,
    dryRun: config.dryRun,
    endpoints,
    statePath: config.statePath,
    rejectsPath: config.rejectsPath,
    files: [],
    lines: 0,
    sentLines: 0,
    signals: { metrics: 0, logs: 0, traces: 0 },
    requests: 0,
    retries: 0,
    bytesSent: 0,
    splitLines: 0,
    badLines: 0,
    refusedLines: 0,
    filteredRecords: 0,
    filteredLines: 0,
    tooOldRecords: 0,
    tooOldLines: 0,
    rejectedRecords: 0,
    problems: [],
    problemsOmitted: 0,
    warnings: [...config.warnings],
    stopped: null,
    interrupted: false,
    durationMs: 0,
  };
}

function finish(result: ReplayTotals, durationMs: number): ReplayFilesResult {
  const unread = result.files.some((f) => f.error !== undefined);
  const setAside = result.badLines + result.refusedLines > 0;
  const trouble = result.stopped !== null || unread || setAside;
  let status: ReplayFilesResult['status'] = 'delivered';
  if (result.dryRun) status = 'dry-run';
  else if (result.stopped !== null && result.sentLines === 0) status = 'failed';
  else if (trouble) status = 'partial';
  const done: ReplayTotals = {
    ...result,
    status,
    exitCode: trouble && !result.dryRun ? 1 : 0,
    durationMs,
  };
  return { ...done, run: replayRunSummary(done) };
}

/**
 * A replay's run, in lines. What is pending after it is known only when it read every file to its
 * end: then only the torn last lines held back remain (one per file); after a stop, or a file it
 * could not read, the rest is not counted. A dry run's pending are the lines it would send.
 */
export function replayRunSummary(r: Omit<ReplayFilesResult, 'run'>): RunSummary {
  const heldBack = r.files.filter((f) => f.heldBack).length;
  const complete = r.stopped === null && r.files.every((f) => f.error === undefined);
  const used = (Object.keys(r.endpoints) as (keyof typeof r.endpoints)[]).filter(
    (signal) => r.signals[signal] > 0,
  );
  const endpoints = [...new Set(used.map((signal) => r.endpoints[signal]!))];
  return {
    command: 'replay',
    status: r.status,
    exitCode: r.exitCode,
    interrupted: r.interrupted,
    durationMs: r.durationMs,
    unit: 'line',
    endpoint: endpoints.length === 0 ? null : endpoints.join(', '),
    selected: r.lines,
    delivered: r.dryRun ? 0 : r.sentLines,
    setAside: r.dryRun ? 0 : r.badLines + r.refusedLines,
    pending: r.dryRun ? r.sentLines + heldBack : complete ? heldBack : -1,
    requests: r.requests,
    retries: r.retries,
    bytesSent: r.bytesSent,
  };
}
