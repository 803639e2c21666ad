import { resolve } from 'node:path';
import { type JsonlConfig } from '../config/jsonl-config.js';
import { SIGNALS, type Signal, type Protocol } from '../config/vocabulary.js';
import { displayEndpoint } from '../config/endpoint.js';
import type { OtlpExporter } from '../deliver/otlp-exporter.js';
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
import type { ReplayFilesResult } from './jsonl-result.js';
import type { ReplayFilesDeps } from './run-deps.js';
import { RunHarness } from './run-harness.js';

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
  const exporters = new Map<string, OtlpExporter>();
  const totals = emptyResult(config);
  const harness = new RunHarness(deps, lock);
  try {
    await harness.hold(async () => {
      const exporter = (signal: Signal, protocol: Protocol): OtlpExporter => {
        const key = `${signal} ${protocol}`;
        let found = exporters.get(key);
        if (found === undefined) {
          found = harness.exporter({
            endpoint: config.endpoints[signal]!,
            protocol,
            compression: config.compression,
            timeoutMs: config.timeoutMs,
            retryBudgetMs: config.retryBudgetMs,
            otlpSignal: signal,
            onRedirect: deps.log,
          });
          exporters.set(key, found);
        }
        return found;
      };
      const ctx: JsonlContext = {
        state,
        rejects: sending ? new RejectsFile(config.rejectsPath) : undefined,
        window: windowOf(config.since, config.until),
        ...(config.gridctl?.maxAgeMs !== undefined && {
          horizonNs: BigInt(deps.now() - config.gridctl.maxAgeMs) * 1_000_000n,
        }),
        send: sending
          ? (signal, body, protocol) => exporter(signal, protocol).send(body)
          : undefined,
        madeProtocol: config.gridctl?.protocol ?? 'http/json',
        canSend: (signal) => !sending || config.endpoints[signal] !== undefined,
        breaker: harness.breaker(config.maxConsecutiveFailures),
        totals,
        now: deps.now,
        log: deps.log,
        // The lock's own timer shows it lives; each record checks it is still this run's.
        guard: lock === undefined ? undefined : (at) => lock.refresh(at),
        halted: () => harness.halted(),
        met: [],
      };
      await sendFiles(ctx, files, sending, harness);
    });
  } finally {
    closeBackfill(backfill, totals);
    for (const e of exporters.values()) e.close();
    state.close();
  }
  return finish(totals, deps.now() - started);
}

/** Every file in order, then (unless the lock was taken over) which files were met. */
async function sendFiles(
  ctx: JsonlContext,
  files: readonly SourceFile[],
  sending: boolean,
  harness: RunHarness,
): Promise<void> {
  const { totals, state } = ctx;
  for (const file of files) if (!(await sendFile(ctx, file))) break;
  totals.interrupted = harness.interrupted;
  // Taken over: the state is the other replay's to write now.
  if (!sending || harness.lockLost !== undefined) return;
  const at = new Date(ctx.now());
  state.seen(ctx.met, at);
  // After a stop, the files not reached were not met: their rows must not look abandoned.
  if (totals.stopped === null) {
    const forgotten = state.prune(at);
    if (forgotten > 0)
      ctx.log(
        `forgot ${plural(forgotten, 'file')} no run has met for ${FORGET_AFTER_DAYS} days, no longer at the path recorded`,
      );
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

/** The backfill is written whole at the end; a failure there must not undo what was sent. */
function closeBackfill(backfill: GridctlOpenMetrics | undefined, totals: ReplayFilesResult): void {
  if (backfill === undefined) return;
  try {
    backfill.close();
    if (backfill.samples > 0) totals.backfill = { path: backfill.path, samples: backfill.samples };
  } catch (err) {
    totals.warnings.push(
      `could not write the OpenMetrics backfill ${backfill.path}: ${messageOf(err)}`,
    );
  }
}

function emptyResult(config: JsonlConfig): ReplayFilesResult {
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

function finish(result: ReplayFilesResult, durationMs: number): ReplayFilesResult {
  const unread = result.files.some((f) => f.error !== undefined);
  const setAside = result.badLines + result.refusedLines > 0;
  const trouble = result.stopped !== null || unread || setAside;
  let status: ReplayFilesResult['status'] = 'delivered';
  if (result.dryRun) status = 'dry-run';
  else if (result.stopped !== null && result.sentLines === 0) status = 'failed';
  else if (trouble) status = 'partial';
  return { ...result, status, exitCode: trouble && !result.dryRun ? 1 : 0, durationMs };
}
