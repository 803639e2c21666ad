import { parseCli } from './args.js';
import { MAIN_HELP, SYNC_HELP } from './help.js';
import { buildSyncConfig } from '../config/build-config.js';
import { runSync, SyncBusyError } from '../engine/index.js';
import { DatabaseError, UsageError } from '../errors.js';
import { formatTextSummary } from '../report/text-summary.js';
import { USER_AGENT, VERSION } from '../version.js';

/** Exit codes: 0 all delivered, 1 something left pending, 2 bad usage or unreadable database. */
export async function main(argv: string[]): Promise<number> {
  try {
    const command = parseCli(argv);
    if (command.kind === 'help') {
      process.stdout.write(command.text === 'sync' ? SYNC_HELP : MAIN_HELP);
      return 0;
    }
    if (command.kind === 'version') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const config = buildSyncConfig(command.settings, process.env, Date.now());
    const result = await runSync(config, {
      now: Date.now,
      log: (line) => process.stderr.write(`telemetry-sync: ${line}\n`),
      userAgent: USER_AGENT,
    });
    process.stderr.write(formatTextSummary(result));
    if (command.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.exitCode;
  } catch (err) {
    if (err instanceof SyncBusyError) {
      process.stderr.write(`telemetry-sync: ${err.message}\n`);
      return 1;
    }
    if (err instanceof UsageError || err instanceof DatabaseError) {
      process.stderr.write(`telemetry-sync: error: ${err.message}\n`);
      if (err instanceof UsageError) process.stderr.write('(see: telemetry-sync sync --help)\n');
      return 2;
    }
    process.stderr.write(
      `telemetry-sync: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    return 1;
  }
}
