import type { DayTotals, SavingsRow, SyncResult, TokenTotals } from '../engine/index.js';
import { count } from '../words.js';
import { describeNotice } from '../report/notices.js';
import type { Claim } from './cache-claims.js';
import type { SaveOutcome } from './database-cache.js';
import type { UploadedArtifact } from './otlp-artifact.js';
import { cell, text } from './markdown-text.js';

export { cell, text };

/** Everything the job summary and the pull-request comment show. */
export interface ActionReport {
  /** The sync of the database at database-path, if there was one. */
  result: SyncResult | undefined;
  /** The sync of a restored copy kept beside a database that already existed. */
  restoredCopy: SyncResult | undefined;
  /** Where the database came from: cache, artifact, existing or none. */
  restoredFrom: string;
  restoredKey: string | undefined;
  artifact: UploadedArtifact | undefined;
  save: SaveOutcome | undefined;
  /** Set on pull requests. */
  pullRequest: number | undefined;
  /**
   * How commands are named in the tokens-saved table: by program and subcommand (default), or
   * as whole command lines, which may hold secrets (input summary-commands).
   */
  commands?: 'program' | 'full';
  /** Plain-language facts for the reader (what was not found, what was left and why). */
  notes: string[];
  problems: string[];
  /** Warnings about missing permissions: annotated, never a reason to fail the step. */
  advice?: string[];
  /** Who sends what earlier runs left pending (see cache-claims.ts). */
  claim?: Claim;
  /** Why no OTLP/JSON artifact was uploaded, when the run had files for one. */
  artifactSkipped?: string;
  /** Why uploading the OTLP/JSON artifact failed: then nothing was exported to it. */
  artifactFailed?: string;
}

const MAX_LIST = 20;

/**
 * The report as GitHub-flavoured Markdown. Everything that comes from the database or the
 * endpoint goes through `cell`/`text`: core.summary does not escape HTML, and a command line can
 * hold anything.
 */
export function renderReport(report: ActionReport, marker = ''): string {
  const lines: string[] = [];
  if (marker !== '') lines.push(marker);
  lines.push(`### telemetry-sync: ${text(headline(report))}`, '');
  const results = [report.result, report.restoredCopy].filter(
    (r): r is SyncResult => r !== undefined,
  );
  if (results.length > 0) {
    const total = combine(results);
    lines.push(
      '| delivered | pending | set aside | too old | tokens saved |',
      '| ---: | ---: | ---: | ---: | ---: |',
      `| ${count(total.delivered)} | ${known(total.pending)} | ${known(total.setAside)} | ${count(total.tooOld + total.tooOldForEndpoint)} | **${count(total.tokens.saved)}** |`,
      '',
      `${count(total.selected)} events selected in this run: ${count(total.tokens.input)} tokens in, ` +
        `${count(total.tokens.output)} out, ${count(total.tokens.saved)} saved (${percent(total.tokens)}).` +
        (total.alreadyHeld > 0
          ? ` ${count(total.alreadyHeld)} of the delivered were already in the backend (a resend of a request stored while its answer was lost).`
          : '') +
        ` Of them ${count(total.refusedEvents)} refused and set aside, ${count(total.tooOld)} older than max-age` +
        ` and ${count(total.tooOldForEndpoint)} older than the endpoint keeps (artifact only),` +
        ` ${count(total.rejectedPoints)} points rejected. Pending and set aside count the whole database after the run.`,
      '',
    );
    lines.push(...signalTable(results));
    lines.push(...dailyCharts(total.daily));
    const first = results
      .map((r) => r.firstEventTime)
      .filter(isString)
      .sort()[0];
    const last = results
      .map((r) => r.lastEventTime)
      .filter(isString)
      .sort()
      .at(-1);
    if (first !== undefined)
      lines.push(`**Time range:** ${text(first)} to ${text(last ?? first)}`, '');
    const points = Object.entries(total.points);
    if (points.length > 0) {
      lines.push('| metric | points |', '| --- | ---: |');
      for (const [name, n] of points) lines.push(`| ${cell(name)} | ${n} |`);
      lines.push('');
    }
    const endpoint = results.find((r) => r.endpoint !== null)?.endpoint;
    lines.push(
      `**Endpoint:** ${endpoint ? cell(hostOf(endpoint)) : 'none (OTLP/JSON file only)'} · ` +
        `**requests:** ${total.requests} (${total.retries} retries, ${total.failedRequests} failed)`,
      '',
    );
  }
  lines.push(`**Database:** ${text(restoreLine(report))}`, '');
  if (report.artifact !== undefined) {
    lines.push(
      `**OTLP/JSON artifact:** [${text(report.artifact.name)}](${report.artifact.url})`,
      '',
    );
  }
  if (report.save !== undefined) {
    lines.push(
      `**Saved:** ${text(report.save.saved ? `cache key ${report.save.key}` : report.save.reason)}`,
      '',
    );
  }
  const warnings = once([
    ...(report.advice ?? []),
    ...results.flatMap((r) => r.warnings.map(describeNotice)),
  ]);
  const errors = once([
    ...report.problems,
    ...results.flatMap((r) => r.errors.map(describeNotice)),
  ]);
  for (const [title, list] of [
    ['Notes', report.notes],
    ['Warnings', warnings],
    ['Errors', errors],
  ] as const) {
    if (list.length === 0) continue;
    lines.push(`**${title}**`, '');
    for (const item of list.slice(0, MAX_LIST)) lines.push(`- ${text(item)}`);
    if (list.length > MAX_LIST) lines.push(`- … and ${list.length - MAX_LIST} more`);
    lines.push('');
  }
  lines.push(...commandTable(results, report.commands ?? 'program'));
  return `${lines.join('\n')}\n`;
}

/**
 * Each item once: the same text twice, or an engine's error that a problem already quotes (a sync
 * that did not deliver names its first error, see sync-phase.ts), is said once.
 */
export function once(items: readonly string[]): string[] {
  const kept: string[] = [];
  for (const item of items) {
    if (kept.some((k) => k === item || k.endsWith(`: ${item}`))) continue;
    kept.push(item);
  }
  return kept;
}

/** Rows of the tokens-saved table; the rest are summed into "others". */
export const COMMAND_ROWS = 10;

/**
 * Tokens saved by command and filter, largest first, the top COMMAND_ROWS and the rest as
 * "others", with the total of the selected events. Commands are named by program and subcommand
 * unless whole command lines are asked for (they may hold secrets).
 */
/**
 * Where a run sent more than metrics (input signals), each signal's own figures: an event
 * delivered as metrics may still be pending as logs. The table above is the first signal's.
 */
function signalTable(results: readonly SyncResult[]): string[] {
  const rows = results.flatMap((r) => r.signals ?? []);
  if (new Set(rows.map((r) => r.signal)).size < 2) return [];
  return [
    '| signal | delivered | pending | set aside | too old |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.signal} | ${count(r.delivered)} | ${known(r.pending)} | ${known(r.setAside)} | ${count(r.tooOld + r.tooOldForEndpoint)} |`,
    ),
    '',
  ];
}

function commandTable(results: readonly SyncResult[], commands: 'program' | 'full'): string[] {
  const byKey = new Map<string, SavingsRow>();
  for (const r of results) {
    for (const row of commands === 'full' ? r.savedBy : r.savedByProgram) {
      const key = `${row.filter ?? ''}\u0000${row.command}`;
      const same = byKey.get(key);
      if (same === undefined) byKey.set(key, { ...row });
      else {
        same.events += row.events;
        same.tokensSaved += row.tokensSaved;
      }
    }
  }
  if (byKey.size === 0) return [];
  const rows = [...byKey.values()].sort(
    (a, b) => b.tokensSaved - a.tokensSaved || b.events - a.events,
  );
  const shown = rows.slice(0, COMMAND_ROWS);
  const total = combine(results).tokens;
  const otherEvents = total.events - sum(shown, (r) => r.events);
  const otherSaved = total.saved - sum(shown, (r) => r.tokensSaved);
  const lines = [
    `**Tokens saved by command and filter**${commands === 'full' ? '' : ' (program and subcommand; `summary-commands: full` shows whole command lines)'}`,
    '',
    '| command | filter | events | tokens saved |',
    '| --- | --- | ---: | ---: |',
  ];
  for (const row of shown) {
    lines.push(
      `| ${cell(row.command)} | ${row.filter === null ? '(passthrough)' : cell(row.filter)} | ${count(row.events)} | ${count(row.tokensSaved)} |`,
    );
  }
  if (otherEvents > 0) lines.push(`| others | | ${count(otherEvents)} | ${count(otherSaved)} |`);
  lines.push(`| **total** | | **${count(total.events)}** | **${count(total.saved)}** |`, '');
  return lines;
}

/** Days (or months, over a long run) a chart shows at most. */
const MAX_BARS = 62;

/**
 * Tokens saved and invocations per day of the selected events, as mermaid `xychart-beta` blocks
 * (GitHub renders them in job summaries and comments): per month when the run spans more days
 * than a chart can show, and then the latest MAX_BARS months.
 */
export function dailyCharts(days: readonly DayTotals[]): string[] {
  if (days.length === 0) return [];
  let buckets = days.map((d) => ({ label: d.day, events: d.events, saved: d.tokensSaved }));
  let unit = 'day';
  if (buckets.length > MAX_BARS) {
    unit = 'month';
    const months = new Map<string, { label: string; events: number; saved: number }>();
    for (const b of buckets) {
      const label = b.label.slice(0, 7);
      const m = months.get(label) ?? { label, events: 0, saved: 0 };
      m.events += b.events;
      m.saved += b.saved;
      months.set(label, m);
    }
    buckets = [...months.values()].slice(-MAX_BARS);
  }
  const axis = `x-axis [${buckets.map((b) => `"${b.label}"`).join(', ')}]`;
  const chart = (title: string, yAxis: string, kind: 'bar' | 'line', values: number[]) => [
    '```mermaid',
    'xychart-beta',
    `  title "${title}"`,
    `  ${axis}`,
    `  y-axis "${yAxis}"`,
    `  ${kind} [${values.join(', ')}]`,
    '```',
    '',
  ];
  return [
    ...chart(
      `Tokens saved per ${unit}`,
      'tokens saved',
      'bar',
      buckets.map((b) => b.saved),
    ),
    ...chart(
      `Invocations per ${unit}`,
      'invocations',
      'line',
      buckets.map((b) => b.events),
    ),
  ];
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((n, item) => n + of(item), 0);
}

/** A count that may be unknown (-1: counting failed). */
function known(n: number): string {
  return n < 0 ? '?' : count(n);
}

function percent(t: TokenTotals): string {
  return t.input === 0 ? '0%' : `${((100 * t.saved) / t.input).toFixed(1)}% of the input`;
}

/**
 * What happened, in a few plain lines for the step log: where the database came from, what became
 * of the events, where the artifact went and what was saved.
 */
export function logLines(report: ActionReport): string[] {
  const lines = [`telemetry-sync: ${headline(report)}`, `  database: ${restoreLine(report)}`];
  const results = [report.result, report.restoredCopy].filter(
    (r): r is SyncResult => r !== undefined,
  );
  if (results.length > 0) {
    const t = combine(results);
    const parts = [
      `${count(t.selected)} selected`,
      `${count(t.delivered)} delivered`,
      `${known(t.pending)} pending`,
    ];
    if (t.alreadyHeld > 0) parts.push(`${t.alreadyHeld} of them already in the backend`);
    if (t.refusedEvents > 0) parts.push(`${t.refusedEvents} refused and set aside`);
    if (t.tooOld > 0) parts.push(`${t.tooOld} older than max-age`);
    if (t.tooOldForEndpoint > 0) parts.push(`${t.tooOldForEndpoint} older than the endpoint keeps`);
    if (t.rejectedPoints > 0) parts.push(`${t.rejectedPoints} points rejected`);
    lines.push(`  events: ${parts.join(', ')}`);
    lines.push(
      `  tokens: ${count(t.tokens.saved)} saved (${count(t.tokens.input)} in, ${count(t.tokens.output)} out)`,
    );
    const endpoint = results.find((r) => r.endpoint !== null)?.endpoint;
    lines.push(`  endpoint: ${endpoint ? hostOf(endpoint) : 'none (OTLP/JSON file only)'}`);
  }
  if (report.artifact !== undefined)
    lines.push(`  artifact: ${report.artifact.name} (${report.artifact.url})`);
  else if (report.artifactFailed !== undefined)
    lines.push(`  artifact: the upload failed: ${report.artifactFailed}`);
  else if (report.artifactSkipped !== undefined)
    lines.push(`  artifact: ${report.artifactSkipped}`);
  if (report.save !== undefined)
    lines.push(
      `  saved: ${report.save.saved ? `cache key ${report.save.key}` : report.save.reason}`,
    );
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return lines;
}

function headline(report: ActionReport): string {
  const r = report.result;
  if (r === undefined && report.restoredCopy === undefined)
    return 'no database found, nothing to sync';
  const results = [r, report.restoredCopy].filter((x): x is SyncResult => x !== undefined);
  const total = combine(results);
  const saved = total.selected === 0 ? '' : `, ${count(total.tokens.saved)} tokens saved`;
  if (results.some((x) => x.status === 'dry-run'))
    return `dry run: ${count(total.selected)} events would be sent${saved}`;
  if (results.every((x) => x.status === 'exported')) {
    if (total.selected === 0) return 'nothing new to export (no endpoint)';
    // The file is on the runner, which throws it away: only an uploaded artifact keeps it.
    if (report.artifactFailed !== undefined)
      return `${count(total.selected)} events were not exported: uploading the OTLP/JSON artifact failed (no endpoint)${saved}`;
    if (report.artifact === undefined)
      return `${count(total.selected)} events written to an OTLP/JSON file, not uploaded${report.artifactSkipped === undefined ? '' : ` (${report.artifactSkipped})`}${saved}`;
    return `${count(total.selected)} events written to the OTLP/JSON artifact (no endpoint)${saved}`;
  }
  if (results.some((x) => x.status === 'failed' || x.status === 'partial')) {
    const setAside =
      total.selectedSetAside > 0 ? `, ${count(total.selectedSetAside)} set aside` : '';
    return `delivered ${count(total.delivered)} of ${count(total.selected)} events; ${count(total.selectedPending)} stay pending${setAside}${saved}`;
  }
  return total.selected === 0
    ? 'nothing new to deliver'
    : `delivered ${count(total.delivered)} events${saved}`;
}

/**
 * What the sync came to, over the database and a restored copy: none without a database, the
 * worst of the runs otherwise (a dry run or a file export being what was asked for; an export whose
 * artifact could not be uploaded failed).
 */
export function statusOf(
  results: readonly SyncResult[],
  /** Why the OTLP/JSON artifact could not be uploaded: a file export then kept nothing. */
  artifactFailed?: string,
): SyncResult['status'] | 'none' {
  if (results.length === 0) return 'none';
  if (results.some((r) => r.status === 'dry-run')) return 'dry-run';
  if (results.every((r) => r.status === 'exported'))
    return artifactFailed === undefined ? 'exported' : 'failed';
  if (results.every((r) => r.status === 'failed')) return 'failed';
  if (results.some((r) => r.status === 'failed' || r.status === 'partial')) return 'partial';
  return 'delivered';
}

function restoreLine(report: ActionReport): string {
  switch (report.restoredFrom) {
    case 'cache':
      return `restored from the cache (key ${report.restoredKey ?? '?'})`;
    case 'artifact':
      return `restored from an artifact (${report.restoredKey ?? '?'})`;
    case 'existing':
      return 'already present on the runner';
    default:
      return 'none restored';
  }
}

/** Totals over several results. */
export function combine(results: readonly SyncResult[]) {
  const total = {
    refusedEvents: 0,
    alreadyHeld: 0,
    tooOld: 0,
    tooOldForEndpoint: 0,
    selectedSetAside: 0,
    selectedPending: 0,
    selected: 0,
    delivered: 0,
    rejectedPoints: 0,
    pending: 0,
    requests: 0,
    retries: 0,
    failedRequests: 0,
    setAside: 0,
    points: {} as Record<string, number>,
    tokens: { events: 0, input: 0, output: 0, saved: 0 } as TokenTotals,
    daily: [] as DayTotals[],
  };
  const days = new Map<string, DayTotals>();
  for (const r of results) {
    total.selected += r.selected;
    total.delivered += r.delivered;
    total.rejectedPoints += r.rejectedPoints;
    total.refusedEvents += r.refusedEvents;
    total.alreadyHeld += r.alreadyHeld;
    total.tooOld += r.tooOld;
    total.tooOldForEndpoint += r.tooOldForEndpoint;
    total.selectedSetAside += r.selectedSetAside;
    total.selectedPending += r.selectedPending;
    total.pending = total.pending < 0 || r.pending < 0 ? -1 : total.pending + r.pending;
    total.requests += r.requests;
    total.retries += r.retries;
    total.failedRequests += r.failedRequests;
    // -1: a run could not count; the total is unknown then.
    total.setAside = total.setAside < 0 || r.setAside < 0 ? -1 : total.setAside + r.setAside;
    for (const [k, v] of Object.entries(r.points)) total.points[k] = (total.points[k] ?? 0) + v;
    total.tokens.events += r.tokens.events;
    total.tokens.input += r.tokens.input;
    total.tokens.output += r.tokens.output;
    total.tokens.saved += r.tokens.saved;
    for (const d of r.daily) {
      const same = days.get(d.day);
      if (same === undefined) days.set(d.day, { ...d });
      else {
        same.events += d.events;
        same.tokensSaved += d.tokensSaved;
      }
    }
  }
  total.daily = [...days.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return total;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}

function isString(v: string | null): v is string {
  return v !== null;
}
