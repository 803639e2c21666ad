import type { Protocol, Signal } from '../config/vocabulary.js';
import { describeOutcome, type DeliveryOutcome } from '../deliver/outcome.js';
import type { JsonlFile } from '../jsonl/discover.js';
import { openChunks } from '../jsonl/file-stream.js';
import { fileIdentity, type FileIdentity } from '../jsonl/identity.js';
import { readLines, type RawLine } from '../jsonl/line-reader.js';
import { OTLP_LINES, type LineSource } from '../jsonl/line-source.js';
import { LINE_LIMIT_BYTES, splitBySize } from '../jsonl/split.js';
import { filterByTime, type Filtered, type TimeWindow } from '../jsonl/time-filter.js';
import type { RejectsFile } from '../output/rejects-file.js';
import type { JsonlState } from '../progress/jsonl-state.js';
import { FileWriteError, LockLostError, messageOf } from '../errors.js';
import type { CircuitBreaker, RefusalKind } from './circuit-breaker.js';
import type { FileStart, ReplayFileReport, ReplayTotals } from './jsonl-result.js';

/** A line longer than this is not read into memory: it is a bad line, "too large". */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Problems kept in the result; the rest are counted (and all are in the rejects file). */
const PROBLEMS_KEPT = 100;

/** What the per-file loop works with; `totals` is the run's result, filled in as it goes. */
export interface JsonlContext {
  state: JsonlState;
  /** Undefined on a dry run: nothing is written. */
  rejects: RejectsFile | undefined;
  window: TimeWindow;
  /** Metric points before this time (ns) are too old for the backend: not sent (--max-age). */
  horizonNs?: bigint;
  /** Sends one body to its signal's endpoint; undefined on a dry run. */
  send:
    | ((signal: Signal, body: Uint8Array, protocol: Protocol) => Promise<DeliveryOutcome>)
    | undefined;
  /** How lines made into OTLP here (gridctl's logs and metrics) are sent; others go as JSON. */
  madeProtocol: Protocol;
  /** Whether a signal has an endpoint (on a dry run: every one). */
  canSend: (signal: Signal) => boolean;
  /** Counts refused lines in a row (the run harness's one rule). */
  breaker: CircuitBreaker;
  totals: ReplayTotals;
  now: () => number;
  log: (line: string) => void;
  /**
   * Run first inside each transaction that records progress: throws LockLostError (and so
   * records nothing) once another replay has taken the lock. Undefined on a dry run.
   */
  guard: ((at: number) => void) | undefined;
  /** Why the run must send nothing more (interrupted, lock lost), or undefined. */
  halted: () => string | undefined;
  /** The files whose progress the state held, recorded as met at the end of the run. */
  met: { id: FileIdentity; path: string }[];
}

type LineEnd = 'next' | 'stop';

/** A file and what reads its lines: OTLP JSON Lines unless said otherwise. */
export type SourceFile = JsonlFile & { source?: LineSource };

/** Replays one file from where the state says it stopped; returns whether the run goes on. */
export async function sendFile(ctx: JsonlContext, file: SourceFile): Promise<boolean> {
  const report: ReplayFileReport = {
    path: file.path,
    gzip: file.gzip,
    from: 0,
    to: 0,
    lines: 0,
    sent: 0,
    bad: 0,
    refused: 0,
    filtered: 0,
    heldBack: false,
  };
  ctx.totals.files.push(report);
  let id: FileIdentity | undefined;
  try {
    id = await fileIdentity(file.path, file.gzip);
  } catch (err) {
    return fail(ctx, report, err);
  }
  if (id === undefined) {
    ctx.log(`${file.path}: no complete line yet`);
    return true;
  }
  const progress = ctx.state.find(id);
  if (progress.recognition === 'same' || progress.recognition === 'copy')
    ctx.met.push({ id, path: file.path });
  let start: FileStart = progress.recognition;
  let from = progress.offset;
  let line = progress.line;
  // A plain file smaller than the offset was truncated: its content is new, from the start.
  if (!file.gzip && id.size < from) [start, from, line] = ['truncated', 0, 0];
  let pass = await readFrom(ctx, file, id, report, start, from, line);
  // A .gz file that ends before the offset was replaced by a shorter one with the same first line.
  if (pass === 'short') pass = await readFrom(ctx, file, id, report, 'truncated', 0, 0);
  return pass !== 'stop';
}

async function readFrom(
  ctx: JsonlContext,
  file: SourceFile,
  id: FileIdentity,
  report: ReplayFileReport,
  start: FileStart,
  from: number,
  firstLine: number,
): Promise<'done' | 'stop' | 'short'> {
  Object.assign(report, { start, from, to: from });
  ctx.log(`${file.path}: ${describeStart(start, from, firstLine)}`);
  let saved = { offset: from, line: firstLine };
  let done = { offset: from, line: firstLine };
  /** Records the lines done; false when the lock was lost, and with it the right to record. */
  const commit = (): boolean => {
    if (ctx.send === undefined || done.offset === saved.offset) return true;
    const source = file.source?.settled?.();
    try {
      ctx.state.save(id, done.offset, done.line, file.path, new Date(ctx.now()), ctx.guard, source);
    } catch (err) {
      if (!(err instanceof LockLostError)) throw err;
      ctx.totals.stopped ??= {
        file: file.path,
        line: saved.line + 1,
        reason: `${err.message}; this run stopped and recorded nothing more`,
      };
      return false;
    }
    saved = done;
    report.to = done.offset;
    return true;
  };
  let lineNo = file.gzip ? 0 : firstLine;
  let reached = file.gzip ? 0 : from;
  try {
    const chunks = openChunks(file.path, file.gzip, file.gzip ? 0 : from);
    for await (const raw of readLines(chunks, file.gzip ? 0 : from, MAX_LINE_BYTES)) {
      lineNo++;
      reached = raw.end;
      if (raw.end <= from) continue; // a .gz file is read from its start to the offset
      if (!raw.terminated && !file.gzip) {
        report.heldBack = true;
        break;
      }
      const halted = ctx.halted();
      if (halted !== undefined) {
        // The lines before this one were settled; this one and the rest wait.
        stop(ctx, { file: file.path, line: lineNo }, halted);
        commit();
        return 'stop';
      }
      report.lines++;
      ctx.totals.lines++;
      const { end, wrote } = await replayLine(ctx, file, raw, lineNo, report);
      // A line is done unless the run stopped on it before it was recorded anywhere.
      if (end === 'next' || wrote) {
        done = { offset: raw.end, line: lineNo };
        file.source?.settle?.();
      }
      if ((wrote || end === 'stop') && !commit()) return 'stop';
      if (end === 'stop') return 'stop';
      if (!ctx.send) report.to = done.offset;
    }
  } catch (err) {
    if (!commit()) return 'stop';
    // The rejects file could not be written (a full disk): the line it was for, and the rest, wait.
    if (err instanceof FileWriteError) {
      stop(ctx, { file: file.path, line: lineNo }, err.message);
      return 'stop';
    }
    fail(ctx, report, err);
    return 'done';
  }
  if (file.gzip && reached < from) return 'short';
  return commit() ? 'done' : 'stop';
}

/** One line: read, filter, cut, send, and where it ends up. `wrote`: progress is worth a commit. */
async function replayLine(
  ctx: JsonlContext,
  file: SourceFile,
  raw: RawLine,
  lineNo: number,
  report: ReplayFileReport,
): Promise<{ end: LineEnd; wrote: boolean }> {
  const where = { file: file.path, line: lineNo, offset: raw.start };
  if (raw.bytes === undefined) {
    bad(
      ctx,
      report,
      where,
      `too large: ${raw.length} bytes, over the ${MAX_LINE_BYTES / 1048576} MiB a line may have`,
    );
    return { end: 'next', wrote: true };
  }
  const parsed = (file.source ?? OTLP_LINES).parse(raw.bytes);
  if (parsed.kind === 'blank') return { end: 'next', wrote: false };
  if (parsed.kind === 'bad') {
    bad(ctx, report, where, parsed.reason, raw.bytes.toString('utf8'));
    return { end: 'next', wrote: true };
  }
  const { signal } = parsed;
  const filtered = filterByTime(signal, parsed.data, ctx.window);
  ctx.totals.filteredRecords += filtered.dropped;
  if (filtered.empty) {
    report.filtered++;
    ctx.totals.filteredLines++;
    return { end: 'next', wrote: false };
  }
  const fresh = withinHorizon(ctx, signal, filtered);
  if (fresh === undefined) return { end: 'next', wrote: false };
  if (!ctx.canSend(signal)) {
    stop(
      ctx,
      where,
      `no endpoint for ${signal}: give --endpoint, OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`,
    );
    return { end: 'stop', wrote: false };
  }
  // Sent as it is (or as made into OTLP) unless the window cut it or it is over the line limit.
  // A line made into OTLP here holds one time (its records share the line's), so the window
  // takes all of it or nothing, and in protobuf it goes whole: the 1 MiB limit is a JSON line's.
  const protocol: Protocol =
    parsed.protobuf !== undefined && ctx.madeProtocol === 'http/protobuf'
      ? 'http/protobuf'
      : 'http/json';
  const body = parsed.body ?? raw.bytes;
  const pieces: Uint8Array[] =
    protocol === 'http/protobuf' && parsed.protobuf !== undefined
      ? [parsed.protobuf()]
      : fresh.dropped === 0 && body.byteLength <= LINE_LIMIT_BYTES
        ? [body]
        : splitBySize(signal, fresh.data).map((text) => Buffer.from(text));
  if (pieces.length > 1) ctx.totals.splitLines++;
  if (ctx.send === undefined) {
    report.sent++;
    ctx.totals.sentLines++;
    ctx.totals.signals[signal]++;
    return { end: 'next', wrote: false };
  }
  // The refusal the breaker is told of: bad data if any piece was refused so (see CircuitBreaker).
  let refused: RefusalKind | undefined;
  for (const piece of pieces) {
    const outcome = await ctx.send(signal, piece, protocol);
    ctx.totals.bytesSent += outcome.bytesSent;
    ctx.totals.retries += outcome.attempts - 1;
    if (outcome.attempts > 0) ctx.totals.requests++;
    if (outcome.kind === 'acknowledged') {
      ctx.totals.rejectedRecords += outcome.rejectedPoints;
      ctx.breaker.accepted();
      continue;
    }
    if (
      outcome.kind === 'bad-data' ||
      outcome.kind === 'too-old' ||
      outcome.kind === 'out-of-order'
    ) {
      if (refused !== 'bad-data') refused = outcome.kind;
      ctx.rejects?.append({
        ...where,
        reason: `refused: ${describeOutcome(outcome)}`,
        status: outcome.status,
        // The line's OTLP/JSON, readable, whichever encoding was sent.
        text:
          protocol === 'http/json' ? Buffer.from(piece).toString('utf8') : body.toString('utf8'),
      });
      continue;
    }
    stop(ctx, where, describeOutcome(outcome));
    return { end: 'stop', wrote: false };
  }
  if (refused !== undefined) {
    report.refused++;
    ctx.totals.refusedLines++;
    problem(ctx, {
      file: file.path,
      line: lineNo,
      kind: 'refused',
      reason: 'refused by the endpoint',
    });
    if (ctx.breaker.refused(refused)) {
      // This line is set aside (in the rejects file) like the ones before it; the rest wait.
      const reason = `${ctx.breaker.count} lines in a row were refused; stopping (--max-consecutive-failures)`;
      ctx.totals.stopped = { file: file.path, line: lineNo, reason };
      return { end: 'stop', wrote: true };
    }
    return { end: 'next', wrote: true };
  }
  report.sent++;
  ctx.totals.sentLines++;
  ctx.totals.signals[signal]++;
  return { end: 'next', wrote: true };
}

/**
 * The line without its metric points older than the horizon, counted as too old; undefined when
 * nothing is left to send (the line is then done).
 */
function withinHorizon(ctx: JsonlContext, signal: Signal, line: Filtered): Filtered | undefined {
  if (ctx.horizonNs === undefined || signal !== 'metrics') return line;
  const fresh = filterByTime(signal, line.data, { sinceNs: ctx.horizonNs });
  ctx.totals.tooOldRecords += fresh.dropped;
  if (fresh.empty) {
    ctx.totals.tooOldLines++;
    return undefined;
  }
  return { ...fresh, dropped: line.dropped + fresh.dropped };
}

function bad(
  ctx: JsonlContext,
  report: ReplayFileReport,
  where: { file: string; line: number; offset: number },
  reason: string,
  text?: string,
): void {
  report.bad++;
  ctx.totals.badLines++;
  ctx.rejects?.append({ ...where, reason, ...(text !== undefined && { text }) });
  problem(ctx, { file: where.file, line: where.line, kind: 'bad', reason });
}

function problem(ctx: JsonlContext, p: ReplayTotals['problems'][number]): void {
  if (ctx.totals.problems.length < PROBLEMS_KEPT) ctx.totals.problems.push(p);
  else ctx.totals.problemsOmitted++;
}

function stop(ctx: JsonlContext, where: { file: string; line: number }, reason: string): void {
  ctx.totals.stopped = { file: where.file, line: where.line, reason };
}

function fail(ctx: JsonlContext, report: ReplayFileReport, err: unknown): boolean {
  report.error = messageOf(err);
  ctx.log(`${report.path}: cannot read: ${report.error}`);
  return true;
}

function describeStart(start: FileStart, from: number, line: number): string {
  switch (start) {
    case 'new':
      return 'new, from its start';
    case 'replaced':
      return 'replaced since the last run, from its start';
    case 'truncated':
      return 'truncated since the last run, from its start';
    case 'copy':
    case 'same':
      return from === 0
        ? 'from its start'
        : `from byte ${from} (after line ${line})${start === 'copy' ? ', recognised by its first line' : ''}`;
  }
}
