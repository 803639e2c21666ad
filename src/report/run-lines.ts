import type { LockHolder, RunRecord } from '../engine/index.js';
import { count, plural } from '../words.js';

/**
 * The last run, from the run log, as `status` says it whatever the source: a sync's in events, a
 * replay's in lines.
 */
export function lastRunText(run: RunRecord | null, unit: 'event' | 'line'): string {
  if (run === null) return 'none recorded';
  const to = run.endpoint === null ? '' : ` to ${run.endpoint}`;
  const aside = run.setAside > 0 ? `, ${count(run.setAside)} set aside` : '';
  const left = run.pending < 0 ? '' : `, ${count(run.pending)} left pending`;
  const taken = unit === 'event' ? 'selected' : 'read';
  return (
    `${run.finishedAt} (${run.status}): ${plural(run.delivered, unit)} of ` +
    `${count(run.selected)} ${taken} delivered${to}${aside}${left}`
  );
}

/** Who holds the lock of a database or replay state, and whether it still lives. */
export function lockText(lock: LockHolder | null, now: number, run: 'sync' | 'replay'): string {
  if (lock === null) return `free: no ${run} is running`;
  const who = `pid ${lock.pid} on ${lock.host}, since ${lock.since}`;
  if (!lock.alive) return `left by a ${run} that is gone (${who}); the next ${run} takes it over`;
  const heartbeat = Math.max(0, Math.round((now - Date.parse(lock.heartbeatAt)) / 1000));
  return `held by a running ${run} (${who}, last sign of life ${plural(heartbeat, 'second')} ago)`;
}
