import type { ParseArgsOptionsConfig } from 'node:util';
import {
  REPLAY_OWN_SETTINGS,
  REPLAY_SHARED_KEYS,
  type ReplaySettings,
} from '../config/replay-settings.js';
import { specOf, type SettingSpec } from '../config/settings.js';
import { UsageError } from '../errors.js';
import { parseOptions } from './parse-options.js';

export type ReplayCommand =
  | { kind: 'replay-help' }
  | { kind: 'replay'; settings: ReplaySettings; paths: string[]; json: boolean };

/** Replay's flags: the shared settings by their keys, then its own, as `--help` lists them. */
export const REPLAY_SPECS: readonly [string, SettingSpec][] = [
  ...REPLAY_SHARED_KEYS.map((key): [string, SettingSpec] => [key, specOf(key)]),
  ...Object.entries(REPLAY_OWN_SETTINGS),
];

const OPTIONS: ParseArgsOptionsConfig = Object.fromEntries([
  ...REPLAY_SPECS.map(([, spec]) => [spec.flag, { type: spec.type }]),
  ['json', { type: 'boolean' }],
  ['help', { type: 'boolean', short: 'h' }],
]);

/** `replay`'s arguments (after the word `replay`); every mistake is a UsageError. */
export function parseReplayArgs(args: readonly string[]): ReplayCommand {
  const parsed = parseOptions(args, OPTIONS, true);
  const v = parsed.values;
  if (v.help === true) return { kind: 'replay-help' };
  const settings: Record<string, string | boolean> = {};
  for (const [key, spec] of REPLAY_SPECS) {
    const value = v[spec.flag];
    if (typeof value === 'string' && value.trim() === '')
      throw new UsageError(`--${spec.flag} needs a value`);
    if ((typeof value === 'string' || typeof value === 'boolean') && typeof value === spec.type)
      settings[key] = value;
  }
  return {
    kind: 'replay',
    settings: settings as ReplaySettings,
    paths: parsed.positionals,
    json: v.json === true,
  };
}
