import { combinedStatus, type SyncResult } from '../engine/index.js';
import { count } from '../words.js';
import { resultsOf, type ActionReport } from './action-report.js';
import { combine } from './report-totals.js';

/**
 * What the sync came to, over the database and a restored copy: none without a database, else the
 * engine's status of the runs taken as one (see combinedStatus), but failed for a file export
 * whose artifact could not be uploaded: the runner throws the file away.
 */
export function statusOf(
  results: readonly SyncResult[],
  /** Why the OTLP/JSON artifact could not be uploaded: a file export then kept nothing. */
  artifactFailed?: string,
): SyncResult['status'] | 'none' {
  if (results.length === 0) return 'none';
  const status = combinedStatus(results.map((r) => r.status));
  return status === 'exported' && artifactFailed !== undefined ? 'failed' : status;
}

/** That status in words, with the counts: the summary's title and the log's first line. */
export function headline(report: ActionReport): string {
  const results = resultsOf(report);
  if (results.length === 0) return 'no database found, nothing to sync';
  const total = combine(results);
  const saved = total.selected === 0 ? '' : `, ${count(total.tokens.saved)} tokens saved`;
  switch (combinedStatus(results.map((r) => r.status))) {
    case 'dry-run':
      return `dry run: ${count(total.selected)} events would be sent${saved}`;
    case 'exported':
      if (total.selected === 0) return 'nothing new to export (no endpoint)';
      // The file is on the runner, which throws it away: only an uploaded artifact keeps it.
      if (report.artifactFailed !== undefined)
        return `${count(total.selected)} events were not exported: uploading the OTLP/JSON artifact failed (no endpoint)${saved}`;
      if (report.artifact === undefined)
        return `${count(total.selected)} events written to an OTLP/JSON file, not uploaded${report.artifactSkipped === undefined ? '' : ` (${report.artifactSkipped})`}${saved}`;
      return `${count(total.selected)} events written to the OTLP/JSON artifact (no endpoint)${saved}`;
    case 'failed':
    case 'partial': {
      const setAside =
        total.selectedSetAside > 0 ? `, ${count(total.selectedSetAside)} set aside` : '';
      return `delivered ${count(total.delivered)} of ${count(total.selected)} events; ${count(total.selectedPending)} stay pending${setAside}${saved}`;
    }
    case 'delivered':
      return total.selected === 0
        ? 'nothing new to deliver'
        : `delivered ${count(total.delivered)} events${saved}`;
  }
}
