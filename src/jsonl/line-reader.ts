/** One line of a file, its newline not included. */
export interface RawLine {
  /** The line's bytes; undefined when it is longer than the limit (it was not kept). */
  bytes: Buffer | undefined;
  /** Byte offset of its first byte (in uncompressed bytes for a .gz file). */
  start: number;
  /** Byte offset just past it, its newline included. */
  end: number;
  /** Length in bytes without the newline, also when it was not kept. */
  length: number;
  /** False for a last line with no newline after it. */
  terminated: boolean;
}

const NEWLINE = 0x0a;

/**
 * The lines of a stream of chunks that starts at byte `start` of its file, one at a time: only
 * the current line is held (at most `maxBytes` of it; a longer one is passed over and reported
 * without its bytes), so memory stays proportional to one line whatever the file's size.
 * readline cannot say where a line starts in bytes, which progress needs; this can.
 */
export async function* readLines(
  chunks: AsyncIterable<Buffer>,
  start: number,
  maxBytes: number,
): AsyncGenerator<RawLine> {
  let parts: Buffer[] = [];
  let length = 0;
  let lineStart = start;
  let tooLong = false;
  const take = (piece: Buffer): void => {
    length += piece.byteLength;
    if (tooLong) return;
    if (length > maxBytes) {
      tooLong = true;
      parts = [];
    } else if (piece.byteLength > 0) parts.push(piece);
  };
  const finish = (terminated: boolean): RawLine => {
    const end = lineStart + length + (terminated ? 1 : 0);
    const line: RawLine = {
      bytes: tooLong ? undefined : parts.length === 1 ? parts[0]! : Buffer.concat(parts),
      start: lineStart,
      end,
      length,
      terminated,
    };
    parts = [];
    length = 0;
    tooLong = false;
    lineStart = end;
    return line;
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, from);
      if (newline === -1) {
        // Copied: a slice would keep the whole chunk alive with the line.
        if (from < chunk.byteLength) take(Buffer.from(chunk.subarray(from)));
        break;
      }
      take(chunk.subarray(from, newline));
      yield finish(true);
      from = newline + 1;
    }
  }
  if (length > 0 || tooLong) yield finish(false);
}
