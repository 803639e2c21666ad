import { buildReplayConfig } from '../config/replay-config.js';
import { runReplayFiles, SyncBusyError } from '../engine/index.js';
import { DatabaseError, UsageError } from '../errors.js';
import { formatReplaySummary } from '../report/replay-summary.js';
import { USER_AGENT } from '../version.js';
import type { ReplayCommand } from './replay-args.js';
import { replayHelp } from './replay-help.js';

/** `telemetry-sync replay`: exit 0 all delivered, 1 something set aside or unsent, 2 bad usage. */
export async function runReplayCommand(command: ReplayCommand): Promise<number> {
  if (command.kind === 'replay-help') {
    process.stdout.write(replayHelp());
    return 0;
  }
  try {
    const config = buildReplayConfig(command.settings, command.paths, process.env, Date.now());
    const result = await runReplayFiles(config, {
      now: Date.now,
      log: (line) => process.stderr.write(`telemetry-sync: ${line}\n`),
      userAgent: USER_AGENT,
    });
    process.stderr.write(formatReplaySummary(result));
    if (command.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.exitCode;
  } catch (err) {
    if (err instanceof SyncBusyError) {
      process.stderr.write(`telemetry-sync: ${err.message}\n`);
      return 1;
    }
    if (err instanceof UsageError || err instanceof DatabaseError) {
      process.stderr.write(`telemetry-sync: error: ${err.message}\n`);
      if (err instanceof UsageError) process.stderr.write('(see: telemetry-sync replay --help)\n');
      return 2;
    }
    throw err;
  }
}
