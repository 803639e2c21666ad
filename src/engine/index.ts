/**
 * The engine as its entry points see it: the CLI and the action import this module and nothing
 * else below the config, so that how a replay reads, encodes, sends and records stays free to
 * change behind it.
 */
export { runSync, type SyncDeps, type SyncProgress } from './sync.js';
export { FilesForLater } from './files-for-later.js';
export { readStatus, type SetAsideKind, type SyncStatus } from './status.js';
export type { Notice, NoticeKind, SignalResult, SyncResult } from './sync-result.js';
export type { DayTotals, SavingsRow, TokenTotals } from './savings.js';
export { FUTURE_TOLERANCE_S } from './clock-check.js';
export { copyDatabase } from '../source/database.js';
export { databaseFingerprint } from '../progress/fingerprint.js';
export { SyncBusyError } from '../progress/sync-lock.js';
export {
  countPendingUpTo,
  markPendingDone,
  mergeDatabase,
  type MergeOutcome,
} from '../progress/merge.js';
export { nextEventId, readLineage, stampOwnRows, writeLineage } from '../progress/lineage.js';
export { runReplayFiles, type ReplayFilesDeps } from './jsonl-run.js';
export { FORGET_AFTER_DAYS } from '../progress/replay-state.js';
export type { ReplayFileReport, ReplayFilesResult, ReplayProblem } from './jsonl-result.js';
