import { hostname } from 'node:os';
import type { DatabaseSync } from 'node:sqlite';
import { LockLostError } from '../errors.js';
import { processStart } from './process-start.js';
import { tokfTimestamp } from './progress-store.js';
import { inWriteTransaction } from './transaction.js';
import { tableExists } from './sql.js';

export const LOCK_TABLE = 'telemetry_sync_lock';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  owner TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  acquired_at TEXT NOT NULL,
  heartbeat_ms INTEGER NOT NULL,
  started TEXT
)`;

/**
 * How often a holder shows it lives, on a timer of its own: a request retrying through an outage
 * (--retry-budget has no upper bound) or one slow attempt (--timeout up to 10 min) records
 * nothing for that long, yet its holder is alive.
 */
const HEARTBEAT_MS = 10_000;
/**
 * A holder whose liveness cannot be seen (another host, or a system where a process's start time
 * cannot be read) and that has not beaten for this long is taken over: twelve beats missed.
 */
const STALE_AFTER_MS = 120_000;

/** Another sync holds the database. */
export class SyncBusyError extends Error {
  override name = 'SyncBusyError';
}

/** How long a run waits for another one holding the same lock (database or state) before refusing. */
export const LOCK_WAIT_MS = 10_000;

export interface LockOptions {
  /** How long to wait for another sync to finish before refusing. */
  waitMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface LockTiming {
  heartbeatMs: number;
  staleAfterMs: number;
}

const DEFAULT_TIMING: LockTiming = { heartbeatMs: HEARTBEAT_MS, staleAfterMs: STALE_AFTER_MS };

/**
 * One sync at a time per database, so two runs never send the same events. The lock is a row in a
 * table of ours, taken in a short write transaction and kept alive by a heartbeat on a timer. A
 * holder on this host is alive while its process (pid and start time, so that a reused pid is
 * not taken for it) runs, however old its heartbeat; one elsewhere while it beats. A holder that
 * finds its row gone or someone else's has lost the lock: it records nothing more (refresh
 * throws LockLostError) and tells whoever listens, so that the run stops.
 */
export class SyncLock {
  private readonly owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2)}`;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: ((reason: string) => void)[] = [];
  private readonly lostController = new AbortController();
  /** Aborted once the lock is found lost: ends a request's retries and waits at once. */
  readonly lostSignal = this.lostController.signal;
  /** Why the lock is no longer ours, once it is not. */
  lost: string | undefined;

  constructor(
    private readonly db: DatabaseSync,
    private readonly timing: LockTiming = DEFAULT_TIMING,
  ) {}

  async acquire(options: LockOptions): Promise<void> {
    const deadline = options.now() + options.waitMs;
    for (;;) {
      const holder = this.tryAcquire(options.now());
      if (holder === undefined) break;
      if (options.now() >= deadline) {
        throw new SyncBusyError(
          `another telemetry-sync (pid ${holder.pid} on ${holder.host}, since ${holder.acquired_at}) is syncing this database; nothing was sent, try again when it has finished`,
        );
      }
      await options.sleep(Math.min(250, Math.max(1, deadline - options.now())));
    }
    // Unref'd: the heartbeat alone never keeps a finished run's process alive.
    this.timer = setInterval(() => this.beat(options.now()), this.timing.heartbeatMs);
    this.timer.unref();
  }

  /** Calls `listener` with the reason once the lock is found lost. */
  onLost(listener: (reason: string) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * Shows the holder is alive, inside the transaction that records a result: throws
   * LockLostError, and so rolls that transaction back, when the row is no longer ours.
   */
  refresh(now: number): void {
    if (this.lost !== undefined) throw new LockLostError(this.lost);
    const { changes } = this.db
      .prepare(`UPDATE ${LOCK_TABLE} SET heartbeat_ms = ? WHERE owner = ?`)
      .run(now, this.owner);
    if (Number(changes) === 0) throw new LockLostError(this.markLost());
  }

  release(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.lost !== undefined) return; // the row is someone else's now
    try {
      inWriteTransaction(this.db, 'release the sync lock', () => {
        this.db.prepare(`DELETE FROM ${LOCK_TABLE} WHERE owner = ?`).run(this.owner);
      });
    } catch {
      // A lock we could not release is taken over once its process is gone; the outcome stands.
    }
  }

  /** The timer's heartbeat; a beat that cannot write now (tokf writing) is the next one's job. */
  private beat(now: number): void {
    if (this.lost !== undefined) return;
    try {
      const { changes } = this.db
        .prepare(`UPDATE ${LOCK_TABLE} SET heartbeat_ms = ? WHERE owner = ?`)
        .run(now, this.owner);
      if (Number(changes) === 0) this.markLost();
    } catch {
      // busy or closed: the stale rule allows many missed beats
    }
  }

  private markLost(): string {
    if (this.lost !== undefined) return this.lost;
    let holder: LockRow | undefined;
    try {
      holder = readRow(this.db);
    } catch {
      holder = undefined;
    }
    this.lost =
      holder === undefined
        ? "this run's sync lock was removed from the database while it ran"
        : `another telemetry-sync (pid ${holder.pid} on ${holder.host}, since ${holder.acquired_at}) took over this run's sync lock`;
    clearInterval(this.timer);
    this.lostController.abort();
    for (const listener of [...this.listeners]) listener(this.lost);
    return this.lost;
  }

  /** Takes the lock, or returns who holds it. */
  private tryAcquire(now: number): LockRow | undefined {
    let holder: LockRow | undefined;
    inWriteTransaction(this.db, 'take the sync lock', () => {
      this.db.exec(CREATE_TABLE);
      addStartedColumn(this.db);
      const row = readRow(this.db);
      if (row !== undefined && isAlive(row, now, this.timing.staleAfterMs)) {
        holder = row;
        return;
      }
      this.db
        .prepare(
          `INSERT OR REPLACE INTO ${LOCK_TABLE} (id, owner, host, pid, acquired_at, heartbeat_ms, started) VALUES (1, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          this.owner,
          hostname(),
          process.pid,
          tokfTimestamp(new Date(now)),
          now,
          ownStart() ?? null,
        );
    });
    return holder;
  }
}

interface LockRow {
  host: string;
  pid: number;
  acquired_at: string;
  heartbeat_ms: number;
  /** The holder's process start (see processStart); null when it was not known or not recorded. */
  started: string | null;
}

/** Lock tables made before the start time was recorded get the column. */
function addStartedColumn(db: DatabaseSync): void {
  const columns = db.prepare(`PRAGMA table_info(${LOCK_TABLE})`).all();
  if (!columns.some((c) => c.name === 'started'))
    db.exec(`ALTER TABLE ${LOCK_TABLE} ADD COLUMN started TEXT`);
}

function readRow(db: DatabaseSync): LockRow | undefined {
  const row = db.prepare(`SELECT * FROM ${LOCK_TABLE} WHERE id = 1`).get();
  if (row === undefined) return undefined;
  return {
    host: String(row.host),
    pid: Number(row.pid),
    acquired_at: String(row.acquired_at),
    heartbeat_ms: Number(row.heartbeat_ms),
    started: typeof row.started === 'string' ? row.started : null,
  };
}

let own: string | null | undefined;
function ownStart(): string | undefined {
  if (own === undefined) {
    const s = processStart(process.pid);
    own = s.kind === 'started' ? s.at : null;
  }
  return own ?? undefined;
}

/**
 * On this host the process decides: gone, or another one under a reused pid, is dead; the same
 * one is alive however long it has been silent. Only where that cannot be seen does the age of
 * the heartbeat decide.
 */
function isAlive(row: LockRow, now: number, staleAfterMs: number): boolean {
  if (row.host === hostname()) {
    const proc = processStart(row.pid);
    if (proc.kind === 'gone') return false;
    if (proc.kind === 'started' && row.started !== null) return proc.at === row.started;
  }
  return now - row.heartbeat_ms <= staleAfterMs;
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
export function readLockHolder(
  db: DatabaseSync,
  now: number,
  staleAfterMs = STALE_AFTER_MS,
): LockHolder | undefined {
  if (!tableExists(db, 'main', LOCK_TABLE)) return undefined;
  const row = readRow(db);
  if (row === undefined) return undefined;
  return {
    host: row.host,
    pid: row.pid,
    since: row.acquired_at,
    heartbeatAt: tokfTimestamp(new Date(row.heartbeat_ms)),
    alive: isAlive(row, now, staleAfterMs),
  };
}
