import type { SyncResult } from '../engine/index.js';
import { describeNotice } from './notices.js';

/** The human summary the CLI prints on stderr. */
export function formatTextSummary(r: SyncResult): string {
  const lines = [`telemetry-sync: ${headline(r)}`];
  lines.push(
    `  events    ${r.selected} selected, ${r.delivered} delivered, ${r.pending} still pending` +
      (r.refusedEvents > 0 ? `, ${r.refusedEvents} refused and set aside` : '') +
      (r.tooOld > 0 ? `, ${r.tooOld} older than max-age (file only)` : '') +
      (r.tooOldForEndpoint > 0 ? `, ${r.tooOldForEndpoint} older than the endpoint keeps` : '') +
      (r.rejectedPoints > 0 ? `, ${r.rejectedPoints} points rejected by the endpoint` : '') +
      (r.held > 0 ? `, ${r.held} of the last seconds held for the next run` : '') +
      (r.skippedBuiltins > 0
        ? `, ${r.skippedBuiltins} of tokf's built-in commands skipped, as its live export does`
        : ''),
  );
  lines.push(`  service   ${r.service.name} (${r.service.from})`);
  if (r.firstEventTime !== null)
    lines.push(`  time      ${r.firstEventTime} .. ${r.lastEventTime}`);
  const points = Object.entries(r.points);
  if (points.length > 0) {
    lines.push(`  points    ${points.map(([name, n]) => `${name} ${n}`).join(', ')}`);
  }
  if (r.requests > 0) {
    lines.push(
      `  requests  ${r.requests} sent, ${r.failedRequests} failed, ${r.retries} retries, ` +
        `${kib(r.bytesSent)} on the wire (${kib(r.bytesEncoded)} encoded)`,
    );
  }
  if (r.otlpJsonFile !== null) lines.push(`  file      ${r.otlpJsonFile} (${r.exported} events)`);
  if (r.rejectedFile !== null) lines.push(`  rejected  ${r.rejectedFile}`);
  if (r.openmetricsFile !== null) lines.push(`  backfill  ${r.openmetricsFile} (OpenMetrics)`);
  if (r.setAside > 0) {
    lines.push(
      `  set aside ${r.setAside} event(s) rejected in all; --retry-rejected sends them again`,
    );
  }
  lines.push(`  database  ${r.database} (${progressText(r)})`);
  lines.push(`  took      ${(r.durationMs / 1000).toFixed(2)} s`);
  for (const w of r.warnings) lines.push(`  warning: ${describeNotice(w)}`);
  for (const e of r.errors) lines.push(`  error: ${describeNotice(e)}`);
  return `${lines.join('\n')}\n`;
}

function headline(r: SyncResult): string {
  switch (r.status) {
    case 'dry-run':
      return `dry run: ${r.selected} events would be sent${r.endpoint ? ` to ${r.endpoint}` : ''}; nothing was sent or changed`;
    case 'exported':
      return `wrote ${r.exported} events to ${r.otlpJsonFile}; no endpoint, nothing marked delivered`;
    case 'delivered':
      return r.selected === 0
        ? 'nothing to send: no pending events selected'
        : `delivered ${r.delivered} events to ${r.endpoint}`;
    case 'partial':
      return `delivered ${r.delivered} of ${r.selected} selected events to ${r.endpoint}; ${rest(r)}`;
    case 'failed':
      return `could not deliver to ${r.endpoint}; ${rest(r)}`;
  }
}

/** What became of the selected events that were not delivered, adding up to them. */
export function rest(r: SyncResult): string {
  const parts = [`${r.selectedPending} stay pending`];
  if (r.selectedSetAside > 0) parts.push(`${r.selectedSetAside} set aside`);
  return parts.join(', ');
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
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
