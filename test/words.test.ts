import { jest } from '@jest/globals';
import { bytes, count, duration, plural } from '../src/words.js';

describe('words for numbers', () => {
  it('writes counts with thousands separators', () => {
    expect(count(0)).toBe('0');
    expect(count(999)).toBe('999');
    expect(count(800407)).toBe('800,407');
    expect(count(1234567)).toBe('1,234,567');
    expect(count(-1)).toBe('-1');
  });

  it('writes counts as en-US number formatting does, without loading it until past 1e21', () => {
    const values = [0.5, 1.5, 2.5, -2.5, 999.5, -999.5, 1234567.49, 2 ** 53 + 2, -1e15, 9.99e20];
    for (let digits = 0; digits <= 20; digits++) {
      values.push(7.3 * 10 ** digits, -4.1 * 10 ** digits, 10 ** digits - 1);
    }
    for (const n of values) {
      expect(count(n)).toBe(n.toLocaleString('en-US', { maximumFractionDigits: 0 }));
    }
    expect(count(2e21)).toBe('2,000,000,000,000,000,000,000');
    expect(count(-0.4)).toBe('0');
  });

  it('formats counts without Intl, whose first use costs a sync 7 MB mid-run', () => {
    const intl = jest.spyOn(Number.prototype, 'toLocaleString');
    try {
      expect(plural(1234567, 'event')).toBe('1,234,567 events');
      expect(bytes(3e15)).toBe('3,000 TB');
      expect(intl).not.toHaveBeenCalled();
    } finally {
      intl.mockRestore();
    }
  });

  it('says "1 event" and "2 events"', () => {
    expect(plural(1, 'event')).toBe('1 event');
    expect(plural(0, 'event')).toBe('0 events');
    expect(plural(2000, 'event')).toBe('2,000 events');
    expect(plural(1, 'retry', 'retries')).toBe('1 retry');
    expect(plural(3, 'retry', 'retries')).toBe('3 retries');
  });

  it('gives bytes in the units people use', () => {
    expect(bytes(0)).toBe('0 B');
    expect(bytes(999)).toBe('999 B');
    expect(bytes(1000)).toBe('1.0 kB');
    expect(bytes(35271 * 1024)).toBe('36.1 MB');
    expect(bytes(413992.6 * 1024)).toBe('424 MB');
    expect(bytes(2.5e9)).toBe('2.5 GB');
    expect(bytes(3e15)).toBe('3,000 TB');
  });

  it('gives durations people read', () => {
    expect(duration(850)).toBe('850 ms');
    expect(duration(2400)).toBe('2.4 s');
    expect(duration(200_000)).toBe('3 min 20 s');
    expect(duration(7_500_000)).toBe('2 h 5 min');
    expect(duration(5 * 86_400_000)).toBe('5 days');
  });
});
