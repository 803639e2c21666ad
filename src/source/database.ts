import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, backup } from 'node:sqlite';
import { DatabaseError, messageOf } from '../errors.js';
import { databaseFailure } from './sqlite-failure.js';

/** How long a statement waits for tokf's write lock before giving up. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the tracking database without ever creating it. Read-only where the run records nothing
 * (dry runs, file-only exports), so such runs leave the file byte for byte as it was.
 */
export function openDatabase(
  path: string,
  readOnly: boolean,
  busyTimeoutMs: number = BUSY_TIMEOUT_MS,
): DatabaseSync {
  if (!existsSync(path)) throw new DatabaseError(`no database at ${path}`);
  if (statSync(path).isDirectory())
    throw new DatabaseError(`${path} is a directory, not a database`);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly });
  } catch (err) {
    throw new DatabaseError(`cannot open ${path}: ${messageOf(err)}`);
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    // SQLite reads the header lazily: ask for something so a non-database fails here, clearly.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (err) {
    db.close();
    const msg = messageOf(err);
    if (/not a database|file is encrypted/i.test(msg)) {
      throw new DatabaseError(`${path} is not an SQLite database`);
    }
    throw databaseFailure(err, path, 'open it');
  }
  return db;
}

/**
 * Before anything is sent, the database and its directory (where SQLite puts its journal) must be
 * writable, or delivered events could not be recorded and would be sent again next time. The
 * permission bits are checked as well as access: root can write a file marked read-only, but the
 * user who marked it meant it.
 */
export function assertWritable(path: string): void {
  if (!existsSync(path)) return; // openDatabase says so
  for (const [what, target] of [
    ['database file', path],
    ['directory', dirname(path)],
  ] as const) {
    const mode = statSync(target).mode;
    if ((mode & 0o222) === 0) {
      throw new DatabaseError(
        `the ${what} ${target} is read-only (mode ${(mode & 0o777).toString(8)}), so delivered events could not be recorded; nothing was sent (use --dry-run or --otlp-json-out to read it)`,
      );
    }
  }
}

/**
 * A consistent copy of the database at `to`, through SQLite's online backup: tokf writing
 * meanwhile cannot tear it, as a file copy could.
 */
export async function copyDatabase(from: string, to: string): Promise<void> {
  const source = new DatabaseSync(from, { readOnly: true });
  try {
    await backup(source, to);
  } finally {
    source.close();
  }
}
