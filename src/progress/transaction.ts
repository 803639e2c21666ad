import type { DatabaseSync } from 'node:sqlite';
import { DatabaseError, LockLostError, messageOf } from '../errors.js';

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
    throw new DatabaseError(`cannot ${what}: ${messageOf(err)}`);
  }
  try {
    work();
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    if (err instanceof LockLostError) throw err;
    throw new DatabaseError(`cannot ${what}: ${messageOf(err)}`);
  }
}
