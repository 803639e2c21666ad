/**
 * @actions/cache's restoreCache reports every failure (a service that fails, a refused read, a
 * broken download) only as a "Failed to restore: …" annotation, and returns a miss just as it does
 * when there is nothing there; saveCache reports its failures as "Failed to save: …" (an
 * annotation, or a plain line when the key is taken) and returns -1. This reads those lines off
 * stdout while the call runs, so that the caller can tell a failing cache from an empty one and
 * report the failure itself, with its cause, once: the annotations are logged as plain lines.
 */

const FAILED = /^(?:::(?:warning|error)[^:]*::)?Failed to (?:restore|save): (.*)$/;

/** The value `work` gave, and the failure the toolkit reported while it ran, if any. */
export async function catchCacheFailure<T>(
  work: () => Promise<T>,
): Promise<{ value: T; failure: string | undefined }> {
  const write = process.stdout.write;
  let failure: string | undefined;
  process.stdout.write = function (chunk: unknown, ...rest: unknown[]): boolean {
    if (typeof chunk !== 'string' || !chunk.includes('Failed to '))
      return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    const lines = chunk.split(/(?<=\n)/).map((line) => {
      const m = FAILED.exec(line.replace(/\r?\n$/, ''));
      if (m === null) return line;
      // An annotation's data is escaped; a plain line (core.info) is as written.
      const annotation = line.startsWith('::');
      const cause = annotation ? unescapeData(m[1]!) : m[1]!;
      failure ??= cause;
      return annotation
        ? `${line.replace(/^::[^:]*::(.*?)\r?\n?$/, '$1').replace(m[1]!, () => cause)}\n`
        : line;
    });
    return (write as (...args: unknown[]) => boolean).call(process.stdout, lines.join(''), ...rest);
  } as typeof process.stdout.write;
  try {
    const value = await work();
    return { value, failure };
  } finally {
    process.stdout.write = write;
  }
}

// The inverse of @actions/core's escaping of a command's data.
function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
