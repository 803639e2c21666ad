import { DiskFullError, FileWriteError, messageOf } from '../errors.js';

/** Errors of the file system that mean "no room": the disk, or the user's quota. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/**
 * The typed error for a failed write of one of the run's files, named by its kind ("OTLP/JSON
 * Lines file") and path, so that a full disk reads as that and not as a database failure.
 */
export function writeFailure(err: unknown, kind: string, path: string): FileWriteError {
  if (err instanceof FileWriteError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code !== undefined && NO_SPACE.has(code))
    return new DiskFullError(
      `no space left on the device while writing the ${kind} ${path} (${code}); free some space and run again`,
      path,
    );
  return new FileWriteError(`cannot write the ${kind} ${path}: ${messageOf(err)}`, path);
}

/** Runs `work`, turning a failure into writeFailure's error for this file. */
export function writing<T>(kind: string, path: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw writeFailure(err, kind, path);
  }
}
