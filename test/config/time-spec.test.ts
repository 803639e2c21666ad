import { parseTimeSpec } from '../../src/config/time-spec.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('parseTimeSpec', () => {
  it.each([
    ['2026-03-05', '2026-03-05T00:00:00.000Z'],
    ['2026-03-05T10:22:13Z', '2026-03-05T10:22:13.000Z'],
    ['2026-03-05T10:22:13', '2026-03-05T10:22:13.000Z'],
    ['2026-03-05 10:22', '2026-03-05T10:22:00.000Z'],
    ['2026-03-05T12:22:13+02:00', '2026-03-05T10:22:13.000Z'],
    ['2026-03-05T12:22:13+0200', '2026-03-05T10:22:13.000Z'],
    ['2026-03-05T10:22:13.5Z', '2026-03-05T10:22:13.500Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(new Date(parseTimeSpec(text, '--since', NOW)).toISOString()).toBe(iso);
  });

  it.each([
    ['90m', 90 * 60_000],
    ['24h', 24 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['30s', 30_000],
    ['2w', 14 * 86_400_000],
    // With a minus, as `date -d -7days` users write it: the same, 7 days ago (not 7 days ahead).
    ['-7d', 7 * 86_400_000],
    ['-3h', 3 * 3_600_000],
  ])('reads the duration %s as that long before now', (text, ms) => {
    expect(parseTimeSpec(text, '--since', NOW)).toBe(NOW - ms);
  });

  it.each([
    'yesterday',
    '2026-13-01',
    '2026-02-31',
    '5 days',
    '--3h',
    '-0d',
    '+3h',
    '1.5h',
    '',
    '2026-03-05T25:00:00Z',
  ])('rejects %j with an error that names the flag', (text) => {
    expect(() => parseTimeSpec(text, '--until', NOW)).toThrow(/^--until: /);
  });
});
