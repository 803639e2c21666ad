import type { JsonlStatus } from '../engine/index.js';
import { count, plural } from '../words.js';
import { lastRunText, lockText } from './run-lines.js';

/** Files listed one per line; the rest are counted (all of them are in --json). */
const FILES_LISTED = 20;

/** `telemetry-sync status --replay` for a person: the files recorded, the last replay, the lock. */
export function formatReplayStatus(s: JsonlStatus, now: number): string {
  if (!s.exists)
    return (
      `telemetry-sync status of the replay state ${s.statePath}: not there; no replay has ` +
      `recorded progress at this path (a replay with --state ${s.statePath} would create it)\n`
    );
  const lines = [`telemetry-sync status of the replay state ${s.statePath}`];
  lines.push(
    `  files      ${s.files.length === 0 ? 'none recorded' : plural(s.files.length, 'file')}`,
  );
  for (const f of s.files.slice(0, FILES_LISTED))
    lines.push(
      `    ${f.path}: ${plural(f.line, 'line')} done (${count(f.offset)} bytes), recorded ${f.updatedAt}`,
    );
  if (s.files.length > FILES_LISTED)
    lines.push(`    and ${count(s.files.length - FILES_LISTED)} more (see --json)`);
  lines.push(`  last run   ${lastRunText(s.lastRun, 'line')}`);
  lines.push(`  lock       ${lockText(s.lock, now, 'replay')}`);
  return `${lines.join('\n')}\n`;
}
