import { DeadLetters, rejectedTable } from '../../src/progress/dead-letters.js';
import { countPendingUpTo, markPendingDone } from '../../src/progress/pending-queries.js';
import { AT, base, setAside, deliver, withDb } from '../helpers/progress-db.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

describe('markPendingDone', () => {
  it('marks pending events done without sending them, leaving set-aside ones alone', () => {
    const path = base(6, 2);
    setAside(path, [3]);
    expect(markPendingDone(path, ['metrics'], AT)).toBe(3);
    expect(countPendingUpTo(path)).toBe(0);
    expect(withDb(path, (db) => [...new DeadLetters(db).ids()])).toEqual([3]);
  });

  it('marks each signal’s pending events done in that signal’s own progress', () => {
    const path = base(6, 6);
    deliver(path, 1, 2, 'logs');
    setAside(path, [4], 'HTTP 400: bad', 'logs');
    // Metrics owe nothing; logs owe 3, 5 and 6; traces owe all six.
    expect(markPendingDone(path, ['metrics', 'logs'], AT)).toBe(3);
    expect(countPendingUpTo(path, undefined, ['metrics', 'logs'])).toBe(0);
    expect(countPendingUpTo(path, undefined, ['traces'])).toBe(6);
    expect(withDb(path, (db) => [...new DeadLetters(db, rejectedTable('logs')).ids()])).toEqual([
      4,
    ]);
    expect(markPendingDone(path, ['traces'], AT)).toBe(6);
    expect(countPendingUpTo(path, undefined, ['metrics', 'logs', 'traces'])).toBe(0);
  });
});

describe('countPendingUpTo', () => {
  it('counts events neither delivered nor set aside, up to an id, as any of the signals', () => {
    const path = base(8, 3);
    setAside(path, [4]);
    deliver(path, 1, 6, 'logs');
    expect(countPendingUpTo(path)).toBe(4);
    expect(countPendingUpTo(path, 6)).toBe(2);
    expect(countPendingUpTo(path, 6, ['logs'])).toBe(0);
    expect(countPendingUpTo(path, 6, ['metrics', 'logs'])).toBe(2);
    expect(countPendingUpTo(path, undefined, ['traces'])).toBe(8);
  });

  it('reads metrics progress from synced_to_otel_at where tokf’s schema has the column', () => {
    const path = tmpDbPath('pending-');
    createTokfDb(path, 'with-synced-column');
    insertEvents(path, makeEvents(5));
    withDb(path, (db) =>
      db.exec("UPDATE events SET synced_to_otel_at = '2026-03-05T00:00:00Z' WHERE id <= 2"),
    );
    // A ranges table for metrics is not where this database keeps them: it changes nothing.
    deliver(path, 1, 5);
    expect(countPendingUpTo(path)).toBe(3);
    expect(markPendingDone(path, ['metrics'], AT)).toBe(3);
    expect(countPendingUpTo(path)).toBe(0);
  });
});
