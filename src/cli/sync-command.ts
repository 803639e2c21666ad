import type { SyncConfig } from '../config/sync-config.js';
import { runSync, type SyncResult } from '../engine/index.js';
import { formatTextSummary } from '../report/text-summary.js';
import { USER_AGENT } from '../version.js';
import { INTERRUPTED_EXIT_CODE, interruptOnSignals } from './interrupt.js';
import { ProgressLine, type ProgressStream } from './progress-line.js';

export interface SyncCommandOptions {
  json: boolean;
  quiet: boolean;
  /** stderr, or a test's stand-in. */
  stderr?: ProgressStream;
  stdout?: { write(text: string): unknown };
}

/**
 * `telemetry-sync sync`: runs the engine with a progress line on stderr (unless quiet) and
 * Ctrl-C handling, then prints the summary (and the JSON result). The first Ctrl-C (or SIGTERM)
 * stops the run: no new request, the one in flight finishes within its timeout, what was
 * acknowledged is recorded, the summary is printed and the exit code is 130. A second one exits
 * at once: every acknowledgement already recorded was recorded in its own transaction, so nothing
 * recorded is lost, and what was not recorded is still pending.
 */
export async function syncCommand(
  config: SyncConfig,
  options: SyncCommandOptions,
): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const stdout = options.stdout ?? process.stdout;
  const display = options.quiet ? undefined : new ProgressLine(stderr);
  const interrupt = interruptOnSignals({
    note: (line) => {
      if (display !== undefined) display.note(line);
      else stderr.write(`telemetry-sync: ${line}\n`);
    },
    beforeExit: () => display?.finish(),
    stderr,
  });
  let result: SyncResult;
  try {
    result = await runSync(config, {
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
  stderr.write(formatTextSummary(result));
  if (options.json) stdout.write(`${JSON.stringify(result)}\n`);
  if (result.interrupted) return INTERRUPTED_EXIT_CODE;
  // A damaged database is exit 2 as an unreadable one is, also when found part way.
  return result.errors.some((e) => e.kind === 'database-damaged') ? 2 : result.exitCode;
}
