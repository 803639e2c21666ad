import type { DatabaseSync } from 'node:sqlite';
import {
  DatabaseBusyError,
  DatabaseDamagedError,
  DatabaseError,
  DiskFullError,
  messageOf,
} from '../errors.js';

/** SQLite's primary result codes that tell what went wrong (sqlite3.h). */
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_NOMEM = 7;
const SQLITE_IOERR = 10;
const SQLITE_CORRUPT = 11;
const SQLITE_FULL = 13;
const SQLITE_NOTADB = 26;

/** Problems quick_check lists in the message: enough to see what is wrong, not a page of them. */
const CHECK_PROBLEMS = 3;

export type SqliteFailure = 'damaged' | 'busy' | 'full' | 'other';

/** What an error of node:sqlite says, by its result code (extended codes reduced to the primary). */
export function sqliteFailure(err: unknown): SqliteFailure {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  if (typeof code !== 'number') return 'other';
  switch (code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return 'damaged';
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return 'busy';
    case SQLITE_FULL:
      return 'full';
    default:
      return 'other';
  }
}

/**
 * Whether an error that is not plainly one of the kinds above came from a damaged file: a
 * malformed page can surface as "out of memory" or an I/O error, so those are checked with
 * quick_check. Returns what quick_check found, or undefined when the file checks out (or the check
 * itself cannot run).
 */
function damageFound(db: DatabaseSync | undefined, err: unknown): string | undefined {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  if (db === undefined || typeof code !== 'number') return undefined;
  if ((code & 0xff) !== SQLITE_NOMEM && (code & 0xff) !== SQLITE_IOERR) return undefined;
  try {
    const rows = db.prepare(`PRAGMA quick_check(${CHECK_PROBLEMS})`).all();
    const found = rows.map((r) => String(Object.values(r)[0])).join('; ');
    return found === 'ok' ? undefined : found;
  } catch (checkErr) {
    return sqliteFailure(checkErr) === 'damaged' ? messageOf(checkErr) : undefined;
  }
}

/**
 * The typed error for a failure of the database at `path` while doing `what` ("read the pending
 * events"): damaged (exit 2), busy (exit 1: try again later), full (the disk), or a DatabaseError
 * with SQLite's message. Errors that are not SQLite's pass through unchanged.
 */
export function databaseFailure(
  err: unknown,
  path: string,
  what: string,
  db?: DatabaseSync,
): Error {
  // Only SQLite's own errors are told apart here: typed ones and others pass through.
  if (typeof (err as { errcode?: unknown } | null)?.errcode !== 'number')
    return err instanceof Error ? err : new Error(String(err));
  const said = messageOf(err);
  const kind = sqliteFailure(err);
  const damage = kind === 'damaged' ? said : damageFound(db, err);
  if (damage !== undefined) return damaged(path, damage);
  if (kind === 'busy')
    return new DatabaseBusyError(
      `the database ${path} is locked by another program (tokf writing to it?) and stayed locked past the busy timeout, so telemetry-sync could not ${what}; nothing is wrong with it: try again later`,
    );
  if (kind === 'full')
    return new DiskFullError(
      `the disk holding the database ${path} is full (${said}), so telemetry-sync could not ${what}; free some space and run again`,
    );
  return new DatabaseError(`cannot ${what} in ${path}: ${said}`);
}

export function damaged(path: string, found: string): DatabaseDamagedError {
  return new DatabaseDamagedError(
    `the database is damaged: ${path}: ${found}. Restore it from a backup or the Actions cache, or recover what is readable with \`sqlite3 ${path} .recover | sqlite3 recovered.db\``,
  );
}
