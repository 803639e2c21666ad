import { batchEvents, selectEvents, type SelectionTally } from '../../src/engine/selection.js';
import { tokfEvent } from '../helpers/events.js';

const tally = (): SelectionTally => ({
  selected: 0,
  unreadable: 0,
  skippedRejected: 0,
  held: 0,
  skipped: 0,
  firstSeconds: undefined,
  lastSeconds: undefined,
});
const at = (id: number, time: string) => tokfEvent(id, time);

describe('selectEvents: seconds not over yet', () => {
  it('holds the events of the held seconds for a later run, and only those', () => {
    const t = Date.parse('2026-03-05T10:00:00Z') / 1000;
    const events = [
      at(1, '2026-03-05T09:59:58Z'),
      at(2, '2026-03-05T09:59:59Z'),
      at(3, '2026-03-05T10:00:00Z'),
      at(4, '2026-03-05T11:00:00Z'),
    ];
    const counts = tally();
    const ids = [...selectEvents(events, { hold: { from: t - 1, to: t + 300 } }, counts)].map(
      (e) => e.id,
    );
    // 09:59:59 and 10:00:00 are held; 11:00:00 is a wrong clock, sent (and warned about elsewhere).
    expect(ids).toEqual([1, 4]);
    expect(counts.held).toBe(2);
  });
});

describe('selectEvents', () => {
  const events = [
    at(1, '2026-03-01T00:00:00Z'),
    at(2, '2026-03-02T00:00:00Z'),
    tokfEvent(3, 'garbage'),
    at(4, '2026-03-03T00:00:00Z'),
    at(5, '2026-03-04T00:00:00Z'),
  ];

  it('keeps [since, until) and counts unreadable timestamps', () => {
    const t = tally();
    const since = Date.parse('2026-03-02T00:00:00Z');
    const until = Date.parse('2026-03-04T00:00:00Z');
    expect([...selectEvents(events, { since, until }, t)].map((e) => e.id)).toEqual([2, 4]);
    expect(t).toMatchObject({ selected: 2, unreadable: 1 });
    expect(new Date(t.firstSeconds! * 1000).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(new Date(t.lastSeconds! * 1000).toISOString()).toBe('2026-03-03T00:00:00.000Z');
  });

  it('stops after limit events', () => {
    const t = tally();
    expect([...selectEvents(events, { limit: 2 }, t)].map((e) => e.id)).toEqual([1, 2]);
    expect(t.selected).toBe(2);
  });
});

describe('batchEvents', () => {
  it('cuts at the batch size but never inside a second', () => {
    const events = [
      at(1, '2026-03-01T00:00:01Z'),
      at(2, '2026-03-01T00:00:01Z'),
      at(3, '2026-03-01T00:00:02Z'),
      at(4, '2026-03-01T00:00:02Z'),
      at(5, '2026-03-01T00:00:02Z'),
      at(6, '2026-03-01T00:00:03Z'),
    ];
    expect([...batchEvents(events, 2)].map((b) => b.map((e) => e.id))).toEqual([
      [1, 2],
      [3, 4, 5],
      [6],
    ]);
    expect([...batchEvents(events, 4)].map((b) => b.map((e) => e.id))).toEqual([
      [1, 2, 3, 4, 5],
      [6],
    ]);
  });

  it('bounds a batch in a second with very many events', () => {
    const events = Array.from({ length: 50 }, (_, i) => at(i + 1, '2026-03-01T00:00:01Z'));
    expect([...batchEvents(events, 5)].map((b) => b.length)).toEqual([20, 20, 10]);
  });
});
