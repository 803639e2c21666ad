import type { DatabaseSync } from 'node:sqlite';
import type { IdRange } from './id-ranges.js';
import { MAX_TEXT_LENGTH, parseEventTime, type TokfEvent } from './tokf-event.js';

/** One more than attribute values keep, so that a cut value is still seen as too long. */
const TEXT_LIMIT = MAX_TEXT_LENGTH + 1;

/** Rows fetched per query. Each query ends before the next, so tokf's writes wait at most one. */
const PAGE_SIZE = 2000;

/**
 * Where pending rows may be, within [minId, maxId]: id intervals, and an SQL condition on `events`
 * that pending rows also meet, if any. The progress store answers it; the source only reads.
 */
export type PendingPlan = (minId: number, maxId: number) => { gaps: IdRange[]; condition?: string };

/**
 * Pending events in id order, read a page at a time so that memory is bounded by the page and no
 * read lock is held between pages. Columns are selected by name: tokf's column order varies. Rows
 * tokf adds after the scan began (above the highest id then) wait for the next run.
 */
export function scanPending(
  db: DatabaseSync,
  plan: PendingPlan,
  columns: ReadonlySet<string>,
): Iterable<TokfEvent> {
  const bounds = db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM events').get();
  const minId = bounds?.lo == null ? 1 : Number(bounds.lo);
  const maxId = bounds?.hi == null ? 0 : Number(bounds.hi);
  const { gaps, condition } = plan(minId, maxId);
  // Text is cut in SQL: a damaged or odd row may hold megabytes, which would otherwise be copied
  // into memory only to be cut at MAX_TEXT_LENGTH when encoded.
  const sql = `SELECT id, timestamp, substr(command, 1, ${TEXT_LIMIT}) AS command,
            substr(filter_name, 1, ${TEXT_LIMIT}) AS filter_name, input_tokens_est, output_tokens_est,
            filter_time_ms, ${exitCode(columns)} AS exit_code${optionalColumns(columns)}
       FROM events
      WHERE id >= ? AND id <= ?${condition === undefined ? '' : ` AND ${condition}`}
      ORDER BY id
      LIMIT ${PAGE_SIZE}`;
  // Rows as arrays, not objects: node:sqlite builds them about a third faster, and the scan reads
  // hundreds of thousands of them. Positions are looked up by name once.
  const page = db.prepare(sql);
  page.setReturnArrays(true);
  const at = positionsOf(page.columns().map((c) => c.name));
  // SQLite integers can exceed what a JS number holds, and node:sqlite then refuses the whole
  // page. Such a page is read again as BigInt and clamped, so an odd row cannot stop the scan;
  // ordinary pages keep the faster number path.
  const bigPage = db.prepare(sql);
  bigPage.setReturnArrays(true);
  bigPage.setReadBigInts(true);
  const readPage = (from: number, to: number): unknown[][] => {
    try {
      return page.all(from, to) as unknown as unknown[][];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_OUT_OF_RANGE') throw err;
      return bigPage.all(from, to) as unknown as unknown[][];
    }
  };
  function* events(): Generator<TokfEvent> {
    for (const gap of gaps) {
      let from = gap.first;
      while (from <= gap.last) {
        const rows = readPage(from, gap.last);
        for (const row of rows) {
          const event = toEvent(row, at, from);
          from = event.id + 1;
          yield event;
        }
        if (rows.length < PAGE_SIZE) break;
      }
    }
  }
  return events();
}

/**
 * tokf 0.2.54 stores a piped run's (`--pipe-through`) own exit code in `head_exit_code` and the
 * pipeline's in `exit_code`; its live exporter sends the former as `tokf.exit_code`, so the
 * replayed series continue the live ones only if we do too.
 */
function exitCode(columns: ReadonlySet<string>): string {
  return columns.has('head_exit_code') ? 'COALESCE(head_exit_code, exit_code)' : 'exit_code';
}

/**
 * Columns later tokf releases added, read where present: the logs and spans carry them (metrics
 * leave them out, as tokf's live exporter does).
 */
function optionalColumns(columns: ReadonlySet<string>): string {
  let sql = '';
  if (columns.has('project')) sql += `, substr(project, 1, ${TEXT_LIMIT}) AS project`;
  if (columns.has('pipe_override')) sql += ', pipe_override';
  if (columns.has('head_exit_code'))
    sql += ', CASE WHEN head_exit_code IS NULL THEN NULL ELSE exit_code END AS pipeline_exit_code';
  return sql;
}

/** Where each column the scan selects sits in a row; -1 for an optional one tokf's table lacks. */
interface Positions {
  id: number;
  timestamp: number;
  command: number;
  filterName: number;
  inputTokens: number;
  outputTokens: number;
  filterTimeMs: number;
  exitCode: number;
  project: number;
  pipeOverride: number;
  pipelineExitCode: number;
}

function positionsOf(names: readonly string[]): Positions {
  const at = (name: string) => names.indexOf(name);
  return {
    id: at('id'),
    timestamp: at('timestamp'),
    command: at('command'),
    filterName: at('filter_name'),
    inputTokens: at('input_tokens_est'),
    outputTokens: at('output_tokens_est'),
    filterTimeMs: at('filter_time_ms'),
    exitCode: at('exit_code'),
    project: at('project'),
    pipeOverride: at('pipe_override'),
    pipelineExitCode: at('pipeline_exit_code'),
  };
}

function toEvent(row: readonly unknown[], at: Positions, coverFrom: number): TokfEvent {
  const stamp = row[at.timestamp];
  const timestamp = typeof stamp === 'string' ? stamp : '';
  const exitCode = row[at.exitCode];
  const event: TokfEvent = {
    id: Number(row[at.id]),
    timestamp,
    epochSeconds: parseEventTime(timestamp),
    command: toText(row[at.command]) ?? '',
    filterName: toText(row[at.filterName]),
    inputTokens: toCount(row[at.inputTokens]),
    outputTokens: toCount(row[at.outputTokens]),
    filterTimeMs: toCount(row[at.filterTimeMs]),
    exitCode: exitCode == null ? null : toInteger(exitCode),
    coverFrom,
  };
  // Optional columns only where the row has a value: absent, not undefined, as before.
  const project = at.project < 0 ? null : toText(row[at.project]);
  if (project !== null && project !== '') event.project = project;
  const pipeOverride = at.pipeOverride < 0 ? null : row[at.pipeOverride];
  if (pipeOverride != null) event.pipeOverride = toInteger(pipeOverride) === 1;
  const pipelineExitCode = at.pipelineExitCode < 0 ? null : row[at.pipelineExitCode];
  if (pipelineExitCode != null) event.pipelineExitCode = toInteger(pipelineExitCode);
  return event;
}

// tokf declares these INTEGER NOT NULL, but SQLite stores whatever it is given: NULL, text,
// negative or huge numbers. Counts and durations are clamped to [0, 2^53), which is what a
// histogram or a monotonic sum can carry; anything that is not a number counts as 0.
function toCount(value: unknown): number {
  const n = toInteger(value);
  return n === null || n < 0 ? 0 : n;
}

function toInteger(value: unknown): number | null {
  const n =
    typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return null;
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, Math.trunc(n)));
}

// Text columns may hold blobs or numbers in a damaged database; SQLite has already replaced
// invalid UTF-8 in text with U+FFFD.
function toText(value: unknown): string | null {
  if (value == null) return null;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return String(value);
}
