import type { SavingsRow, SyncResult, TokenTotals } from '../engine/index.js';
import { count } from '../words.js';
import { describeNotice } from '../report/notices.js';
import { resultsOf, type ActionReport } from './action-report.js';
import { cell, text } from './markdown-text.js';
import { once } from './once.js';
import { hostOf, known, restoreLine } from './report-phrases.js';
import { headline } from './report-status.js';
import { combine } from './report-totals.js';
import { dailyCharts } from './summary-charts.js';

/** Items a list (notes, warnings, errors) shows at most. */
const MAX_LIST = 20;

/** Rows of the tokens-saved table; the rest are summed into "others". */
const COMMAND_ROWS = 10;

/**
 * The report as GitHub-flavoured Markdown. Everything that comes from the database or the
 * endpoint goes through `cell`/`text`: core.summary does not escape HTML, and a command line can
 * hold anything.
 */
export function renderReport(report: ActionReport, marker = ''): string {
  const lines: string[] = [];
  if (marker !== '') lines.push(marker);
  lines.push(`### telemetry-sync: ${text(headline(report))}`, '');
  const results = resultsOf(report);
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

/**
 * Tokens saved by command and filter, largest first, the top COMMAND_ROWS and the rest as
 * "others", with the total of the selected events. Commands are named by program and subcommand
 * unless whole command lines are asked for (they may hold secrets).
 */
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

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((n, item) => n + of(item), 0);
}

function percent(t: TokenTotals): string {
  return t.input === 0 ? '0%' : `${((100 * t.saved) / t.input).toFixed(1)}% of the input`;
}

function isString(v: string | null): v is string {
  return v !== null;
}
