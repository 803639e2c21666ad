import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const RELATIVE = /^(\d+)([smhdw])$/;
const NEGATIVE_OR_ZERO = /^(-\d+|-?0+)[smhdw]$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// Date-time with an optional zone; without one we read it as UTC, because tokf stores UTC.
const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

/** A duration such as `90m`, `24h` or `7d` in milliseconds. */
export function parseDuration(value: string, flag: string): number {
  const text = value.trim();
  // A number with a unit is a duration, only not one that can be used: say so in range terms.
  if (NEGATIVE_OR_ZERO.test(text)) {
    throw new UsageError(
      `${flag}: ${text} is out of range; it takes a duration longer than zero (such as 90m, 1h, 7d)`,
    );
  }
  const m = RELATIVE.exec(text);
  if (m === null) {
    throw new UsageError(`${flag}: "${value}" is not a duration (such as 90m, 1h, 7d)`);
  }
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/**
 * Turns a `--since`/`--until` value into epoch milliseconds: an ISO 8601 date (midnight UTC), an
 * ISO 8601 date-time (UTC when it has no zone), or a duration back from `now` such as `90m`,
 * `24h`, `7d` (also `s` and `w`; `-7d` means the same).
 */
export function parseTimeSpec(value: string, flag: string, now: number): number {
  // A minus changes nothing: `-7d` is 7 days ago too, as `date -d -7days` reads it.
  const text = value.trim().replace(/^-(?=\d+[smhdw]$)/, '');
  if (RELATIVE.test(text)) return now - parseDuration(text, flag);
  let iso: string | undefined;
  if (DATE_ONLY.test(text)) {
    iso = `${text}T00:00:00Z`;
  } else {
    const m = DATE_TIME.exec(text);
    if (m) iso = `${m[1]}T${m[2]}${normaliseZone(m[3])}`;
  }
  const ms = iso === undefined ? NaN : Date.parse(iso);
  if (Number.isNaN(ms) || !sameCalendarDate(text, ms, iso)) {
    throw new UsageError(
      `${flag}: "${value}" is not a date (2026-03-05), a date-time (2026-03-05T10:22:13Z) or a duration (90m, 24h, 7d)`,
    );
  }
  return ms;
}

function normaliseZone(zone: string | undefined): string {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 'Z';
  return zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
}

// Date.parse rolls 2026-02-31 over into March; a date the user mistyped must be an error instead.
function sameCalendarDate(text: string, ms: number, iso: string | undefined): boolean {
  if (iso === undefined || !iso.endsWith('Z')) return true;
  return new Date(ms).toISOString().slice(0, 10) === text.slice(0, 10);
}
