/**
 * The transformer writes the schema's 64-bit integers (asInt, intValue, count, bucketCounts) as
 * JSON numbers; OTLP/JSON, and the Collector's file format, write them as decimal strings
 * (timestamps it already writes as strings). The fix-up puts quotes around those numbers in the
 * encoded bytes: decoding a request of megabytes as UTF-8, rewriting the text and encoding it again
 * cost more than the transformer's own JSON encoding.
 *
 * These names only ever appear as keys, since inside a string value a quote is escaped
 * (`\"asInt\":` cannot match). What is quoted is exactly what `/"(asInt|intValue|count)":(-?\d+)/g`
 * and `/"bucketCounts":\[([\d,]*)\]/g` match, the rewrite earlier versions made on the text: a
 * number's leading minus and digits (of `1e+21`, the `1`), and every element of a list of digits
 * and commas closed by `]`.
 */

/**
 * The keys, found in a Latin-1 view of the bytes (one character per byte, so that a position in
 * the text is the same in the bytes, and a UTF-8 sequence never looks like ASCII).
 */
const KEYS = /"(?:asInt":|intValue":|count":|bucketCounts":\[)/g;
const LIST_KEY_LENGTH = '"bucketCounts":['.length;

const QUOTE = 0x22;
const MINUS = 0x2d;
const COMMA = 0x2c;
const CLOSE = 0x5d;

/** Below this, a segment is copied byte by byte: a native copy costs more to call than to run. */
const SHORT_COPY = 16;

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

/** The body with its 64-bit integers as strings: a new array, or `body` where there are none. */
export function int64AsStrings(body: Uint8Array): Uint8Array {
  const at = quotePositions(body);
  if (at.length === 0) return body;
  const out = new Uint8Array(body.byteLength + at.length);
  let from = 0;
  let o = 0;
  for (const p of at) {
    if (p - from < SHORT_COPY) for (let i = from; i < p; i++) out[o++] = body[i]!;
    else {
      out.set(body.subarray(from, p), o);
      o += p - from;
    }
    out[o++] = QUOTE;
    from = p;
  }
  out.set(body.subarray(from), o);
  return out;
}

/** Where a quote goes (before the byte at each position), ascending. */
function quotePositions(body: Uint8Array): number[] {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const keys = new RegExp(KEYS);
  const at: number[] = [];
  let match: RegExpExecArray | null;
  while ((match = keys.exec(text)) !== null) {
    const start = keys.lastIndex;
    const end =
      match[0].length === LIST_KEY_LENGTH
        ? quoteList(body, start, at)
        : quoteNumber(body, start, at);
    keys.lastIndex = end;
  }
  return at;
}

/** `-?\d+` at `start`: quotes around it; returns where the search goes on. */
function quoteNumber(body: Uint8Array, start: number, at: number[]): number {
  let i = body[start] === MINUS ? start + 1 : start;
  if (!isDigit(body[i])) return start;
  while (isDigit(body[i])) i++;
  at.push(start, i);
  return i;
}

/** `[\d,]*\]` after the list's `[`: every element quoted; returns where the search goes on. */
function quoteList(body: Uint8Array, start: number, at: number[]): number {
  let i = start;
  while (isDigit(body[i]) || body[i] === COMMA) i++;
  if (body[i] !== CLOSE) return start;
  if (i === start) return i + 1;
  at.push(start);
  for (let c = start; c < i; c++) if (body[c] === COMMA) at.push(c, c + 1);
  at.push(i);
  return i + 1;
}
