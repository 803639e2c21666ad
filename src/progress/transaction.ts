import type { DatabaseSync } from 'node:sqlite';
import {
  DatabaseBusyError,
  DatabaseDamagedError,
  DatabaseError,
  DiskFullError,
  LockLostError,
  messageOf,
} from '../errors.js';
import { sqliteFailure } from '../source/sqlite-failure.js';

/**
 * Runs `work` in an IMMEDIATE transaction: the write lock is taken up front (waiting up to the busy
 * timeout while tokf writes) and held only for `work`, which must be short. Inside a transaction
 * already, `work` joins it, so that several records commit together (one journal sync, not three).
 */
export function inWriteTransaction(db: DatabaseSync, what: string, work: () => void): void {
  if (db.isTransaction) {
    work();
    return;
  }
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (err) {
    throw typed(err, what);
  }
  try {
    work();
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    if (err instanceof LockLostError) throw err;
    throw typed(err, what);
  }
}

/**
 * Busy (tokf held its write lock past the busy timeout) and a full disk are errors of their own,
 * so that the entry points say "try again later" or "free some space", not "bad usage".
 */
function typed(err: unknown, what: string): Error {
  const said = `cannot ${what}: ${messageOf(err)}`;
  switch (sqliteFailure(err)) {
    case 'busy':
      return new DatabaseBusyError(
        `${said} (another program, tokf writing to it, held it past the busy timeout); nothing is wrong with it: try again later`,
      );
    case 'full':
      return new DiskFullError(
        `${said}: the disk holding the database is full; free some space and run again`,
      );
    case 'damaged':
      return new DatabaseDamagedError(`the database is damaged: ${said}`);
    default:
      return new DatabaseError(said);
  }
}
