import { buildJsonlConfig } from '../config/jsonl-config.js';
import { runReplayFiles } from '../engine/index.js';
import { formatReplaySummary } from '../report/replay-summary.js';
import type { ReplayCommand } from './replay-args.js';
import { replayHelp } from './replay-help.js';
import { runCommand } from './run-command.js';

/**
 * `telemetry-sync replay`: exit 0 all delivered, 1 something set aside or unsent, 130 interrupted.
 * Usage, database and busy errors are thrown to main, so that they are reported (with --json, on
 * stdout too) and exit as those of `sync` do. It runs as `sync` runs (see runCommand): Ctrl-C and
 * SIGTERM stop it the same way, and a wait before a retry is shown as `sync` shows it.
 */
export async function runReplayCommand(command: ReplayCommand): Promise<number> {
  if (command.kind === 'replay-help') {
    process.stdout.write(replayHelp());
    return 0;
  }
  const config = buildJsonlConfig(command.settings, command.paths, process.env, Date.now());
  return await runCommand(
    { json: command.json, quiet: false, periodic: false },
    (deps) => runReplayFiles(config, deps),
    { summary: formatReplaySummary, exitCode: (result) => result.exitCode },
  );
}
