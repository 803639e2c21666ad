import { existsSync } from 'node:fs';
import { DatabaseError, messageOf } from '../errors.js';
import { JsonlState, type RecordedFile } from '../progress/jsonl-state.js';
import { lastRun, type RunRecord } from '../progress/run-log.js';
import { readLockHolder, type LockHolder } from '../progress/sync-lock.js';

/** Where a replay state stands: what `status --replay` (and `status --gridctl`) read from it. */
export interface JsonlStatus {
  statePath: string;
  /** Whether the state database is there: no replay has recorded anything at the path if not. */
  exists: boolean;
  /** The files whose progress is recorded, most recently recorded first. */
  files: RecordedFile[];
  /** The last replay that sent (its run log, in lines), or null. */
  lastRun: RunRecord | null;
  /** The replay holding the state now, if any (alive false: left by a run that died). */
  lock: LockHolder | null;
}

/**
 * The replay state at `statePath`, opened read-only (nothing changes, a read-only file will do);
 * throws DatabaseError when it is there but cannot be read.
 */
export function readJsonlStatus(statePath: string, now: number): JsonlStatus {
  const state = existsSync(statePath) ? JsonlState.open(statePath, true) : undefined;
  // Opened read-only, a state is left without a database only where there is no file.
  const db = state?.db;
  if (state === undefined || db === undefined)
    return { statePath, exists: false, files: [], lastRun: null, lock: null };
  try {
    return {
      statePath,
      exists: true,
      files: state.files(),
      lastRun: lastRun(db) ?? null,
      lock: readLockHolder(db, now) ?? null,
    };
  } catch (err) {
    throw new DatabaseError(
      `cannot read the replay state ${statePath}: ${messageOf(err)}; is it a replay state (--state)?`,
    );
  } finally {
    state.close();
  }
}
