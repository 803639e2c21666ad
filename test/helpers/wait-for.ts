/**
 * Waiting on an event rather than on time: a condition polled until it holds, with a deadline
 * that is only an upper bound and fails naming what never happened (and what was seen instead).
 */

/** How often a condition is looked at again: short, since each look is cheap. */
const POLL_MS = 10;

export interface WaitOptions {
  /** What is awaited, for the failure: "the heartbeat to be written". */
  what: string;
  /** Upper bound; the wait ends as soon as the condition holds. Default 10 s. */
  timeoutMs?: number;
  /** What was seen instead, appended to the failure (a child's stderr, a row). */
  seen?: () => string;
}

/** Resolves with the condition's first truthy value; rejects after the deadline. */
export async function waitFor<T>(
  condition: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  { what, timeoutMs = 10_000, seen }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false && value !== null) return value;
    if (Date.now() > deadline) {
      const detail = seen === undefined ? '' : `; seen instead:\n${seen()}`;
      throw new Error(`waited ${timeoutMs} ms for ${what}, in vain${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Resolves when `text` has appeared in what `output` returns (a child's growing stderr). */
export function waitForText(
  output: () => string,
  text: string,
  options: Omit<WaitOptions, 'what' | 'seen'> & { what?: string } = {},
): Promise<true> {
  return waitFor(() => output().includes(text), {
    what: options.what ?? `"${text}"`,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    seen: output,
  });
}
