import { buildReplayConfig } from '../config/replay-config.js';
import { runReplayFiles } from '../engine/index.js';
import { formatReplaySummary } from '../report/replay-summary.js';
import { USER_AGENT } from '../version.js';
import type { ReplayCommand } from './replay-args.js';
import { replayHelp } from './replay-help.js';

/**
 * `telemetry-sync replay`: exit 0 all delivered, 1 something set aside or unsent. Usage, database
 * and busy errors are thrown to main, so that they are reported (with --json, on stdout too) and
 * exit as those of `sync` do.
 */
export async function runReplayCommand(command: ReplayCommand): Promise<number> {
  if (command.kind === 'replay-help') {
    process.stdout.write(replayHelp());
    return 0;
  }
  const config = buildReplayConfig(command.settings, command.paths, process.env, Date.now());
  const result = await runReplayFiles(config, {
    now: Date.now,
    log: (line) => process.stderr.write(`telemetry-sync: ${line}\n`),
    userAgent: USER_AGENT,
  });
  process.stderr.write(formatReplaySummary(result));
  if (command.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  return result.exitCode;
}
