import { defaultStatePath } from '../config/jsonl-config.js';
import { readJsonlStatus } from '../engine/index.js';
import { formatReplayStatus } from '../report/replay-status.js';

/**
 * `telemetry-sync status --replay [--state FILE]`: where a replay state stands, read without
 * changing it. Exit 0; 2 when the state is there but cannot be read (a DatabaseError).
 */
export function replayStatusCommand(command: { state: string | undefined; json: boolean }): number {
  const now = Date.now();
  const status = readJsonlStatus(command.state ?? defaultStatePath(process.env), now);
  if (command.json) process.stdout.write(`${JSON.stringify(status)}\n`);
  else process.stdout.write(formatReplayStatus(status, now));
  return 0;
}
