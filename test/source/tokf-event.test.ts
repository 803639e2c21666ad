/**
 * parseEventTime reads tokf's own `YYYY-MM-DDTHH:MM:SSZ` from its digits; every text must come out
 * as the general path (the pattern and Date.parse) reads it.
 */
import { parseEventTime } from '../../src/source/tokf-event.js';

/** The general path alone, as parseEventTime read every text before its fast path. */
function byDateParse(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i.test(trimmed))
    return undefined;
  let iso = trimmed.replace(' ', 'T');
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += 'Z';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  const seconds = Math.floor(ms / 1000);
  return seconds < 0 || seconds > 9_223_372_035 ? undefined : seconds;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('parseEventTime', () => {
  it("reads tokf's form as the general path does, every field at and past its bounds", () => {
    const texts: string[] = [];
    for (const year of [1969, 1970, 1999, 2000, 2024, 2025, 2100, 2400, 9999])
      for (let month = 0; month <= 13; month++)
        for (const day of [0, 1, 28, 29, 30, 31, 32])
          for (const [h, m, s] of [
            [0, 0, 0],
            [23, 59, 59],
            [24, 0, 0],
            [12, 60, 0],
            [12, 0, 60],
          ])
            texts.push(
              `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(h!)}:${pad(m!)}:${pad(s!)}Z`,
            );
    let read = 0;
    for (const text of texts) {
      const expected = byDateParse(text);
      if (expected !== undefined) read++;
      expect([text, parseEventTime(text)]).toEqual([text, expected]);
    }
    // Both paths were met: texts read, and texts refused.
    expect(read).toBeGreaterThan(1000);
    expect(read).toBeLessThan(texts.length);
  });

  it('reads other forms, and refuses what is not a time, as before', () => {
    for (const text of [
      '2026-03-02T09:00:00Z',
      '2026-03-02 09:00:00',
      '2026-03-02T09:00:00.750+02:00',
      '2026-03-02t09:00:00z',
      ' 2026-03-02T09:00:00Z ',
      '2026-03-02T09:00:0xZ',
      '2026-0a-02T09:00:00Z',
      '1969-12-31T23:59:59Z',
      'yesterday-ish',
      '',
    ])
      expect([text, parseEventTime(text)]).toEqual([text, byDateParse(text)]);
    expect(parseEventTime('2026-03-02T09:00:00Z')).toBe(Date.UTC(2026, 2, 2, 9) / 1000);
    expect(parseEventTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29) / 1000);
    expect(parseEventTime('1970-01-01T00:00:00Z')).toBe(0);
    expect(parseEventTime('1969-12-31T23:59:59Z')).toBeUndefined();
  });
});
