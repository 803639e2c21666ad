/** Our CLI bundle (dist/cli.js, rebuilt by the global setup when src/ changed) as a user runs it. */
import { runCli } from '../../helpers/run-cli.js';

/** The parts of `sync --json`'s result object the suite reads. */
export interface SyncResult {
  status: string;
  selected: number;
  delivered: number;
  pending: number;
  requests: number;
  failedRequests: number;
  firstEventTime: string | null;
  lastEventTime: string | null;
  points: Record<string, number>;
  errors: unknown[];
  warnings: unknown[];
  otlpJsonFile: string | null;
  skippedBuiltins: number;
  service: { name: string; from: string };
}

export interface SyncRun {
  code: number | null;
  result: SyncResult;
  stderr: string;
}

/** `telemetry-sync sync --db DB --json ...args`; throws when stdout is not the result object. */
export async function sync(
  db: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<SyncRun> {
  const run = await runCli(['sync', '--db', db, '--json', ...args], env);
  let result: SyncResult;
  try {
    result = JSON.parse(run.stdout) as SyncResult;
  } catch {
    throw new Error(`sync printed no result (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { code: run.code, result, stderr: run.stderr };
}
