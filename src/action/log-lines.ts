import { count } from '../words.js';
import { resultsOf, type ActionReport } from './action-report.js';
import { hostOf, known, restoreLine } from './report-phrases.js';
import { headline } from './report-status.js';
import { combine } from './report-totals.js';

/**
 * What happened, in a few plain lines for the step log: where the database came from, what became
 * of the events, where the artifact went and what was saved.
 */
export function logLines(report: ActionReport): string[] {
  const lines = [`telemetry-sync: ${headline(report)}`, `  database: ${restoreLine(report)}`];
  const results = resultsOf(report);
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
