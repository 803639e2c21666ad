import type { SyncConfig } from '../config/sync-config.js';
import { runSync } from '../engine/index.js';
import { formatTextSummary } from '../report/text-summary.js';
import type { ProgressStream } from './progress-line.js';
import { runCommand } from './run-command.js';

export interface SyncCommandOptions {
  json: boolean;
  quiet: boolean;
  /** stderr, or a test's stand-in. */
  stderr?: ProgressStream;
  stdout?: { write(text: string): unknown };
}

/**
 * `telemetry-sync sync`: runs the engine over the tokf database as every sending command runs
 * (see runCommand: progress line, Ctrl-C, summary, exit 130 when interrupted).
 */
export async function syncCommand(
  config: SyncConfig,
  options: SyncCommandOptions,
): Promise<number> {
  return await runCommand({ ...options, periodic: true }, (deps) => runSync(config, deps), {
    summary: formatTextSummary,
    // A damaged database is exit 2 as an unreadable one is, also when found part way.
    exitCode: (result) =>
      result.errors.some((e) => e.kind === 'database-damaged') ? 2 : result.exitCode,
  });
}
