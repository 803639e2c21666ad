// Types for tokf-events.mjs.

/** One event to insert. Fields whose column the database lacks are left out on insert. */
export interface TokfEventInput {
  /** Explicit row id; by default SQLite's AUTOINCREMENT picks one. */
  id?: number;
  /** UTC, whole seconds, e.g. `2026-03-05T10:22:13Z` (the only form tokf writes). */
  timestamp: string;
  /** The whole argv as one string, e.g. `cargo test --workspace`. */
  command: string;
  /** Matched filter; null (the default) means passthrough. */
  filterName?: string | null;
  filterHash?: string | null;
  /** Default 0. */
  inputBytes?: number;
  /** Default: inputBytes. */
  outputBytes?: number;
  /** Default: estimateTokens(inputBytes). */
  inputTokensEst?: number;
  /** Default: estimateTokens(outputBytes). */
  outputTokensEst?: number;
  /** Default 0. */
  filterTimeMs?: number;
  /** Default 0. */
  exitCode?: number;
  /** Default false. */
  pipeOverride?: boolean;
  /** Whole command output before baseline adjustment. Default: inputBytes. */
  rawBytes?: number;
  /** Default: estimateTokens(rawBytes). */
  rawTokensEst?: number;
  /** Default ''. */
  project?: string;
  /** Only for the `with-synced-column` layout; default null (not yet delivered). */
  syncedToOtelAt?: string | null;
}

/** A kind of command in the generated mix. */
export interface CommandTemplate {
  command: string;
  /** null = passthrough. */
  filterName: string | null;
  /** Share of the input left after filtering, [low, high] (passthrough: [1, 1]). */
  keep: readonly [number, number];
  /** Input size range in bytes (log-uniform). */
  bytes: readonly [number, number];
  /** Non-zero exit codes this command can end with (15% of runs when non-empty). */
  failures: readonly number[];
  /** Relative frequency. */
  weight: number;
}

export interface GenerateEventsOptions {
  /** Timestamp of the first event. Default `2026-03-02T09:00:00Z`. */
  start?: string;
  /** PRNG seed. Default 1. */
  seed?: number;
  /** Gap between consecutive events outside bursts, in seconds. Defaults 1 and 600. */
  minGapSeconds?: number;
  maxGapSeconds?: number;
  /** Chance that a burst of 2 to 4 events within one second starts. Default 0.12. */
  burstChance?: number;
  /** Projects to switch between now and then (first one to start). Default `['']`. */
  projects?: readonly string[];
  /** Command mix. Default COMMAND_MIX. */
  mix?: readonly CommandTemplate[];
  /** Templates to use at given event indexes instead of a random pick. */
  handPicked?: Readonly<Record<number, CommandTemplate>>;
}

export declare function seededRandom(seed: number): () => number;
export declare function tokfTimestamp(time: Date | number): string;
export declare function filterHash(name: string): string;
export declare const COMMAND_MIX: readonly CommandTemplate[];
export declare function generateEvents(
  count: number,
  options?: GenerateEventsOptions,
): TokfEventInput[];
export declare function eventColumnValues(event: TokfEventInput): {
  id: number | undefined;
  timestamp: string;
  command: string;
  filter_name: string | null;
  filter_hash: string | null;
  input_bytes: number;
  output_bytes: number;
  input_tokens_est: number;
  output_tokens_est: number;
  filter_time_ms: number;
  exit_code: number;
  pipe_override: number;
  raw_bytes: number;
  raw_tokens_est: number;
  project: string;
  synced_to_otel_at: string | null;
};

/**
 * Creates a fresh-layout tokf schema in `db` and returns a function that inserts one event; the
 * caller owns the transaction.
 */
export declare function freshTokfSchema(
  db: import('node:sqlite').DatabaseSync,
): (event: TokfEventInput) => void;
