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
const SHORT_COPY = 24;

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

/**
 * What to quote, three numbers each: start, end and whether it is a list (1) or a number (0).
 * Reused between calls, grown as needed: a request holds hundreds of thousands.
 */
let spans = new Int32Array(3 * 4096);

/** The body with its 64-bit integers as strings: a new array, or `body` where there are none. */
export function int64AsStrings(body: Uint8Array): Uint8Array {
  const { count, extra } = findSpans(body);
  if (count === 0) return body;
  const out = new Uint8Array(body.byteLength + extra);
  let from = 0;
  let o = 0;
  for (let k = 0; k < 3 * count; k += 3) {
    const start = spans[k]!;
    const end = spans[k + 1]!;
    if (start - from < SHORT_COPY) for (let i = from; i < start; i++) out[o++] = body[i]!;
    else {
      out.set(body.subarray(from, start), o);
      o += start - from;
    }
    out[o++] = QUOTE;
    if (spans[k + 2] === 1) {
      // A list: every comma becomes `","`.
      for (let i = start; i < end; i++) {
        const b = body[i]!;
        if (b === COMMA) {
          out[o++] = QUOTE;
          out[o++] = COMMA;
          out[o++] = QUOTE;
        } else out[o++] = b;
      }
    } else for (let i = start; i < end; i++) out[o++] = body[i]!;
    out[o++] = QUOTE;
    from = end;
  }
  out.set(body.subarray(from), o);
  return out;
}

/** The spans to quote, in order, and how many quotes they add. */
function findSpans(body: Uint8Array): { count: number; extra: number } {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const keys = new RegExp(KEYS);
  let count = 0;
  let extra = 0;
  let match: RegExpExecArray | null;
  while ((match = keys.exec(text)) !== null) {
    const start = keys.lastIndex;
    const list = match[0].length === LIST_KEY_LENGTH;
    let end = start;
    let commas = 0;
    if (list) {
      // `[\d,]*\]` after the list's `[`; an empty list stays as it is.
      for (let b = body[end]; isDigit(b) || b === COMMA; b = body[++end]) if (b === COMMA) commas++;
      if (body[end] !== CLOSE || end === start) continue;
    } else {
      // `-?\d+`
      if (body[end] === MINUS) end++;
      if (!isDigit(body[end])) continue;
      while (isDigit(body[end])) end++;
    }
    if (3 * count + 3 > spans.length) {
      const grown = new Int32Array(2 * spans.length);
      grown.set(spans);
      spans = grown;
    }
    spans[3 * count] = start;
    spans[3 * count + 1] = end;
    spans[3 * count + 2] = list ? 1 : 0;
    count++;
    extra += 2 + 2 * commas;
    keys.lastIndex = end;
  }
  return { count, extra };
}
