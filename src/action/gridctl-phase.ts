import * as core from '@actions/core';
import { buildJsonlConfig } from '../config/jsonl-config.js';
import { REPLAY_SHARED_KEYS, type ReplaySettings } from '../config/replay-settings.js';
import { runReplayFiles } from '../engine/index.js';
import { messageOf } from '../errors.js';
import { formatReplaySummary } from '../report/replay-summary.js';
import { USER_AGENT } from '../version.js';
import type { ActionInputs } from './inputs.js';

/** The action's settings that mean the same for a gridctl replay as for the sync. */
const PASSED = REPLAY_SHARED_KEYS.filter((k) => !['since', 'until', 'signals'].includes(k));

/**
 * Input gridctl: replays the directory as `telemetry-sync replay --gridctl` does, with the
 * action's endpoint, headers, TLS, transport and backend settings. Returns the problems for the
 * report (set-aside lines, a stop, a usage error): they fail the job only with fail-on-error.
 */
export async function gridctlPhase(inputs: ActionInputs): Promise<string[]> {
  if (inputs.gridctl === undefined) return [];
  const settings: Record<string, unknown> = { gridctl: true };
  for (const key of PASSED) {
    const value = (inputs.settings as Record<string, unknown>)[key];
    if (value !== undefined && value !== '') settings[key] = value;
  }
  try {
    const config = buildJsonlConfig(
      settings as ReplaySettings,
      inputs.gridctl === '' ? [] : [inputs.gridctl],
      process.env,
      Date.now(),
    );
    const result = await runReplayFiles(config, {
      now: Date.now,
      log: (line) => core.debug(line),
      userAgent: USER_AGENT,
    });
    for (const line of formatReplaySummary(result).trimEnd().split('\n')) core.info(line);
    return result.exitCode === 0
      ? []
      : [`gridctl replay ${result.status}: see the log above and ${result.rejectsPath}`];
  } catch (err) {
    return [`gridctl replay: ${messageOf(err)}`];
  }
}
