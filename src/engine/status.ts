import { statSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { SIGNALS, type Signal } from '../config/vocabulary.js';
import {
  countProgress,
  lastDeliveredAt,
  setAsideGroups,
  type EventMark,
} from '../progress/progress-status.js';
import { rejectedTable } from '../progress/dead-letters.js';
import { rangesTable } from '../progress/ranges-store.js';
import { lastRun, type RunRecord } from '../progress/run-log.js';
import { tableExists } from '../progress/sql.js';
import { progressStoreFor } from '../progress/signal-store.js';
import { readLockHolder, type LockHolder } from '../progress/sync-lock.js';
import { openDatabase } from '../source/database.js';
import { databaseFailure } from '../source/sqlite-failure.js';
import { readEventsSchema } from '../source/events-schema.js';
import { parseEventTime } from '../source/tokf-event.js';

/** Why events were set aside, in the words status groups them by. */
export type SetAsideKind = 'too-old' | 'refused' | 'unreadable';

/** What `telemetry-sync status` reports: where a database stands, read without changing it. */
export interface SyncStatus {
  database: string;
  /** Where progress lives (see SyncResult.progress). */
  progress: 'column' | 'ranges' | 'none';
  /** Events in the database. */
  events: number;
  /** Acknowledged by an endpoint (or recorded as done: skipped built-in commands). */
  delivered: number;
  pending: {
    count: number;
    /** The first and last pending events in id order, with their times (UTC, ISO 8601). */
    firstId: number | null;
    firstEventTime: string | null;
    lastId: number | null;
    lastEventTime: string | null;
  };
  /** Set aside (not sent again unless asked), in all and by reason; tooOld is part of count. */
  setAside: {
    count: number;
    tooOld: number;
    /** Of those, the ones whose file was rewritten or removed since: in no file any more. */
    tooOldNotInFile: number;
    refused: number;
    unreadable: number;
    byReason: {
      kind: SetAsideKind;
      reason: string;
      status: number | null;
      count: number;
      lastAt: string;
      /**
       * For events kept in a file (too old): the file, when the run that wrote it set them aside,
       * and whether it still holds them as that run left it: `there` (same size and time),
       * `changed` (rewritten since, by a later run or anyone: it may no longer hold them), `gone`,
       * or `unknown` (written by an earlier version, which kept no record of the file).
       */
      file: { path: string; writtenAt: string; state: FileState } | null;
    }[];
  };
  /** The last run that sent (recorded since this version), or null. */
  lastSync: RunRecord | null;
  /**
   * Where no run is recorded (databases synced before the run log, or by another tool): when
   * events were last recorded as delivered, from the progress itself; null otherwise, or never.
   */
  lastDeliveredAt: string | null;
  /** The sync holding the lock now, if any (alive false: left by a run that died). */
  lock: LockHolder | null;
  /**
   * Each signal's own progress: metrics (the figures above) and logs and traces where a run has
   * sent them (--signals); each has its own delivered ranges and set-aside events.
   */
  signals: { signal: Signal; delivered: number; pending: number; setAside: number }[];
}

/** Reasons kept per kind in the result; the counts always cover every set-aside event. */
const REASONS_SHOWN = 10;

/**
 * Where the database at `dbPath` stands: opened read-only, so that it works on a read-only file or
 * directory and changes nothing; throws DatabaseError when it cannot be read.
 */
export function readStatus(dbPath: string, now: number): SyncStatus {
  const db = openDatabase(dbPath, true);
  try {
    return statusOf(db, dbPath, now);
  } catch (err) {
    throw databaseFailure(err, dbPath, 'read its status', db);
  } finally {
    db.close();
  }
}

function statusOf(db: DatabaseSync, dbPath: string, now: number): SyncStatus {
  const schema = readEventsSchema(db, dbPath);
  const store = progressStoreFor(db, 'metrics', schema.hasSyncedColumn);
  const counts = countProgress(db, store);
  const lastSync = lastRun(db) ?? null;
  const groups = setAsideGroups(db).map((g) => ({
    kind: kindOf(g.reason),
    ...g,
    file:
      g.file === null ? null : { path: g.file.path, writtenAt: g.lastAt, state: fileState(g.file) },
  }));
  const total = (kind: SetAsideKind) =>
    groups.filter((g) => g.kind === kind).reduce((sum, g) => sum + g.count, 0);
  return {
    database: dbPath,
    progress: store.hasRecords() ? store.mode : 'none',
    events: counts.events,
    delivered: counts.delivered,
    pending: {
      count: counts.pending,
      firstId: counts.firstPending?.id ?? null,
      firstEventTime: timeOf(counts.firstPending),
      lastId: counts.lastPending?.id ?? null,
      lastEventTime: timeOf(counts.lastPending),
    },
    setAside: {
      count: groups.reduce((sum, g) => sum + g.count, 0),
      tooOld: total('too-old'),
      tooOldNotInFile: groups
        .filter((g) => g.file !== null && (g.file.state === 'changed' || g.file.state === 'gone'))
        .reduce((sum, g) => sum + g.count, 0),
      refused: total('refused'),
      unreadable: total('unreadable'),
      byReason: groups.slice(0, REASONS_SHOWN),
    },
    lastSync,
    // Read from the progress only where no run was recorded: in tokf's column it reads the table.
    lastDeliveredAt: lastSync === null ? (lastDeliveredAt(db, store) ?? null) : null,
    lock: readLockHolder(db, now) ?? null,
    signals: [
      {
        signal: 'metrics',
        delivered: counts.delivered,
        pending: counts.pending,
        setAside: groups.reduce((sum, g) => sum + g.count, 0),
      },
      ...otherSignals(db, schema.hasSyncedColumn),
    ],
  };
}

/** Logs' and traces' progress, where a run has recorded any. */
function otherSignals(db: DatabaseSync, hasSyncedColumn: boolean): SyncStatus['signals'] {
  const signals = SIGNALS.filter(
    (s) =>
      s !== 'metrics' &&
      (tableExists(db, 'main', rangesTable(s)) || tableExists(db, 'main', rejectedTable(s))),
  );
  return signals.map((signal) => {
    const store = progressStoreFor(db, signal, hasSyncedColumn);
    const counts = countProgress(db, store, rejectedTable(signal));
    const setAside = setAsideGroups(db, rejectedTable(signal)).reduce((n, g) => n + g.count, 0);
    return { signal, delivered: counts.delivered, pending: counts.pending, setAside };
  });
}

/** The reasons the engine writes (replay.ts, delivery.ts), sorted into what a person asks about. */
function kindOf(reason: string): SetAsideKind {
  if (/^older than max-age|^too old for this endpoint|^behind newer samples/.test(reason))
    return 'too-old';
  if (/^the timestamp is not a time/.test(reason)) return 'unreadable';
  return 'refused';
}

/** Whether a file still holds what a run wrote to it. */
export type FileState = 'there' | 'changed' | 'gone' | 'unknown';

/**
 * A file as the run that wrote it left it (same size and modification time) still holds what it
 * wrote; a later run replaces the whole file, so any other size or time means it may not.
 */
function fileState(file: { path: string; size: number | null; mtimeMs: number | null }): FileState {
  let now: { size: number; mtimeMs: number };
  try {
    now = statSync(file.path);
  } catch {
    return 'gone';
  }
  if (file.size === null || file.mtimeMs === null) return 'unknown';
  return now.size === file.size && Math.floor(now.mtimeMs) === file.mtimeMs ? 'there' : 'changed';
}

function timeOf(mark: EventMark | undefined): string | null {
  if (mark === undefined) return null;
  const seconds = parseEventTime(mark.timestamp);
  return seconds === undefined
    ? mark.timestamp
    : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
