import { DatabaseSync } from 'node:sqlite';
import type { Signal } from '../../src/config/vocabulary.js';
import { deliveredAs, pendingAs, pendingAsAny } from '../../src/progress/progress-conditions.js';
import { AT, deliver, setAside, withDb } from '../helpers/progress-db.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

/** The ids of events 1..6 that an SQL condition on `e.id` holds for. */
function idsWhere(path: string, condition: (db: DatabaseSync) => string): number[] {
  return withDb(path, (db) =>
    db
      .prepare(`SELECT e.id AS id FROM events e WHERE ${condition(db)} ORDER BY e.id`)
      .all()
      .map((r) => Number(r.id)),
  );
}

function database(layout: 'fresh' | 'with-synced-column'): string {
  const path = tmpDbPath('conditions-');
  createTokfDb(path, layout);
  insertEvents(path, makeEvents(6));
  return path;
}

describe('the SQL conditions on an event’s progress', () => {
  it('finds each signal’s acknowledgements in its own ranges, and none where no table is yet', () => {
    const path = database('fresh');
    expect(idsWhere(path, (db) => deliveredAs(db, 'main', 'metrics', false, 'e.id'))).toEqual([]);
    deliver(path, 1, 2);
    deliver(path, 4, 5, 'logs');
    const delivered = (signal: Signal) =>
      idsWhere(path, (db) => deliveredAs(db, 'main', signal, false, 'e.id'));
    expect([delivered('metrics'), delivered('logs'), delivered('traces')]).toEqual([
      [1, 2],
      [4, 5],
      [],
    ]);
  });

  it('reads metrics from synced_to_otel_at where the database has it, other signals from ranges', () => {
    const path = database('with-synced-column');
    withDb(path, (db) =>
      db.exec(`UPDATE events SET synced_to_otel_at = '${AT.toISOString()}' WHERE id = 3`),
    );
    deliver(path, 1, 1);
    deliver(path, 6, 6, 'traces');
    expect(idsWhere(path, (db) => deliveredAs(db, 'main', 'metrics', true, 'e.id'))).toEqual([3]);
    expect(idsWhere(path, (db) => deliveredAs(db, 'main', 'traces', true, 'e.id'))).toEqual([6]);
  });

  it('counts an event pending as a signal until it is delivered or set aside as that signal', () => {
    const path = database('fresh');
    deliver(path, 1, 2);
    setAside(path, [3]);
    deliver(path, 1, 4, 'logs');
    setAside(path, [6], 'HTTP 400: bad', 'logs');
    expect(idsWhere(path, (db) => pendingAs(db, 'main', 'metrics', false, 'e.id'))).toEqual([
      4, 5, 6,
    ]);
    expect(idsWhere(path, (db) => pendingAs(db, 'main', 'logs', false, 'e.id'))).toEqual([5]);
    expect(
      idsWhere(path, (db) => pendingAsAny(db, 'main', ['metrics', 'logs'], false, 'e.id')),
    ).toEqual([4, 5, 6]);
    expect(
      idsWhere(path, (db) => pendingAsAny(db, 'main', ['logs', 'traces'], false, 'e.id')),
    ).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
