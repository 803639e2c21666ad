import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import {
  SETTING_KEYS,
  settingsFrom,
  specOf,
  type FlagDoc,
  type SyncSettings,
} from '../config/settings.js';
import { UsageError } from '../errors.js';

export type CliCommand =
  | { kind: 'help'; text: 'main' | 'sync' }
  | { kind: 'version' }
  | { kind: 'sync'; settings: SyncSettings; json: boolean };

/** The command line's own switches, which are not engine settings but are documented with them. */
export const CLI_FLAGS: readonly (FlagDoc & { short?: string })[] = [
  {
    flag: 'json',
    section: 'Output',
    help: 'print the result as one JSON object on stdout',
    meaning: 'print the result as one JSON object on stdout',
  },
  { flag: 'help', short: 'h', section: 'Output', help: 'this help' },
];

const SYNC_OPTIONS: ParseArgsOptionsConfig = Object.fromEntries([
  ...SETTING_KEYS.map((key) => [specOf(key).flag, { type: specOf(key).type }]),
  ...CLI_FLAGS.map(({ flag, short }) => [
    flag,
    short === undefined ? { type: 'boolean' } : { type: 'boolean', short },
  ]),
]);

/** argv (without node and the script) to a command; every mistake is a UsageError. */
export function parseCli(argv: readonly string[]): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { kind: 'help', text: 'main' };
  }
  if (command === '--version' || command === '-V') return { kind: 'version' };
  if (command !== 'sync') {
    throw new UsageError(`unknown command "${command}" (try: telemetry-sync sync --help)`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: SYNC_OPTIONS,
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new UsageError(describeParseError(err));
  }
  const v = parsed.values;
  if (v.help === true) return { kind: 'help', text: 'sync' };
  const settings = settingsFrom((spec) => {
    const value = v[spec.flag];
    if (spec.type === 'boolean') return value === true;
    return typeof value === 'string' ? value : undefined;
  });
  for (const [flag, value] of Object.entries(v)) {
    if (typeof value === 'string' && value.trim() === '') {
      throw new UsageError(`--${flag} needs a value`);
    }
  }
  return { kind: 'sync', settings, json: v.json === true };
}

function describeParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // Node's messages end with advice about "--" that does not apply to us.
  return message
    .replace(/\s*To specify an option argument starting with a dash.*$/s, '')
    .replace(/\. To specify a positional.*$/s, '.');
}
