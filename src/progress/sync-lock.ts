import { hostname } from 'node:os';
import type { DatabaseSync } from 'node:sqlite';
import { tokfTimestamp } from './progress-store.js';
import { inWriteTransaction } from './transaction.js';

export const LOCK_TABLE = 'telemetry_sync_lock';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  owner TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  acquired_at TEXT NOT NULL,
  heartbeat_ms INTEGER NOT NULL
)`;

/** A lock whose holder has not shown signs of life for this long is taken over. */
const STALE_AFTER_MS = 120_000;

/** Another sync holds the database. */
export class SyncBusyError extends Error {
  override name = 'SyncBusyError';
}

export interface LockOptions {
  /** How long to wait for another sync to finish before refusing. */
  waitMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * One sync at a time per database, so two runs never send the same events. The lock is a row in a
 * table of ours, taken and refreshed in short write transactions. A holder that was killed leaves
 * its row behind: the row is taken over when its process is gone (same host) or it is stale.
 */
export class SyncLock {
  private readonly owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2)}`;

  constructor(private readonly db: DatabaseSync) {}

  async acquire(options: LockOptions): Promise<void> {
    const deadline = options.now() + options.waitMs;
    for (;;) {
      const holder = this.tryAcquire(options.now());
      if (holder === undefined) return;
      if (options.now() >= deadline) {
        throw new SyncBusyError(
          `another telemetry-sync (pid ${holder.pid} on ${holder.host}, since ${holder.acquired_at}) is syncing this database; nothing was sent, try again when it has finished`,
        );
      }
      await options.sleep(Math.min(250, Math.max(1, deadline - options.now())));
    }
  }

  /** Shows the holder is alive, so a long run is not taken for a dead one. */
  refresh(now: number): void {
    this.db
      .prepare(`UPDATE ${LOCK_TABLE} SET heartbeat_ms = ? WHERE owner = ?`)
      .run(now, this.owner);
  }

  release(): void {
    try {
      inWriteTransaction(this.db, 'release the sync lock', () => {
        this.db.prepare(`DELETE FROM ${LOCK_TABLE} WHERE owner = ?`).run(this.owner);
      });
    } catch {
      // A lock we could not release goes stale and is taken over; the run's outcome stands.
    }
  }

  /** Takes the lock, or returns who holds it. */
  private tryAcquire(now: number): LockRow | undefined {
    let holder: LockRow | undefined;
    inWriteTransaction(this.db, 'take the sync lock', () => {
      this.db.exec(CREATE_TABLE);
      const row = this.db
        .prepare(`SELECT host, pid, acquired_at, heartbeat_ms FROM ${LOCK_TABLE} WHERE id = 1`)
        .get() as LockRow | undefined;
      if (row !== undefined && isAlive(row, now)) {
        holder = row;
        return;
      }
      this.db
        .prepare(
          `INSERT OR REPLACE INTO ${LOCK_TABLE} (id, owner, host, pid, acquired_at, heartbeat_ms) VALUES (1, ?, ?, ?, ?, ?)`,
        )
        .run(this.owner, hostname(), process.pid, tokfTimestamp(new Date(now)), now);
    });
    return holder;
  }
}

interface LockRow {
  host: string;
  pid: number;
  acquired_at: string;
  heartbeat_ms: number;
}

function isAlive(row: LockRow, now: number): boolean {
  if (now - Number(row.heartbeat_ms) > STALE_AFTER_MS) return false;
  if (row.host !== hostname()) return true;
  try {
    process.kill(Number(row.pid), 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the sync lock, as `telemetry-sync status` shows it. */
export interface LockHolder {
  host: string;
  pid: number;
  /** When it took the lock (tokf's timestamp format). */
  since: string;
  /** When it last showed signs of life. */
  heartbeatAt: string;
  /** False for a row left by a sync that died: the next sync takes the lock over. */
  alive: boolean;
}

/** Reads the lock without taking it (a read-only database is fine); undefined when none is held. */
export function readLockHolder(db: DatabaseSync, now: number): LockHolder | undefined {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")
    .get(LOCK_TABLE);
  if (exists === undefined) return undefined;
  const row = db
    .prepare(`SELECT host, pid, acquired_at, heartbeat_ms FROM ${LOCK_TABLE} WHERE id = 1`)
    .get() as LockRow | undefined;
  if (row === undefined) return undefined;
  return {
    host: String(row.host),
    pid: Number(row.pid),
    since: String(row.acquired_at),
    heartbeatAt: tokfTimestamp(new Date(Number(row.heartbeat_ms))),
    alive: isAlive(row, now),
  };
}
