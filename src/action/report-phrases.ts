import { count } from '../words.js';
import type { ActionReport } from './action-report.js';

/*
 * The phrases the job summary and the step log share; the Markdown escapes them where it shows them.
 */

/** A count that may be unknown (-1: counting failed). */
export function known(n: number): string {
  return n < 0 ? '?' : count(n);
}

/** Where the database came from. */
export function restoreLine(report: ActionReport): string {
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

/** The endpoint's host and port: its path and query may say more than a summary should. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}
