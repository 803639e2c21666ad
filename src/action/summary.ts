import type { SyncResult } from '../engine/index.js';
import { describeNotice } from '../report/notices.js';
import type { Claim } from './cache-claims.js';
import type { SaveOutcome } from './database-cache.js';
import type { UploadedArtifact } from './otlp-artifact.js';

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
  /** Set on pull requests: the saved-tokens table is shown then. */
  pullRequest: number | undefined;
  /** Plain-language facts for the reader (what was not found, what was left and why). */
  notes: string[];
  problems: string[];
  /** Warnings about missing permissions: annotated, never a reason to fail the step. */
  advice?: string[];
  /** Who sends what earlier runs left pending (see cache-claims.ts). */
  claim?: Claim;
  /** Why no OTLP/JSON artifact was uploaded, when the run had files for one. */
  artifactSkipped?: string;
}

const MAX_CELL = 80;
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
      '| events | count |',
      '| --- | ---: |',
      `| selected | ${total.selected} |`,
      `| delivered | ${total.delivered} |`,
      `| refused and set aside | ${total.refusedEvents} |`,
      `| older than max-age (artifact only) | ${total.tooOld} |`,
      `| older than the endpoint keeps (artifact only) | ${total.tooOldForEndpoint} |`,
      `| rejected points | ${total.rejectedPoints} |`,
      `| still pending | ${total.pending} |`,
      '',
    );
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
  const warnings = [
    ...(report.advice ?? []),
    ...results.flatMap((r) => r.warnings.map(describeNotice)),
  ];
  const errors = [...report.problems, ...results.flatMap((r) => r.errors.map(describeNotice))];
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
  const saved = report.result?.savedBy ?? [];
  if (report.pullRequest !== undefined && saved.length > 0) {
    lines.push(
      '**Tokens saved by command and filter**',
      '',
      '| command | filter | events | tokens saved |',
      '| --- | --- | ---: | ---: |',
    );
    for (const row of saved) {
      lines.push(
        `| ${cell(row.command)} | ${row.filter === null ? '(passthrough)' : cell(row.filter)} | ${row.events} | ${row.tokensSaved} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
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
    const parts = [`${t.selected} selected`, `${t.delivered} delivered`, `${t.pending} pending`];
    if (t.refusedEvents > 0) parts.push(`${t.refusedEvents} refused and set aside`);
    if (t.tooOld > 0) parts.push(`${t.tooOld} older than max-age`);
    if (t.tooOldForEndpoint > 0) parts.push(`${t.tooOldForEndpoint} older than the endpoint keeps`);
    if (t.rejectedPoints > 0) parts.push(`${t.rejectedPoints} points rejected`);
    lines.push(`  events: ${parts.join(', ')}`);
    const endpoint = results.find((r) => r.endpoint !== null)?.endpoint;
    lines.push(`  endpoint: ${endpoint ? hostOf(endpoint) : 'none (OTLP/JSON file only)'}`);
  }
  if (report.artifact !== undefined)
    lines.push(`  artifact: ${report.artifact.name} (${report.artifact.url})`);
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
  if (results.some((x) => x.status === 'dry-run'))
    return `dry run: ${total.selected} events would be sent`;
  if (results.every((x) => x.status === 'exported'))
    return `${total.selected} events written to the OTLP/JSON artifact (no endpoint)`;
  if (results.some((x) => x.status === 'failed' || x.status === 'partial')) {
    const setAside = total.selectedSetAside > 0 ? `, ${total.selectedSetAside} set aside` : '';
    return `delivered ${total.delivered} of ${total.selected} events; ${total.selectedPending} stay pending${setAside}`;
  }
  return total.selected === 0 ? 'nothing new to deliver' : `delivered ${total.delivered} events`;
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
    points: {} as Record<string, number>,
  };
  for (const r of results) {
    total.selected += r.selected;
    total.delivered += r.delivered;
    total.rejectedPoints += r.rejectedPoints;
    total.refusedEvents += r.refusedEvents;
    total.tooOld += r.tooOld;
    total.tooOldForEndpoint += r.tooOldForEndpoint;
    total.selectedSetAside += r.selectedSetAside;
    total.selectedPending += r.selectedPending;
    total.pending += r.pending;
    total.requests += r.requests;
    total.retries += r.retries;
    total.failedRequests += r.failedRequests;
    for (const [k, v] of Object.entries(r.points)) total.points[k] = (total.points[k] ?? 0) + v;
  }
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

/**
 * Markdown-safe text: HTML's special characters as entities, the Markdown punctuation that can
 * start emphasis, code, links or table cells backslash-escaped, line breaks folded. (Characters
 * that matter only at the start of a line never start one here: every value follows a label.)
 */
export function text(value: string): string {
  return value
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`);
}

/** A table cell: escaped and shortened. */
export function cell(value: string): string {
  const short = value.length > MAX_CELL ? `${value.slice(0, MAX_CELL - 1)}…` : value;
  return text(short);
}
