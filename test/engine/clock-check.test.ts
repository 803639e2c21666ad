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
    const [future, backwards] = c.warnings();
    expect(future).toMatch(
      /^2 event\(s\) are stamped more than 5 minutes in the future \(first: id 4\)/,
    );
    expect(backwards).toMatch(
      /^2 event\(s\) are stamped earlier than an event recorded before them \(first: id 3\)/,
    );
  });

  it('says nothing about a sane clock', () => {
    const c = new ClockCheck(now);
    c.observe(tokfEvent(1, '2026-03-05T11:00:00Z'));
    c.observe(tokfEvent(2, '2026-03-05T11:00:00Z'));
    expect(c.warnings()).toEqual([]);
  });
});
