import type { ReplayFilesResult } from '../engine/index.js';
import { plural } from '../words.js';

/** Problems listed in the summary; the rest are in the rejects file and the JSON result. */
const LISTED = 20;

/** The replay's result for a person, on stderr. */
export function formatReplaySummary(r: ReplayFilesResult): string {
  const lines: string[] = [];
  const where = Object.entries(r.endpoints)
    .map(([signal, url]) => (r.signals[signal as keyof typeof r.signals] > 0 ? url : undefined))
    .filter((u) => u !== undefined);
  const files = plural(r.files.length, 'file');
  const perSignal = Object.entries(r.signals)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const sent = `${plural(r.sentLines, 'line')}${perSignal === '' ? '' : ` (${perSignal})`}`;
  lines.push(
    r.dryRun
      ? `dry run: ${sent} of ${files} would be sent; nothing sent or recorded`
      : `replayed ${files}: ${sent} delivered${where.length === 0 ? '' : ` to ${where.join(', ')}`} in ${plural(r.requests, 'request')}`,
  );
  if (r.splitLines > 0)
    lines.push(`${r.splitLines} line(s) sent in pieces (over 1 MiB or cut by the window)`);
  if (r.filteredLines + r.filteredRecords > 0)
    lines.push(
      `outside --since/--until: ${r.filteredRecords} record(s), ${r.filteredLines} whole line(s)`,
    );
  if (r.tooOldLines + r.tooOldRecords > 0)
    lines.push(
      `older than --max-age, not sent: ${r.tooOldRecords} metric point(s), ${r.tooOldLines} whole line(s)`,
    );
  if (r.backfill !== undefined)
    lines.push(`OpenMetrics backfill: ${r.backfill.samples} sample(s) in ${r.backfill.path}`);
  if (r.rejectedRecords > 0)
    lines.push(`the endpoint rejected ${r.rejectedRecords} record(s) in partial successes`);
  if (r.badLines + r.refusedLines > 0) {
    lines.push(
      `set aside: ${r.badLines} bad line(s), ${r.refusedLines} refused by the endpoint${r.dryRun ? '' : `, in ${r.rejectsPath}`}`,
    );
    for (const p of r.problems.slice(0, LISTED)) lines.push(`  ${p.file}:${p.line}: ${p.reason}`);
    const more = r.problems.length - LISTED + r.problemsOmitted;
    if (more > 0) lines.push(`  ... and ${more} more`);
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  for (const f of r.files) {
    if (f.error !== undefined) lines.push(`could not read ${f.path}: ${f.error}`);
    if (f.heldBack) lines.push(`${f.path}: its last line has no newline yet; left for a later run`);
  }
  if (r.stopped !== null)
    lines.push(
      `stopped at ${r.stopped.file}:${r.stopped.line}: ${r.stopped.reason}; the rest waits for the next run`,
    );
  if (!r.dryRun) lines.push(`progress: ${r.statePath}`);
  return lines.map((l) => `telemetry-sync: ${l}\n`).join('');
}
