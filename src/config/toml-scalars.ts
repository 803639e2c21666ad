/**
 * TOML 1.1's non-string scalars, as tokf's `toml` crate accepts them: booleans aside, integers
 * (decimal, hex, octal, binary, 64-bit), floats (with inf and nan) and dates and times whose fields
 * are valid (February 29th only in leap years, a leap second, offsets within a day). The reader
 * keeps none of their values, only whether they are well formed, as a file with a bad one is not
 * TOML and tokf ignores it whole.
 */

/** Characters of numbers, booleans, dates and times. */
export const SCALAR_CHAR = /[A-Za-z0-9_+\-.:]/;

const DEC_INT = /^[+-]?(?:0|[1-9](?:_?\d)*)$/;
const PREFIXED_INT = /^(?:0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|0o[0-7](?:_?[0-7])*|0b[01](?:_?[01])*)$/;
const FLOAT =
  /^[+-]?(?:0|[1-9](?:_?\d)*)(?:\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|[eE][+-]?\d(?:_?\d)*)$/;
const SPECIAL_FLOAT = /^[+-]?(?:inf|nan)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const OFFSET = /(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** Shaped as a local date (`2026-11-29`), whether or not its fields are valid. */
export function isDate(token: string): boolean {
  return DATE.test(token);
}

/** A well-formed integer, float, date, time or date-time. */
export function isNumberOrDateTime(token: string): boolean {
  return (
    ((DEC_INT.test(token) || PREFIXED_INT.test(token)) && fitsInt64(token)) ||
    (FLOAT.test(token) && Number.isFinite(Number(token.replaceAll('_', '')))) ||
    SPECIAL_FLOAT.test(token) ||
    isDateTime(token)
  );
}

/** TOML integers are 64-bit signed. */
function fitsInt64(token: string): boolean {
  const digits = token.replaceAll('_', '');
  const value = /^0[xob]/.test(digits)
    ? BigInt(digits)
    : BigInt(digits.startsWith('+') ? digits.slice(1) : digits);
  return value >= -(2n ** 63n) && value < 2n ** 63n;
}

/** An offset or local date-time, a local date, or a local time, with valid fields. */
function isDateTime(token: string): boolean {
  const t = token.search(/[Tt]/);
  if (t === -1) return validDate(token) || validTime(token);
  if (!validDate(token.slice(0, t))) return false;
  let time = token.slice(t + 1);
  const offset = OFFSET.exec(time);
  if (offset !== null) {
    if (offset[1] !== undefined && (Number(offset[1]) > 23 || Number(offset[2]) > 59)) return false;
    time = time.slice(0, offset.index);
  }
  return validTime(time);
}

function validDate(text: string): boolean {
  const m = DATE.exec(text);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

function validTime(text: string): boolean {
  const m = TIME.exec(text);
  if (m === null) return false;
  // TOML allows a leap second.
  return Number(m[1]) <= 23 && Number(m[2]) <= 59 && (m[3] === undefined || Number(m[3]) <= 60);
}
