/**
 * Errors the entry points map to exit code 2: the user has to change something before a run can
 * do anything. Everything else that goes wrong during delivery is an outcome, not an exception.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The database cannot be opened or is not a tokf tracking database. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

/**
 * The database file is damaged (SQLite finds it malformed): exit 2, as an unreadable database is;
 * the message says what SQLite found and how to recover.
 */
export class DatabaseDamagedError extends DatabaseError {
  override name = 'DatabaseDamagedError';
}

/**
 * The database stayed locked by another program (tokf writing) past the busy timeout: nothing is
 * wrong with it or with the command, so not a usage error; trying again later works.
 */
export class DatabaseBusyError extends Error {
  override name = 'DatabaseBusyError';
}

/** A file of ours (an export, the rejects file) could not be written; the message names it. */
export class FileWriteError extends Error {
  override name = 'FileWriteError';
  /** The file, when it is one of the run's outputs. */
  readonly file?: string;
  // A field assigned here rather than a parameter property: `npm run docs` runs the sources
  // through Node's type stripping, which has no parameter properties.
  constructor(message: string, file?: string) {
    super(message);
    if (file !== undefined) this.file = file;
  }
}

/** A file could not be written for lack of space (ENOSPC, SQLITE_FULL); names the file and its kind. */
export class DiskFullError extends FileWriteError {
  override name = 'DiskFullError';
}

/**
 * Another sync took over this run's lock (or it was removed): the run records nothing more and
 * stops, since what it would record may now be sent and recorded by the other one.
 */
export class LockLostError extends Error {
  override name = 'LockLostError';
}

/** An error's message; errors from another realm (a worker, a VM context) are not `instanceof Error`. */
export function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}
