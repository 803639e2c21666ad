import { dailyCharts } from '../../src/action/summary-charts.js';

/** The days from `first` on, `n` of them, with `events` and twice as many tokens saved each. */
function days(first: string, n: number) {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => ({
    day: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
    events: 1,
    tokensSaved: 2,
  }));
}

describe('the charts of the summary', () => {
  it('draw nothing without days', () => {
    expect(dailyCharts([])).toEqual([]);
  });

  it('draw tokens saved as bars and invocations as a line, one per day', () => {
    expect(dailyCharts(days('2026-03-01', 2)).join('\n')).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "Tokens saved per day"',
        '  x-axis ["2026-03-01", "2026-03-02"]',
        '  y-axis "tokens saved"',
        '  bar [2, 2]',
        '```',
        '',
        '```mermaid',
        'xychart-beta',
        '  title "Invocations per day"',
        '  x-axis ["2026-03-01", "2026-03-02"]',
        '  y-axis "invocations"',
        '  line [1, 1]',
        '```',
        '',
      ].join('\n'),
    );
  });

  it('sum by month when the run spans more days than a chart shows', () => {
    const charts = dailyCharts(days('2026-01-01', 63)).join('\n');
    expect(charts).toContain('title "Tokens saved per month"');
    expect(charts).toContain('x-axis ["2026-01", "2026-02", "2026-03"]');
    expect(charts).toContain('bar [62, 56, 8]');
    expect(charts).toContain('line [31, 28, 4]');
  });
});
