/**
 * How numbers read in messages a person reads (the CLI's summary, status, notices, errors): every
 * layer may use these, as they depend on nothing.
 */

/** A whole number with thousands separators: 1234567 is `1,234,567`. */
export function count(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
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
