import type { Signal } from '../config/vocabulary.js';
import { combinedStatus } from './combined-status.js';
import { syncRunSummary } from './run-result.js';
import type { SignalResult, SyncResult } from './sync-result.js';

/** A signal's own figures, from the result of its replay. */
function summary(signal: Signal, r: SyncResult): SignalResult {
  return {
    signal,
    status: r.status,
    endpoint: r.endpoint,
    selected: r.selected,
    delivered: r.delivered,
    refusedEvents: r.refusedEvents,
    tooOld: r.tooOld,
    tooOldForEndpoint: r.tooOldForEndpoint,
    setAside: r.setAside,
    pending: r.pending,
    otlpJsonFile: r.otlpJsonFile,
  };
}

/**
 * One result of the replays of every signal: the first signal's figures, each signal's own in
 * `signals`, and the run's status (all signals' taken as one, see combinedStatus), errors and warnings (each marked with its signal).
 */
export function mergeSignalResults(
  runs: readonly { signal: Signal; result: SyncResult }[],
  durationMs: number,
): SyncResult {
  const first = runs[0];
  if (first === undefined) throw new Error('a sync runs at least one signal');
  const mark = (signal: Signal) => (n: SyncResult['errors'][number]) =>
    signal === 'metrics' ? n : { ...n, signal };
  const status = combinedStatus(runs.map((r) => r.result.status));
  const merged: Omit<SyncResult, 'run'> = {
    ...first.result,
    status,
    exitCode:
      runs.some((r) => r.result.exitCode === 1) || status === 'failed' || status === 'partial'
        ? 1
        : 0,
    errors: runs.flatMap((r) => r.result.errors.map(mark(r.signal))),
    warnings: runs.flatMap((r) => r.result.warnings.map(mark(r.signal))),
    interrupted: runs.some((r) => r.result.interrupted),
    durationMs,
    signals: runs.map((r) => summary(r.signal, r.result)),
  };
  return { ...merged, run: syncRunSummary(merged) };
}
