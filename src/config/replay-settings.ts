import type { SettingKey, SettingSpec } from './settings.js';

/**
 * The settings of `telemetry-sync replay`: those of the settings table it shares with `sync`
 * (same flags, same parsers, same documentation), and the two of its own below.
 */
export const REPLAY_SHARED_KEYS = [
  'since',
  'until',
  'endpoint',
  'headers',
  'certificate',
  'clientCertificate',
  'clientKey',
  'compression',
  'timeout',
  'retryBudget',
  'maxConsecutiveFailures',
  'dryRun',
] as const satisfies readonly SettingKey[];

export type ReplaySharedKey = (typeof REPLAY_SHARED_KEYS)[number];

/** The flags only `replay` has: where its progress and its rejected lines are kept. */
export const REPLAY_OWN_SETTINGS = {
  state: {
    flag: 'state',
    value: 'FILE',
    type: 'string',
    env: [],
    defaultText: '$XDG_STATE_HOME/telemetry-sync/replay-state.db',
    section: 'Source',
    help: 'the state database: per file, what identifies it and the byte offset up to which its lines were acknowledged (default $XDG_STATE_HOME/telemetry-sync/replay-state.db, else ~/.local/state/telemetry-sync/replay-state.db)',
  },
  rejects: {
    flag: 'rejects',
    value: 'FILE',
    type: 'string',
    env: [],
    defaultText: 'next to the state database',
    section: 'Output',
    help: 'where bad and refused lines are appended, one JSON object each with file, line number, offset, reason and the line itself (default: the state database with .rejects.jsonl for .db)',
  },
} as const satisfies Record<string, SettingSpec>;

/** Replay's settings as given, before validation. */
export type ReplaySettings = {
  [K in ReplaySharedKey]?: K extends 'dryRun' ? boolean : string;
} & { state?: string; rejects?: string };
