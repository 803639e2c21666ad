/**
 * Text longer than this is cut: tokf.command is the whole argv, and backends refuse (or choke on)
 * attribute values of megabytes. Ordinary commands are far shorter.
 */
export const MAX_TEXT_LENGTH = 4096;

/** One row of tokf's `events` table, as the encoder needs it. */
export interface TokfEvent {
  id: number;
  /** The stored text, as tokf wrote it. */
  timestamp: string;
  /** The same instant in whole epoch seconds; undefined when the text is not a time. */
  epochSeconds: number | undefined;
  command: string;
  /** NULL in the database means passthrough: no filter matched. */
  filterName: string | null;
  inputTokens: number;
  outputTokens: number;
  filterTimeMs: number;
  exitCode: number | null;
  /**
   * The lowest id this row stands for when acknowledged: one past the previous row the scan
   * read. Every id in [coverFrom, id] is either this row or no pending row at all, which is what
   * lets delivered ranges span deleted ids and join up across batches.
   */
  coverFrom: number;
  /** The project tokf recorded (column `project`, tokf 0.2.x); undefined where absent or empty. */
  project?: string;
  /** Whether `--pipe-through` overrode the filter (column `pipe_override`), where present. */
  pipeOverride?: boolean;
  /** A piped run's pipeline exit code (`exit_code` where `head_exit_code` holds the run's own). */
  pipelineExitCode?: number | null;
  /**
   * The copy of the database that first recorded the row and its id there (`run-a#17`), where the
   * database names one: unlike `id`, it stays the same when a merge appends the row to another
   * copy under a new id. Set by the engine where an identity must outlive merges (span ids).
   */
  origin?: string;
}

/**
 * Whether the row is one of tokf's built-in commands, `tokf err`, `tokf test` and `tokf summary`:
 * tokf 0.2.54 records them with filter names `_builtin/err`, `_builtin/test` and
 * `_builtin/summary` (main.rs, through generic::cmd_generic_run), which never calls the live
 * exporter: tokf's live export leaves these rows out.
 */
export function isBuiltinCommand(e: Pick<TokfEvent, 'filterName'>): boolean {
  return e.filterName?.startsWith('_builtin/') === true;
}

// tokf writes `YYYY-MM-DDTHH:MM:SSZ`; we also take fractions and offsets, which other writers use.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * The last second OTLP's times can carry everywhere: nanoseconds since 1970 as a signed 64-bit
 * integer (what OTLP/JSON decoders and the SDK's HrTime arithmetic hold) end at 2262-04-11T23:47:16Z;
 * one second is kept for the second's own nanoseconds.
 */
const LAST_OTLP_SECOND = 9_223_372_035;

/**
 * Epoch seconds of a stored timestamp (UTC when it has no zone), or undefined if unreadable: not a
 * time, or one OTLP cannot carry (before 1970-01-01, after 2262-04-11), which would be sent as
 * another time (a wrapped fixed64) or a negative one.
 */
export function parseEventTime(text: string): number | undefined {
  const fast = tokfTime(text);
  if (fast !== undefined) return fast;
  const trimmed = text.trim();
  if (!TIMESTAMP.test(trimmed)) return undefined;
  let iso = trimmed.replace(' ', 'T');
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += 'Z';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  // Whole seconds: OTLP carries nanoseconds, but tokf's resolution is the second.
  const seconds = Math.floor(ms / 1000);
  return seconds < 0 || seconds > LAST_OTLP_SECOND ? undefined : seconds;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * tokf's own form, `YYYY-MM-DDTHH:MM:SSZ`, read from its digits: nearly every row is in it, and a
 * scan reads hundreds of thousands. Undefined for anything else, and for any field outside its
 * everyday range (a year before 1970 or past OTLP's last, hour 24, second 60), which
 * parseEventTime's general path reads as it always has; within those ranges Date.UTC and
 * Date.parse agree.
 */
function tokfTime(t: string): number | undefined {
  if (
    t.length !== 20 ||
    t.charCodeAt(4) !== 45 || // -
    t.charCodeAt(7) !== 45 ||
    t.charCodeAt(10) !== 84 || // T
    t.charCodeAt(13) !== 58 || // :
    t.charCodeAt(16) !== 58 ||
    t.charCodeAt(19) !== 90 // Z
  )
    return undefined;
  const year = digitsAt(t, 0, 4);
  const month = digitsAt(t, 5, 2);
  const day = digitsAt(t, 8, 2);
  const hour = digitsAt(t, 11, 2);
  const minute = digitsAt(t, 14, 2);
  const second = digitsAt(t, 17, 2);
  if (year < 1970 || year > 2261 || month < 1 || month > 12 || day < 1) return undefined;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (DAYS_IN_MONTH[month - 1] as number) + (leap ? 1 : 0)) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
    return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

/** The decimal number of `length` digits at `from`, or -1 when one of them is not a digit. */
function digitsAt(t: string, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * A command line cut to its program and subcommand (`git status`, `cargo test`), for reports that
 * may be read by others: tokf.command holds the whole command line, and arguments can hold
 * secrets (tokens, URLs with credentials, paths). Leading `NAME=value` assignments are skipped,
 * the program is named without its directory, and the next word is kept only when it looks like
 * a subcommand (lower-case letters and hyphens, not too long); anything else is left out.
 */
export function programOf(command: string): string {
  const words = command.trim().split(/\s+/);
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] as string)) i += 1;
  const first = words[i];
  if (first === undefined || first === '') return '(empty)';
  const program = first.replace(/^.*[/\\]/, '');
  if (!/^[A-Za-z0-9._+-]{1,40}$/.test(program)) return '(other program)';
  const next = words[i + 1];
  return next !== undefined && /^[a-z][a-z-]{0,23}$/.test(next) ? `${program} ${next}` : program;
}
