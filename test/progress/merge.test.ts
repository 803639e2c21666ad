import { copyFileSync } from 'node:fs';
import { nextEventId, readLineage, stampOwnRows } from '../../src/progress/lineage.js';
import { mergeDatabase } from '../../src/progress/merge.js';
import { countPendingUpTo } from '../../src/progress/pending-queries.js';
import { DeadLetters, rejectedTable } from '../../src/progress/dead-letters.js';
import { RangesProgressStore, rangesTable } from '../../src/progress/ranges-store.js';
import { SeriesStore } from '../../src/progress/series-store.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  removeTmpDirs,
  tmpDbPath,
  type TokfEventInput,
} from '../helpers/tokf-db.js';
import { AT, base, deliver, setAside, withDb } from '../helpers/progress-db.js';

afterAll(removeTmpDirs);

function delivered(path: string): number {
  return withDb(path, (db) => {
    const store = new RangesProgressStore(db);
    const all = Number(db.prepare('SELECT count(*) AS n FROM events').get()?.n);
    return all - store.countPending();
  });
}

/** What makes an event the event it is, without its id: a multiset of these. */
function contents(path: string): string[] {
  return readEvents(path)
    .map((r) => JSON.stringify({ ...r, id: undefined }))
    .sort();
}

function copyOf(path: string): string {
  const to = tmpDbPath('copy-');
  copyFileSync(path, to);
  return to;
}

/** A copy as a CI run makes it: restored, stamped for its own rows, then tokf writes. */
function fork(base: string, origin: string, events: readonly TokfEventInput[]): string {
  const copy = copyOf(base);
  stampOwnRows(copy, origin, nextEventId(copy));
  insertEvents(copy, events);
  return copy;
}

const same = (n: number, start = '2026-03-05T10:00:00Z'): TokfEventInput[] =>
  Array.from({ length: n }, () => ({
    timestamp: start,
    command: 'git status',
    filterName: 'git/status',
    exitCode: 0,
  }));

describe('mergeDatabase', () => {
  it('joins two forks of one database: the shared rows once, both sides’ new rows, delivered by either', () => {
    const root = base();
    const a = fork(root, 'run-a', makeEvents(5, { start: '2026-03-05T11:00:00Z', seed: 5 }));
    const b = fork(root, 'run-b', makeEvents(3, { start: '2026-03-05T12:00:00Z', seed: 9 }));
    // Run A delivered what run 0 left pending (7..10) and its own five; B delivered nothing.
    deliver(a, 7, 15);
    const expected = [...contents(a), ...contents(b).filter((c) => !contents(root).includes(c))];
    const outcome = mergeDatabase(b, a, { sourceKey: 'key-a', now: AT });
    expect(outcome).toMatchObject({ added: 5, alreadyHeld: 10, nowDelivered: 4 });
    expect(readEvents(b)).toHaveLength(18);
    expect(contents(b)).toEqual(expected.sort());
    // Run 0's 6, A's 9: pending are B's own three.
    expect(delivered(b)).toBe(15);
    expect(countPendingUpTo(b)).toBe(3);
    expect(readLineage(b)).toEqual(['key-a']);
  });

  it('carries logs and traces progress of either copy, each apart from metrics', () => {
    const root = base();
    const a = fork(root, 'run-a', makeEvents(4, { start: '2026-03-05T11:00:00Z', seed: 5 }));
    const b = fork(root, 'run-b', makeEvents(2, { start: '2026-03-05T12:00:00Z', seed: 9 }));
    // A sent everything it holds as logs (1..14) and set event 3 aside as traces; B sent 1..2 as
    // traces.
    withDb(a, (db) => {
      const logs = new RangesProgressStore(db, rangesTable('logs'));
      logs.prepareForWriting();
      logs.markDelivered([{ first: 1, last: 14 }], AT);
      const dead = new DeadLetters(db, rejectedTable('traces'));
      dead.prepareForWriting();
      dead.record([3], { reason: 'HTTP 400: bad span', status: 400 }, AT);
    });
    withDb(b, (db) => {
      const traces = new RangesProgressStore(db, rangesTable('traces'));
      traces.prepareForWriting();
      traces.markDelivered([{ first: 1, last: 2 }], AT);
    });
    mergeDatabase(b, a, { sourceKey: 'key-a', now: AT });
    withDb(b, (db) => {
      const all = Number(db.prepare('SELECT count(*) AS n FROM events').get()?.n);
      expect(all).toBe(16);
      // As logs: A's 14 (the shared 10 and A's 4, now at B's ids 13..16); B's own two pending.
      expect(new RangesProgressStore(db, rangesTable('logs')).countPending()).toBe(2);
      expect(new RangesProgressStore(db, rangesTable('traces')).countPending()).toBe(14);
      expect([...new DeadLetters(db, rejectedTable('traces')).ids()]).toEqual([3]);
      // Metrics progress is its own: run 0's six only.
      expect(new RangesProgressStore(db).countPending()).toBe(10);
    });
  });

  it('keeps genuinely identical events of two copies apart, and recognises each later', () => {
    const root = base(4, 4);
    // Two matrix legs run the same command in the same second: equal rows, equal ids.
    const a = fork(root, 'leg-a', same(2));
    const b = fork(root, 'leg-b', same(2));
    expect(readEvents(a).slice(4)).toEqual(readEvents(b).slice(4));
    mergeDatabase(b, a, { now: AT });
    expect(readEvents(b)).toHaveLength(8);
    // Merged again, or merged into a third copy holding both: nothing new.
    expect(mergeDatabase(b, a, { now: AT }).added).toBe(0);
    const c = fork(b, 'run-c', []);
    expect(mergeDatabase(c, a, { now: AT }).added).toBe(0);
    expect(mergeDatabase(c, b, { now: AT }).added).toBe(0);
    expect(readEvents(c)).toHaveLength(8);
  });

  it('follows events through chains of merges, whatever ids they got on the way', () => {
    const root = base(3, 3);
    const a = fork(root, 'a', makeEvents(2, { seed: 2 }));
    const b = fork(root, 'b', makeEvents(2, { seed: 3 }));
    const c = fork(root, 'c', makeEvents(2, { seed: 4 }));
    mergeDatabase(a, b, { now: AT }); // a: 3 + 2 + b's 2
    mergeDatabase(c, b, { now: AT }); // c: 3 + 2 + b's 2, b's at other ids than in a
    const d = fork(a, 'd', makeEvents(1, { seed: 5 }));
    expect(mergeDatabase(d, c, { now: AT })).toMatchObject({ added: 2, alreadyHeld: 5 });
    expect(readEvents(d)).toHaveLength(10);
    expect(mergeDatabase(d, a, { now: AT }).added).toBe(0);
  });

  it('identifies rows no copy stamped by content, counting identical ones (multiset)', () => {
    const root = tmpDbPath('legacy-');
    createTokfDb(root, 'legacy');
    insertEvents(root, [...same(2), ...makeEvents(3)]);
    const a = copyOf(root);
    const b = copyOf(root);
    insertEvents(a, same(1)); // a holds three of them
    insertEvents(b, makeEvents(1, { seed: 8 }));
    mergeDatabase(b, a, { now: AT });
    const rows = readEvents(b);
    expect(rows).toHaveLength(7);
    expect(rows.filter((r) => r.timestamp === '2026-03-05T10:00:00Z')).toHaveLength(3);
    expect(mergeDatabase(a, b, { now: AT }).added).toBe(1);
    expect(readEvents(a)).toHaveLength(7);
  });

  it('keeps set-aside events set aside, unless a copy delivered them', () => {
    const root = base(6, 0);
    const a = fork(root, 'a', []);
    const b = fork(root, 'b', makeEvents(2, { seed: 6 }));
    setAside(a, [2, 3]);
    setAside(b, [4]);
    deliver(b, 3, 3); // b sent 3 again (--retry-rejected) and it was taken
    const outcome = mergeDatabase(b, a, { now: AT });
    expect(outcome.setAside).toBe(1);
    const ids = withDb(b, (db) => [...new DeadLetters(db).ids()].sort());
    expect(ids).toEqual([2, 4]);
  });

  it('gives each cumulative series the state of the copy that acknowledged it last', () => {
    const root = base(2, 2);
    const a = fork(root, 'a', []);
    const b = fork(root, 'b', []);
    const save = (path: string, entries: [string, number, number][]) =>
      withDb(path, (db) => {
        const s = new SeriesStore(db);
        s.prepareForWriting();
        s.save(
          new Map(
            entries.map(([key, lastSeconds, sum]) => [
              key,
              { startSeconds: 100, lastSeconds, sum, histogram: undefined },
            ]),
          ),
        );
      });
    save(a, [
      ['s1', 500, 9],
      ['s2', 300, 4],
      ['s4', 200, 1],
    ]);
    save(b, [
      ['s1', 400, 12],
      ['s2', 300, 5],
      ['s3', 250, 2],
    ]);
    expect(mergeDatabase(b, a, { now: AT }).seriesTaken).toBe(2);
    const series = withDb(b, (db) => new SeriesStore(db).load());
    expect(Object.fromEntries([...series].map(([k, v]) => [k, [v.lastSeconds, v.sum]]))).toEqual({
      s1: [500, 9],
      s2: [300, 5],
      s3: [250, 2],
      s4: [200, 1],
    });
  });

  it('merges into a database that keeps progress in synced_to_otel_at', () => {
    const root = tmpDbPath('synced-');
    createTokfDb(root, 'with-synced-column');
    insertEvents(root, makeEvents(4));
    const a = fork(root, 'a', makeEvents(2, { seed: 3 }));
    const b = fork(root, 'b', []);
    withDb(a, (db) => db.exec("UPDATE events SET synced_to_otel_at = '2026-03-05T00:00:00Z'"));
    expect(mergeDatabase(b, a, { now: AT })).toMatchObject({ added: 2, nowDelivered: 4 });
    expect(readEvents(b).every((r) => r.synced_to_otel_at != null)).toBe(true);
    expect(countPendingUpTo(b)).toBe(0);
  });

  it('reports which of the source’s pending events are still pending', () => {
    const root = base(5, 2);
    const a = fork(root, 'a', makeEvents(2, { seed: 4 }));
    const b = fork(root, 'b', []);
    deliver(b, 3, 3);
    // a: 3, 4, 5 and its two pending; b delivered 3.
    expect(mergeDatabase(b, a, { now: AT }).pendingFromSource).toBe(4);
    expect(countPendingUpTo(b)).toBe(4);
    expect(countPendingUpTo(b, 5)).toBe(2);
  });

  it('counts an event delivered as metrics but not as logs as a leftover of a run that sends both', () => {
    const root = base(5, 5);
    const a = fork(root, 'a', makeEvents(2, { seed: 5 }));
    const b = fork(root, 'b', []);
    // a sent all 7 as metrics and its first 3 as logs; b sent nothing as logs.
    deliver(a, 6, 7);
    deliver(a, 1, 3, 'logs');
    expect(mergeDatabase(b, a, { now: AT }).pendingFromSource).toBe(0);
    const c = fork(root, 'c', []);
    expect(mergeDatabase(c, a, { now: AT, signals: ['metrics', 'logs'] }).pendingFromSource).toBe(
      4,
    );
    expect(countPendingUpTo(c)).toBe(0);
    expect(countPendingUpTo(c, undefined, ['metrics', 'logs'])).toBe(4);
    expect(countPendingUpTo(c, undefined, ['logs', 'traces'])).toBe(7);
  });
});
