import type { SyncResult } from './sync-result.js';

type Status = SyncResult['status'];

/**
 * The status of several runs taken as one (the signals of a sync; the action's database and a
 * restored copy beside it), whatever their order: a dry run if any was one (it sent nothing),
 * exported if every run only wrote its file, failed if every run failed, partial if any failed
 * or was partial, delivered otherwise.
 */
export function combinedStatus(statuses: readonly Status[]): Status {
  if (statuses.length === 0) throw new Error('a status combines at least one run');
  if (statuses.includes('dry-run')) return 'dry-run';
  if (statuses.every((s) => s === 'exported')) return 'exported';
  if (statuses.every((s) => s === 'failed')) return 'failed';
  if (statuses.some((s) => s === 'failed' || s === 'partial')) return 'partial';
  return 'delivered';
}
