import { buildJsonlConfig } from '../config/jsonl-config.js';
import { readJsonlStatus, runReplayFiles } from '../engine/index.js';
import { formatGridctlStatus, gridctlStatus } from '../report/gridctl-status.js';
import { USER_AGENT } from '../version.js';

/**
 * `telemetry-sync status --gridctl [DIR...]`: a dry replay of the directories (the state opened
 * read-only, nothing sent or written) told as what is pending per server and signal, with the
 * last replay and the lock from the state. Exit 0.
 */
export async function gridctlStatusCommand(command: {
  dirs: string[];
  state: string | undefined;
  json: boolean;
}): Promise<number> {
  const config = buildJsonlConfig(
    { gridctl: true, dryRun: true, ...(command.state !== undefined && { state: command.state }) },
    command.dirs,
    process.env,
    Date.now(),
  );
  const result = await runReplayFiles(config, {
    now: Date.now,
    log: () => {},
    userAgent: USER_AGENT,
  });
  const now = Date.now();
  const status = gridctlStatus(result, readJsonlStatus(config.statePath, now));
  if (command.json) process.stdout.write(`${JSON.stringify(status)}\n`);
  else process.stdout.write(formatGridctlStatus(status, now));
  return 0;
}
