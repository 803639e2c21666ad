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

/** Epoch seconds of a stored timestamp (UTC when it has no zone), or undefined if unreadable. */
export function parseEventTime(text: string): number | undefined {
  const trimmed = text.trim();
  if (!TIMESTAMP.test(trimmed)) return undefined;
  let iso = trimmed.replace(' ', 'T');
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += 'Z';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  // Whole seconds: OTLP carries nanoseconds, but tokf's resolution is the second.
  return Math.floor(ms / 1000);
}
