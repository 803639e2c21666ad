import { ClockCheck } from '../../src/engine/clock-check.js';
import { tokfEvent } from '../helpers/events.js';

describe('ClockCheck', () => {
  const now = Date.parse('2026-03-05T12:00:00Z') / 1000;

  it('counts events from the future beyond five minutes, and times going backwards', () => {
    const c = new ClockCheck(now);
    c.observe(tokfEvent(1, '2026-03-05T11:00:00Z'));
    c.observe(tokfEvent(2, '2026-03-05T12:04:00Z')); // within tolerance
    c.observe(tokfEvent(3, '2026-03-05T10:00:00Z')); // backwards
    c.observe(tokfEvent(4, '2026-03-05T13:00:00Z')); // future
    c.observe(tokfEvent(5, '2026-03-05T12:30:00Z')); // future and backwards
    expect(c.report).toEqual({ future: 2, backwards: 2, firstFutureId: 4, firstBackwardsId: 3 });
    expect(c.notices()).toEqual([
      { kind: 'clock-future', count: 2, firstId: 4, message: null },
      { kind: 'clock-backwards', count: 2, firstId: 3, message: null },
    ]);
  });

  it('says nothing about a sane clock', () => {
    const c = new ClockCheck(now);
    c.observe(tokfEvent(1, '2026-03-05T11:00:00Z'));
    c.observe(tokfEvent(2, '2026-03-05T11:00:00Z'));
    expect(c.notices()).toEqual([]);
  });
});
