import { buildJsonlConfig } from '../config/jsonl-config.js';
import { runReplayFiles } from '../engine/index.js';
import { formatReplaySummary } from '../report/replay-summary.js';
import { USER_AGENT } from '../version.js';
import { INTERRUPTED_EXIT_CODE, interruptOnSignals } from './interrupt.js';
import type { ReplayCommand } from './replay-args.js';
import { replayHelp } from './replay-help.js';

/**
 * `telemetry-sync replay`: exit 0 all delivered, 1 something set aside or unsent, 130 interrupted.
 * Usage, database and busy errors are thrown to main, so that they are reported (with --json, on
 * stdout too) and exit as those of `sync` do. Ctrl-C and SIGTERM stop it as they stop `sync`: the
 * line in flight finishes (or its retries are abandoned), what was acknowledged is recorded, the
 * summary is printed.
 */
export async function runReplayCommand(command: ReplayCommand): Promise<number> {
  if (command.kind === 'replay-help') {
    process.stdout.write(replayHelp());
    return 0;
  }
  const config = buildJsonlConfig(command.settings, command.paths, process.env, Date.now());
  const say = (line: string) => process.stderr.write(`telemetry-sync: ${line}\n`);
  const interrupt = interruptOnSignals({ note: say, beforeExit: () => {}, stderr: process.stderr });
  let result;
  try {
    result = await runReplayFiles(config, {
      now: Date.now,
      log: say,
      userAgent: USER_AGENT,
      signal: interrupt.signal,
    });
  } finally {
    interrupt.dispose();
  }
  process.stderr.write(formatReplaySummary(result));
  if (command.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  return result.interrupted ? INTERRUPTED_EXIT_CODE : result.exitCode;
}
