import { parseLine, type ParsedLine } from './otlp-line.js';

/**
 * What makes OTLP of a file's lines. OTLP JSON Lines need nothing but the line; other formats
 * (gridctl's metrics lines) may need what the lines before built, which is kept in the state
 * with the file's progress: the replay calls `settle` once a line is done (sent, set aside or
 * passed over) and records `settled()` with the progress.
 */
export interface LineSource {
  parse(bytes: Buffer): ParsedLine;
  /** The line last parsed is done: its effect on the state stands. */
  settle?(): void;
  /** The state as of the last settled line, under the source's key, as JSON. */
  settled?(): { key: string; state: string } | undefined;
}

/** Lines that are OTLP/JSON already, sent as they are. */
export const OTLP_LINES: LineSource = { parse: parseLine };
