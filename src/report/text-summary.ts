import type { SyncResult } from '../engine/index.js';
import { bytes, count, plural } from '../words.js';
import { describeNotice } from './notices.js';

/** The human summary the CLI prints on stderr. */
export function formatTextSummary(r: SyncResult): string {
  const lines = [`telemetry-sync: ${headline(r)}`];
  lines.push(`  events    ${eventCounts(r)}${eventExtras(r)}`);
  const tokens = tokensLine(r);
  if (tokens !== undefined) lines.push(`  tokens    ${tokens}`);
  lines.push(`  service   ${r.service.name} (${r.service.from})`);
  if (r.firstEventTime !== null)
    lines.push(`  time      ${r.firstEventTime} .. ${r.lastEventTime}`);
  const points = Object.entries(r.points);
  if (points.length > 0) {
    lines.push(`  points    ${points.map(([name, n]) => `${name} ${count(n)}`).join(', ')}`);
  }
  if (r.requests > 0) {
    lines.push(
      `  requests  ${count(r.requests)} sent, ${count(r.failedRequests)} failed, ` +
        `${plural(r.retries, 'retry', 'retries')}, ` +
        `${bytes(r.bytesSent)} on the wire (${bytes(r.bytesEncoded)} encoded)`,
    );
  }
  if (r.otlpJsonFile !== null)
    lines.push(`  file      ${r.otlpJsonFile} (${plural(r.exported, 'event')})`);
  if (r.rejectedFile !== null) lines.push(`  rejected  ${r.rejectedFile}`);
  if (r.openmetricsFile !== null) lines.push(`  backfill  ${r.openmetricsFile} (OpenMetrics)`);
  if (r.setAside > 0) {
    lines.push(
      `  set aside ${plural(r.setAside, 'event')} in all (telemetry-sync status says why); --retry-rejected sends the refused ones again`,
    );
  }
  // Several signals: each one's own figures (the lines above are the first one's).
  if (r.signals.length > 1 || r.signals.some((s) => s.signal !== 'metrics')) {
    for (const s of r.signals) {
      const pending = s.pending < 0 ? 'unknown' : count(s.pending);
      lines.push(
        `  ${s.signal.padEnd(9)} ${s.status}: ${count(s.delivered)} of ${plural(s.selected, 'event')} delivered, ${pending} pending${s.endpoint === null ? '' : ` (${s.endpoint})`}`,
      );
    }
  }
  lines.push(`  database  ${r.database} (${progressText(r)})`);
  lines.push(`  took      ${(r.durationMs / 1000).toFixed(2)} s`);
  for (const w of r.warnings) lines.push(`  warning: ${describeNotice(w)}`);
  for (const e of r.errors) lines.push(`  error: ${describeNotice(e)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * What became of the events. An interrupted run is told in terms of the database (pending at the
 * start, delivered now, still pending): its selection counts only what was read before the stop,
 * which is nothing a person knows.
 */
function eventCounts(r: SyncResult): string {
  if (stoppedSending(r) && r.pendingAtStart >= 0)
    return `${count(r.pendingAtStart)} pending at the start, ${count(r.delivered)} delivered now, ${stillPending(r)} still pending`;
  return `${count(r.selected)} selected, ${count(r.delivered)} delivered, ${stillPending(r)} still pending`;
}

function eventExtras(r: SyncResult): string {
  return (
    (r.alreadyHeld > 0
      ? ` (${count(r.alreadyHeld)} of the delivered already in the backend from a resend)`
      : '') +
    (r.refusedEvents > 0 ? `, ${count(r.refusedEvents)} refused and set aside` : '') +
    (r.tooOld > 0 ? `, ${count(r.tooOld)} older than max-age (file only)` : '') +
    (r.tooOldForEndpoint > 0
      ? `, ${count(r.tooOldForEndpoint)} older than the endpoint keeps`
      : '') +
    (r.rejectedPoints > 0
      ? `, ${plural(r.rejectedPoints, 'point')} rejected by the endpoint`
      : '') +
    (r.held > 0 ? `, ${count(r.held)} of the last seconds held for the next run` : '') +
    (r.skippedBuiltins > 0
      ? `, ${count(r.skippedBuiltins)} of tokf's built-in commands skipped, as its live export does`
      : '')
  );
}

const stillPending = (r: SyncResult): string => (r.pending < 0 ? 'unknown' : count(r.pending));

/** A run that was sending when Ctrl-C stopped it (a dry run or file export has nothing to tell). */
const stoppedSending = (r: SyncResult): boolean =>
  r.interrupted && r.status !== 'dry-run' && r.status !== 'exported';

function headline(r: SyncResult): string {
  if (stoppedSending(r)) {
    const left =
      r.pending < 0
        ? 'the rest stays pending for the next run'
        : `${count(r.pending)} still pending for the next run`;
    return `interrupted: delivered ${plural(r.delivered, 'event')} to ${r.endpoint} before stopping; ${left}`;
  }
  switch (r.status) {
    case 'dry-run':
      return `dry run: ${plural(r.selected, 'event')} would be sent${r.endpoint ? ` to ${r.endpoint}` : ''}; nothing was sent or changed`;
    case 'exported':
      if (r.errors.some((e) => e.kind === 'file-failed'))
        return `could not write ${r.otlpJsonFile ?? 'the OTLP/JSON file'}; no endpoint, nothing marked delivered`;
      // Nothing written leaves the previous file as it was (and no file to name).
      return r.otlpJsonFile === null
        ? 'nothing to write: no pending events selected; no endpoint, nothing marked delivered'
        : `wrote ${plural(r.exported, 'event')} to ${r.otlpJsonFile}; no endpoint, nothing marked delivered`;
    case 'delivered':
      return r.selected === 0
        ? 'nothing to send: no pending events selected'
        : `delivered ${plural(r.delivered, 'event')} to ${r.endpoint}`;
    case 'partial':
      return `delivered ${count(r.delivered)} of ${plural(r.selected, 'selected event')} to ${r.endpoint}; ${rest(r)}`;
    case 'failed':
      return `could not deliver to ${r.endpoint}; ${rest(r)}`;
  }
}

/**
 * The tokens the selected events saved, as tokf's tokens.saved metric counts them, with the
 * input and output estimates they come from; and what the delivered ones saved, when that differs.
 */
export function tokensLine(r: SyncResult): string | undefined {
  const d = r.deliveredTokens;
  // Interrupted, the selected events are those read before the stop: tell what was delivered.
  if (stoppedSending(r))
    return d.events === 0
      ? undefined
      : `${count(d.saved)} saved (${count(d.input)} in, ${count(d.output)} out) by the ${plural(d.events, 'event')} delivered`;
  const t = r.tokens;
  if (t.events === 0) return undefined;
  const line = `${count(t.saved)} saved (${count(t.input)} in, ${count(t.output)} out) by ${plural(t.events, 'event')}`;
  if (r.requests === 0 || d.events === 0 || d.events === t.events) return line;
  return `${line}; the ${count(d.events)} delivered saved ${count(d.saved)}`;
}

/** What became of the selected events that were not delivered, adding up to them. */
export function rest(r: SyncResult): string {
  // A read that failed part way selected only what it read: the rest stays pending too.
  const unread = r.errors.some((e) => e.kind === 'read-failed' || e.kind === 'database-damaged');
  const parts = [
    `${count(r.selectedPending)} ${r.selectedPending === 1 ? 'stays' : 'stay'} pending${unread ? ', and every event not read' : ''}`,
  ];
  if (r.selectedSetAside > 0) parts.push(`${count(r.selectedSetAside)} set aside`);
  return parts.join(', ');
}

function progressText(r: SyncResult): string {
  switch (r.progress) {
    case 'column':
      return 'progress in events.synced_to_otel_at';
    case 'ranges':
      return 'progress in telemetry_sync_delivered';
    case 'none':
      return 'no progress recorded yet';
  }
}
