import type { SyncConfig } from '../config/sync-config.js';
import { runSync, type SyncResult } from '../engine/index.js';
import { formatTextSummary } from '../report/text-summary.js';
import { USER_AGENT } from '../version.js';
import { ProgressLine, type ProgressStream } from './progress-line.js';

/** The exit code of a sync interrupted by Ctrl-C (SIGINT) or SIGTERM, as shells give it: 128 + 2. */
export const INTERRUPTED_EXIT_CODE = 130;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

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
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      display?.finish();
      stderr.write(`\ntelemetry-sync: ${signal} again: exiting now\n`);
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    controller.abort();
    const line = `${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping; the request in flight may finish (within --timeout), then the summary (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to exit at once)`;
    if (display !== undefined) display.note(line);
    else stderr.write(`telemetry-sync: ${line}\n`);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  let result: SyncResult;
  try {
    result = await runSync(config, {
      now: Date.now,
      log: (line) => {
        if (display !== undefined) display.log(line);
      },
      userAgent: USER_AGENT,
      signal: controller.signal,
      ...(display !== undefined && { progress: (p) => display.update(p) }),
    });
  } finally {
    display?.finish();
    for (const s of SIGNALS) process.off(s, onSignal);
  }
  stderr.write(formatTextSummary(result));
  if (options.json) stdout.write(`${JSON.stringify(result)}\n`);
  return result.interrupted ? INTERRUPTED_EXIT_CODE : result.exitCode;
}
