import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { closest } from '../closest.js';
import { UsageError } from '../errors.js';

/**
 * A value that starts with a minus and a digit: a negative number (`--limit -5`), or a duration
 * back from now (`--since -7d`, 7 days ago, as `date -d` users write it). No option of ours is a
 * dash and a digit, so such a value is joined to its flag; parseArgs would take it for an option
 * and say the flag's "argument is ambiguous", where the setting's parser says what is wrong.
 */
const NEGATIVE_VALUE = /^-\d/;

/** `--flag value` to `--flag=value` where the value is a negative one (see NEGATIVE_VALUE). */
function joinNegativeValues(args: readonly string[], options: ParseArgsOptionsConfig): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const takesValue = arg.startsWith('--') && options[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && NEGATIVE_VALUE.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

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
  const joined = joinNegativeValues(args, options);
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
