import { existsSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { DatabaseError } from '../errors.js';

/** How long a statement waits for tokf's write lock before giving up. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the tracking database without ever creating it. Read-only where the run records nothing
 * (dry runs, file-only exports), so such runs leave the file byte for byte as it was.
 */
export function openDatabase(path: string, readOnly: boolean): DatabaseSync {
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
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // SQLite reads the header lazily: ask for something so a non-database fails here, clearly.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (err) {
    db.close();
    const msg = messageOf(err);
    if (/not a database|file is encrypted/i.test(msg)) {
      throw new DatabaseError(`${path} is not an SQLite database`);
    }
    throw new DatabaseError(`cannot read ${path}: ${msg}`);
  }
  return db;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
