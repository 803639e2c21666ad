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
