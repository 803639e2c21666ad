import type { DayTotals } from '../engine/index.js';

/** Days (or months, over a long run) a chart shows at most. */
const MAX_BARS = 62;

/**
 * Tokens saved and invocations per day of the selected events, as mermaid `xychart-beta` blocks
 * (GitHub renders them in job summaries and comments): per month when the run spans more days
 * than a chart can show, and then the latest MAX_BARS months.
 */
export function dailyCharts(days: readonly DayTotals[]): string[] {
  if (days.length === 0) return [];
  let buckets = days.map((d) => ({ label: d.day, events: d.events, saved: d.tokensSaved }));
  let unit = 'day';
  if (buckets.length > MAX_BARS) {
    unit = 'month';
    const months = new Map<string, { label: string; events: number; saved: number }>();
    for (const b of buckets) {
      const label = b.label.slice(0, 7);
      const m = months.get(label) ?? { label, events: 0, saved: 0 };
      m.events += b.events;
      m.saved += b.saved;
      months.set(label, m);
    }
    buckets = [...months.values()].slice(-MAX_BARS);
  }
  const axis = `x-axis [${buckets.map((b) => `"${b.label}"`).join(', ')}]`;
  const chart = (title: string, yAxis: string, kind: 'bar' | 'line', values: number[]) => [
    '```mermaid',
    'xychart-beta',
    `  title "${title}"`,
    `  ${axis}`,
    `  y-axis "${yAxis}"`,
    `  ${kind} [${values.join(', ')}]`,
    '```',
    '',
  ];
  return [
    ...chart(
      `Tokens saved per ${unit}`,
      'tokens saved',
      'bar',
      buckets.map((b) => b.saved),
    ),
    ...chart(
      `Invocations per ${unit}`,
      'invocations',
      'line',
      buckets.map((b) => b.events),
    ),
  ];
}
