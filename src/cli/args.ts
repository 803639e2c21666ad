import type { ParseArgsOptionsConfig } from 'node:util';
import {
  SETTING_KEYS,
  settingsFrom,
  specOf,
  type FlagDoc,
  type SyncSettings,
} from '../config/settings.js';
import { UsageError } from '../errors.js';
import { closest } from '../closest.js';
import { parseOptions } from './parse-options.js';
import { parseReplayArgs, type ReplayCommand } from './replay-args.js';

export type CliCommand =
  | { kind: 'help'; text: 'main' | 'sync' | 'status' }
  | { kind: 'version' }
  | { kind: 'sync'; settings: SyncSettings; json: boolean; quiet: boolean }
  | { kind: 'status'; db: string | undefined; json: boolean }
  /** `status --gridctl [DIR...]`: what a replay of those directories would send. */
  | { kind: 'gridctl-status'; dirs: string[]; state: string | undefined; json: boolean }
  /** `status --replay`: where a replay state stands (its files, the last replay, the lock). */
  | { kind: 'replay-status'; state: string | undefined; json: boolean }
  | ReplayCommand;

/** The commands, for the usage line and "did you mean". */
export const COMMANDS = ['sync', 'status', 'replay'] as const;

/** The command line's own switches, which are not engine settings but are documented with them. */
export const CLI_FLAGS: readonly (FlagDoc & { short?: string })[] = [
  {
    flag: 'json',
    section: 'Output',
    help: 'print the result as one JSON object on stdout',
    meaning: 'print the result as one JSON object on stdout',
  },
  {
    flag: 'quiet',
    short: 'q',
    section: 'Output',
    help: 'no progress on stderr (one updating line on a terminal, else a line every 5 s), only the summary',
    meaning:
      'no progress on stderr (on a terminal one updating line: events done of about how many, events/s, time left, the wait before a retry and why; elsewhere a line every 5 s), only the summary',
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

/** `status` reads the database only: where it is, and how to print. */
const STATUS_OPTIONS: ParseArgsOptionsConfig = {
  [specOf('db').flag]: { type: 'string' },
  gridctl: { type: 'boolean' },
  replay: { type: 'boolean' },
  state: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** argv (without node and the script) to a command; every mistake is a UsageError. */
export function parseCli(argv: readonly string[]): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { kind: 'help', text: 'main' };
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    return { kind: 'version' };
  }
  if (command === 'replay') return parseReplayArgs(rest);
  if (command === 'status') {
    const parsed = parseOptions(rest, STATUS_OPTIONS, true);
    const v = parsed.values;
    if (v.help === true) return { kind: 'help', text: 'status' };
    if (typeof v.state === 'string' && v.state.trim() === '')
      throw new UsageError('--state needs a value');
    const db = v[specOf('db').flag];
    if ((v.gridctl === true || v.replay === true) && db !== undefined)
      throw new UsageError(
        `status --${v.gridctl === true ? 'gridctl' : 'replay'} reads a replay state (--state), not a tokf database (--db)`,
      );
    if (v.replay === true) {
      if (v.gridctl === true)
        throw new UsageError(
          'status takes --replay or --gridctl, not both (--gridctl also tells the last replay)',
        );
      if (parsed.positionals.length > 0)
        throw new UsageError(
          `status --replay takes no path (${parsed.positionals[0]}); name the state with --state FILE`,
        );
      return {
        kind: 'replay-status',
        state: typeof v.state === 'string' ? v.state : undefined,
        json: v.json === true,
      };
    }
    if (v.gridctl === true) {
      return {
        kind: 'gridctl-status',
        dirs: parsed.positionals,
        state: typeof v.state === 'string' ? v.state : undefined,
        json: v.json === true,
      };
    }
    if (parsed.positionals.length > 0 || v.state !== undefined)
      throw new UsageError(
        `status takes ${parsed.positionals.length > 0 ? `no path (${parsed.positionals[0]})` : 'no --state'} without --gridctl or --replay`,
      );
    if (typeof db === 'string' && db.trim() === '') throw new UsageError('--db needs a value');
    return { kind: 'status', db: typeof db === 'string' ? db : undefined, json: v.json === true };
  }
  if (command !== 'sync') {
    const near = closest(command, COMMANDS);
    throw new UsageError(
      `unknown command "${command}"` +
        (near === undefined ? ` (commands: ${COMMANDS.join(', ')})` : `; did you mean ${near}?`),
    );
  }
  const v = parseOptions(rest, SYNC_OPTIONS).values;
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
  return { kind: 'sync', settings, json: v.json === true, quiet: v.quiet === true };
}
