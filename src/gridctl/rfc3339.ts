/**
 * Go's `time.Time` as JSON and as gridctl's slog handler writes it (`time.RFC3339Nano`): a date,
 * `T`, a time with up to nine fractional digits (trailing zeros trimmed) and `Z` or an offset.
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Nanoseconds since the epoch, exact; undefined for anything else than such a time. */
export function parseRfc3339Nanos(text: unknown): bigint | undefined {
  if (typeof text !== 'string') return undefined;
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  // Go writes a leap second as :59; 60 is refused, as Go's parser refuses it.
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || Number(s) > 59)
    return undefined;
  const ms = Date.UTC(Number(y), month - 1, day, hour, minute, Number(s));
  // Date.UTC rolls 31 February over into March: such a date is not one.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  let seconds = BigInt(ms / 1000);
  if (z === undefined) {
    const offset = (Number(oh) * 60 + Number(om)) * 60;
    seconds -= BigInt(sign === '-' ? -offset : offset);
  }
  const nanos = frac === undefined ? 0n : BigInt(frac.padEnd(9, '0'));
  return seconds * 1_000_000_000n + nanos;
}

/** Nanoseconds as the SDK's HrTime, [seconds, nanoseconds]. */
export function hrTimeOf(nanos: bigint): [number, number] {
  return [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];
}
