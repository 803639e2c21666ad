import { parseCli } from './args.js';
import { runReplayCommand } from './replay-main.js';
import { MAIN_HELP, STATUS_HELP, SYNC_HELP } from './help.js';
import { buildSyncConfig } from '../config/build-config.js';
import { defaultTokfDbPath } from '../config/tokf-paths.js';
import { readStatus, SyncBusyError } from '../engine/index.js';
import {
  DatabaseBusyError,
  DatabaseDamagedError,
  DatabaseError,
  DiskFullError,
  UsageError,
} from '../errors.js';
import { formatStatusText } from '../report/status-text.js';
import { VERSION } from '../version.js';
import { databasePathOrigin, requireDatabase } from './database-path.js';
import { syncCommand } from './sync-command.js';
import { gridctlStatusCommand } from './gridctl-status.js';
import { replayStatusCommand } from './replay-status.js';

/**
 * Exit codes: 0 all delivered, 1 something left pending, 2 bad usage or unreadable database, 130
 * interrupted (Ctrl-C).
 */
export async function main(argv: string[]): Promise<number> {
  try {
    const command = parseCli(argv);
    if (command.kind === 'help') {
      const text = { main: MAIN_HELP, sync: SYNC_HELP, status: STATUS_HELP }[command.text];
      process.stdout.write(text);
      return 0;
    }
    if (command.kind === 'replay' || command.kind === 'replay-help') {
      return await runReplayCommand(command);
    }
    if (command.kind === 'version') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (command.kind === 'gridctl-status') return await gridctlStatusCommand(command);
    if (command.kind === 'replay-status') return replayStatusCommand(command);
    if (command.kind === 'status') {
      const now = Date.now();
      const dbPath = command.db ?? defaultTokfDbPath(process.env);
      requireDatabase(dbPath, databasePathOrigin(command.db, process.env));
      const status = readStatus(dbPath, now);
      if (command.json) process.stdout.write(`${JSON.stringify(status)}\n`);
      else process.stdout.write(formatStatusText(status, now));
      return 0;
    }
    const config = buildSyncConfig(command.settings, process.env, Date.now());
    requireDatabase(config.dbPath, databasePathOrigin(command.settings.db, process.env));
    return await syncCommand(config, { json: command.json, quiet: command.quiet });
  } catch (err) {
    // With --json, a script reads stdout: it gets an object there whatever went wrong.
    const json = argv.includes('--json');
    const fail = (code: 1 | 2, kind: string, message: string): 1 | 2 => {
      if (json) {
        const error = { status: 'error', exitCode: code, error: { kind, message } };
        process.stdout.write(`${JSON.stringify(error)}\n`);
      }
      return code;
    };
    if (err instanceof SyncBusyError || err instanceof DatabaseBusyError) {
      process.stderr.write(`telemetry-sync: ${err.message}\n`);
      return fail(1, 'busy', err.message);
    }
    if (err instanceof DiskFullError) {
      process.stderr.write(`telemetry-sync: error: ${err.message}\n`);
      return fail(1, 'disk-full', err.message);
    }
    if (err instanceof DatabaseDamagedError) {
      process.stderr.write(`telemetry-sync: error: ${err.message}\n`);
      return fail(2, 'damaged', err.message);
    }
    if (err instanceof UsageError || err instanceof DatabaseError) {
      process.stderr.write(`telemetry-sync: error: ${err.message}\n`);
      if (err instanceof UsageError) process.stderr.write(`(see: ${helpFor(argv[0])})\n`);
      return fail(2, err instanceof UsageError ? 'usage' : 'database', err.message);
    }
    process.stderr.write(
      `telemetry-sync: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    return fail(1, 'unexpected', err instanceof Error ? err.message : String(err));
  }
}

/** The one help a usage error points to: the command's own, or the main one. */
function helpFor(command: string | undefined): string {
  return command === 'sync' || command === 'status' || command === 'replay'
    ? `telemetry-sync ${command} --help`
    : 'telemetry-sync --help';
}
