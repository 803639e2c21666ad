import type { SyncStatus } from '../engine/index.js';
import { count, plural } from '../words.js';
import { lastRunText, lockText } from './run-lines.js';

/** Set-aside reasons shown one per line; the rest are summed up. */
const REASON_LINES = 5;

/** `telemetry-sync status` for a person: what is pending, done, set aside, and who syncs now. */
export function formatStatusText(s: SyncStatus, now: number): string {
  const lines = [`telemetry-sync status of ${s.database}`];
  const p = s.pending;
  lines.push(
    `  pending    ${plural(p.count, 'event')}` +
      (p.firstEventTime === null
        ? ''
        : p.count === 1
          ? ` at ${p.firstEventTime} (id ${p.firstId})`
          : `, ${p.firstEventTime} .. ${p.lastEventTime} (ids ${p.firstId} .. ${p.lastId})`),
  );
  lines.push(`  delivered  ${plural(s.delivered, 'event')} of ${count(s.events)}`);
  lines.push(`  set aside  ${setAsideLine(s)}`);
  for (const g of s.setAside.byReason.slice(0, REASON_LINES)) {
    const status =
      g.status === null || g.reason.includes(`HTTP ${g.status}`) ? '' : `HTTP ${g.status}: `;
    lines.push(
      `             ${count(g.count)}  ${status}${g.reason} (last ${g.lastAt})${fileNote(g.file)}`,
    );
  }
  const shown = s.setAside.byReason.slice(0, REASON_LINES).reduce((n, g) => n + g.count, 0);
  if (shown < s.setAside.count) {
    lines.push(`             ${count(s.setAside.count - shown)}  for other reasons (see --json)`);
  }
  // Logs and traces, where a run has sent them: the lines above are metrics'.
  for (const g of s.signals.filter((g) => g.signal !== 'metrics')) {
    const aside = g.setAside === 0 ? '' : `, ${count(g.setAside)} set aside`;
    lines.push(
      `  ${g.signal.padEnd(9)}  ${count(g.delivered)} delivered, ${count(g.pending)} pending${aside}`,
    );
  }
  lines.push(`  last sync  ${lastSyncLine(s)}`);
  lines.push(`  lock       ${lockText(s.lock, now, 'sync')}`);
  lines.push(`  progress   ${progressText(s.progress)}`);
  return `${lines.join('\n')}\n`;
}

function setAsideLine(s: SyncStatus): string {
  const a = s.setAside;
  if (a.count === 0) return 'none';
  const parts = [
    ...(a.tooOld - a.tooOldNotInFile > 0
      ? [`${count(a.tooOld - a.tooOldNotInFile)} too old (in an OTLP/JSON file only)`]
      : []),
    ...(a.tooOldNotInFile > 0
      ? [`${count(a.tooOldNotInFile)} too old, no longer in the file they were written to`]
      : []),
    ...(a.refused > 0 ? [`${count(a.refused)} refused by the endpoint`] : []),
    ...(a.unreadable > 0 ? [`${count(a.unreadable)} with a timestamp that is not a time`] : []),
  ];
  const retry = a.refused + a.unreadable > 0 ? '; --retry-rejected sends them again' : '';
  return `${plural(a.count, 'event')}: ${parts.join(', ')}${retry}`;
}

type Group = SyncStatus['setAside']['byReason'][number];

/** Whether the file a run wrote them to still holds them, checked now. */
function fileNote(file: Group['file']): string {
  if (file === null) return '';
  const again = `; to export them again: telemetry-sync sync --retry-rejected --otlp-json-out DIR`;
  switch (file.state) {
    case 'there':
      return `; ${file.path} is as the run of ${file.writtenAt} wrote it`;
    case 'changed':
      return `; but ${file.path} was rewritten since the run of ${file.writtenAt} wrote them there (a later run replaces it), so it may no longer hold them${again}`;
    case 'gone':
      return `; but ${file.path}, written by the run of ${file.writtenAt}, is no longer there${again}`;
    case 'unknown':
      return `; whether ${file.path} still holds them is not known (set aside by an earlier version)`;
  }
}

function lastSyncLine(s: SyncStatus): string {
  if (s.lastSync === null && s.lastDeliveredAt !== null)
    return `none recorded; events last marked delivered at ${s.lastDeliveredAt}`;
  return lastRunText(s.lastSync, 'event');
}

function progressText(mode: SyncStatus['progress']): string {
  switch (mode) {
    case 'column':
      return 'in events.synced_to_otel_at';
    case 'ranges':
      return 'in the table telemetry_sync_delivered';
    case 'none':
      return 'none recorded yet';
  }
}
