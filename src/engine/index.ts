/**
 * The engine as its entry points see it: the CLI and the action import this module and nothing
 * else below the config, so that how a replay reads, encodes, sends and records stays free to
 * change behind it.
 */
export { runSync } from './sync.js';
export type {
  ReplayFilesDeps,
  RunDeps,
  RunOutcome,
  RunProgress,
  SyncDeps,
  SyncProgress,
} from './run-deps.js';
export { FilesForLater } from './files-for-later.js';
export { readStatus, type SetAsideKind, type SyncStatus } from './status.js';
export { readJsonlStatus, type JsonlStatus } from './jsonl-status.js';
export type { RunSummary } from './run-summary.js';
export type { RunRecord } from '../progress/run-log.js';
export type { LockHolder } from '../progress/sync-lock.js';
export type { Notice, NoticeKind, SignalResult, SyncResult } from './sync-result.js';
export { combinedStatus } from './combined-status.js';
export type { Signal } from '../config/vocabulary.js';
export type { DayTotals, SavingsRow, TokenTotals } from './savings.js';
export { FUTURE_TOLERANCE_S } from './clock-check.js';
export { copyDatabase } from '../source/database.js';
export { databaseFingerprint } from '../progress/fingerprint.js';
export { SyncBusyError } from '../progress/sync-lock.js';
export { mergeDatabase, type MergeOutcome } from '../progress/merge.js';
export { countPendingUpTo, markPendingDone } from '../progress/pending-queries.js';
export { nextEventId, readLineage, stampOwnRows, writeLineage } from '../progress/lineage.js';
export { runReplayFiles } from './jsonl-pass.js';
export { FORGET_AFTER_DAYS } from '../progress/jsonl-state.js';
export type { ReplayFileReport, ReplayFilesResult, ReplayProblem } from './jsonl-result.js';
