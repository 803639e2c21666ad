import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import {
  SETTING_KEYS,
  settingsFrom,
  specOf,
  type FlagDoc,
  type SyncSettings,
} from '../config/settings.js';
import { UsageError } from '../errors.js';
import { parseReplayArgs, type ReplayCommand } from './replay-args.js';

export type CliCommand =
  | { kind: 'help'; text: 'main' | 'sync' | 'status' }
  | { kind: 'version' }
  | { kind: 'sync'; settings: SyncSettings; json: boolean; quiet: boolean }
  | { kind: 'status'; db: string | undefined; json: boolean }
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
    const v = parseOptions(rest, STATUS_OPTIONS);
    if (v.help === true) return { kind: 'help', text: 'status' };
    const db = v[specOf('db').flag];
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
  const v = parseOptions(rest, SYNC_OPTIONS);
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

/**
 * Durations back from now may be written with a minus (`--since -7d`, 7 days ago), as `date -d`
 * users write them: such a value is joined to its flag, which parseArgs would take for an option.
 */
const NEGATIVE_DURATION = /^-\d+[smhdw]$/;
const TAKES_TIME = new Set([`--${specOf('since').flag}`, `--${specOf('until').flag}`]);

function parseOptions(
  args: readonly string[],
  options: ParseArgsOptionsConfig,
): Record<string, string | boolean | (string | boolean)[] | undefined> {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (TAKES_TIME.has(arg) && next !== undefined && NEGATIVE_DURATION.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  try {
    return parseArgs({ args: joined, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(describeParseError(err, options));
  }
}

function describeParseError(err: unknown, options: ParseArgsOptionsConfig): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'(-{1,2}[^'=]*)/.exec(message)?.[1];
    if (given !== undefined) {
      const near = closest(given.replace(/^-+/, ''), Object.keys(options));
      return `unknown option ${given}` + (near === undefined ? '' : `; did you mean --${near}?`);
    }
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return message.replace(/\. To specify a positional.*$/s, '.');
  }
  // Node's messages end with advice about "--" that does not apply to us.
  return message
    .replace(/\s*To specify an option argument starting with a dash.*$/s, '')
    .replace(
      /\s*Did you forget to specify the option argument for '([^']*)'\?/,
      ' ($1 needs a value)',
    );
}

/** The candidate nearest to a mistyped word, if it is near enough to be what was meant. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // One edit in short words, a third of the letters in long ones; a prefix is near too.
  const limit = Math.max(1, Math.floor(word.length / 3));
  if (best !== undefined && (bestDistance <= limit || (word.length >= 3 && best.startsWith(word))))
    return best;
  return undefined;
}

/** Damerau-Levenshtein (optimal string alignment): swapped neighbours count as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
