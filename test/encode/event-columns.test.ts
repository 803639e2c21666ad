import type { MetricEvent } from '../../src/encode/aggregate.js';
import { fromColumns, toColumns } from '../../src/encode/event-columns.js';
import { sampleEvents } from '../helpers/request-bodies.js';

const fields = (e: MetricEvent): MetricEvent => ({
  epochSeconds: e.epochSeconds,
  exitCode: e.exitCode,
  inputTokens: e.inputTokens,
  outputTokens: e.outputTokens,
  filterTimeMs: e.filterTimeMs,
  command: e.command,
  filterName: e.filterName,
});

describe('event columns', () => {
  it('give back every field points are made of, nulls and non-ASCII text included', () => {
    const events = sampleEvents(300);
    expect(events.some((e) => e.exitCode === null)).toBe(true);
    expect(events.some((e) => e.filterName === null)).toBe(true);
    expect(fromColumns(toColumns(events))).toEqual(events.map(fields));
  });

  it('keep an unreadable time absent, an exit code of zero as zero and a fraction of a millisecond', () => {
    const [back] = fromColumns(
      toColumns([
        {
          epochSeconds: undefined,
          exitCode: 0,
          inputTokens: 0,
          outputTokens: 0,
          filterTimeMs: 12.25,
          command: '',
          filterName: null,
        },
      ]),
    );
    expect(back?.epochSeconds).toBeUndefined();
    expect(back?.exitCode).toBe(0);
    expect(back?.filterTimeMs).toBe(12.25);
  });
});
