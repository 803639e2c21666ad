import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { specOf } from '../config/settings.js';
import { closest } from '../closest.js';
import { UsageError } from '../errors.js';

/**
 * Durations back from now may be written with a minus (`--since -7d`, 7 days ago), as `date -d`
 * users write them: such a value is joined to its flag, which parseArgs would take for an option.
 */
const NEGATIVE_DURATION = /^-\d+[smhdw]$/;
const TAKES_TIME = new Set([`--${specOf('since').flag}`, `--${specOf('until').flag}`]);

/**
 * A command's options, every mistake a UsageError in our words: an unknown option gets the nearest
 * known one, and Node's advice about "--" is left out.
 */
export function parseOptions(
  args: readonly string[],
  options: ParseArgsOptionsConfig,
  allowPositionals = false,
): {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
} {
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
    const { values, positionals } = parseArgs({
      args: joined,
      options,
      strict: true,
      allowPositionals,
    });
    return { values, positionals };
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
