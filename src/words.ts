/**
 * How numbers read in messages a person reads (the CLI's summary, status, notices, errors): every
 * layer may use these, as they depend on nothing.
 */

/**
 * A whole number with thousands separators: 1234567 is `1,234,567`, as `toLocaleString('en-US')`
 * writes it (halves rounded away from zero), but never `-0`. Not written with it: its first call
 * loads ICU's number formatting, 7 MB that a long sync took on at its first progress line, in the
 * middle of sending, where a short one only did so for its closing summary.
 */
export function count(n: number): string {
  const whole = Math.round(Math.abs(n));
  // Past 1e21 String() writes an exponent; nothing this tool counts gets there.
  if (!(whole < 1e21)) return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
  const grouped = String(whole).replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 && whole !== 0 ? `-${grouped}` : grouped;
}

/** `1 event`, `2 events`, `1,234 events`. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${count(n)} ${n === 1 ? noun : nouns}`;
}

const UNITS = ['kB', 'MB', 'GB', 'TB'] as const;

/** Bytes in the units people use, decimal as disks and networks count: `512 B`, `36.1 MB`. */
export function bytes(n: number): string {
  if (n < 1000) return `${count(n)} B`;
  let value = n;
  let unit: string = UNITS[0];
  for (const u of UNITS) {
    value /= 1000;
    unit = u;
    if (value < 1000) break;
  }
  return `${value < 100 ? value.toFixed(1) : count(Math.round(value))} ${unit}`;
}

/** A duration in milliseconds as `850 ms`, `2.4 s`, `3 min 20 s`, `2 h 5 min`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(s - minutes * 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes - hours * 60} min`;
  return `${count(Math.floor(hours / 24))} days`;
}
