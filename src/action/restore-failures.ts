/**
 * @actions/cache's restoreCache reports every failure (a service that fails, a refused read, a
 * broken download) only as a "Failed to restore: …" annotation, and returns a miss just as it does
 * when there is nothing there. This reads those annotations off stdout while it runs, so that the
 * caller can tell a failing cache from an empty one and report the failure itself, once: they are
 * logged as plain lines instead of annotations.
 */

const FAILED = /^::(?:warning|error)[^:]*::Failed to restore: (.*)$/;

/** The value `work` gave, and the failure the toolkit reported while it ran, if any. */
export async function catchRestoreFailure<T>(
  work: () => Promise<T>,
): Promise<{ value: T; failure: string | undefined }> {
  const write = process.stdout.write;
  let failure: string | undefined;
  process.stdout.write = function (chunk: unknown, ...rest: unknown[]): boolean {
    if (typeof chunk !== 'string' || !chunk.includes('Failed to restore: '))
      return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    const lines = chunk.split(/(?<=\n)/).map((line) => {
      const m = FAILED.exec(line.replace(/\r?\n$/, ''));
      if (m === null) return line;
      failure ??= unescapeData(m[1]!);
      return `Failed to restore: ${unescapeData(m[1]!)}\n`;
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
