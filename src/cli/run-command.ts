import type { RunDeps, RunOutcome } from '../engine/index.js';
import { USER_AGENT } from '../version.js';
import { INTERRUPTED_EXIT_CODE, interruptOnSignals } from './interrupt.js';
import { ProgressLine, type ProgressStream } from './progress-line.js';

export interface RunCommandOptions {
  json: boolean;
  /** No progress line and no log lines; the summary still. */
  quiet: boolean;
  /**
   * Whether the run reports events done (sync): then, off a terminal, a plain progress line every
   * few seconds. A run that does not (replay) shows only its waits before a retry.
   */
  periodic: boolean;
  /** stderr, or a test's stand-in. */
  stderr?: ProgressStream;
  stdout?: { write(text: string): unknown };
}

/** What every command that sends hands its engine: the edges the run harness works with. */
export type CommandDeps = Pick<RunDeps, 'now' | 'log' | 'userAgent' | 'signal' | 'progress'>;

/**
 * A command that sends, as every one runs (`sync`, `replay`): a progress line on stderr (unless
 * quiet) with the waits between retries, the run's log lines above it, Ctrl-C and SIGTERM (the
 * first stops the run: no new request, the one in flight finishes within its timeout, what was
 * acknowledged is recorded, the summary is printed and the exit code is 130; a second exits at
 * once, losing nothing recorded, since each acknowledgement is recorded in its own transaction),
 * then the summary (and the JSON result). Returns the exit code.
 */
export async function runCommand<R extends RunOutcome>(
  options: RunCommandOptions,
  run: (deps: CommandDeps) => Promise<R>,
  report: { summary: (result: R) => string; exitCode: (result: R) => number },
): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const stdout = options.stdout ?? process.stdout;
  const display = options.quiet
    ? undefined
    : new ProgressLine(stderr, { periodic: options.periodic });
  const interrupt = interruptOnSignals({
    note: (line) => {
      if (display !== undefined) display.note(line);
      else stderr.write(`telemetry-sync: ${line}\n`);
    },
    beforeExit: () => display?.finish(),
    stderr,
  });
  let result: R;
  try {
    result = await run({
      now: Date.now,
      log: (line) => {
        if (display !== undefined) display.log(line);
      },
      userAgent: USER_AGENT,
      signal: interrupt.signal,
      ...(display !== undefined && { progress: (p) => display.update(p) }),
    });
  } finally {
    display?.finish();
    interrupt.dispose();
  }
  stderr.write(report.summary(result));
  if (options.json) stdout.write(`${JSON.stringify(result)}\n`);
  return result.interrupted ? INTERRUPTED_EXIT_CODE : report.exitCode(result);
}
