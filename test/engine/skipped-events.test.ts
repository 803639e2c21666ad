/**
 * The events `builtins: skip` leaves out, recorded as done in batches on a real tokf database with
 * its real progress store (see src/engine/skipped-events.ts).
 */
import { DatabaseSync } from 'node:sqlite';
import { Notices } from '../../src/engine/notices.js';
import { SkippedEvents } from '../../src/engine/skipped-events.js';
import { tokfEvent } from '../helpers/events.js';
import { recordingDb } from '../helpers/progress-db.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

const NOW = Date.parse('2026-03-05T12:00:00Z');
const AT = '2026-03-05T10:00:00Z';

const setUp = (n: number) => recordingDb(n, NOW);

describe('SkippedEvents', () => {
  it('records nothing until asked, then every skipped event as done', async () => {
    const { db, store, recorder } = await setUp(10);
    const skipped = new SkippedEvents(recorder, new Notices());
    for (const id of [2, 3, 7]) skipped.skip(tokfEvent(id, AT));
    expect(store.delivered()).toEqual([]);
    skipped.record();
    expect(store.delivered()).toEqual([
      { first: 2, last: 3 },
      { first: 7, last: 7 },
    ]);
    db.close();
  });

  it('writes every 2000 on its own, so a long run of skipped events is not held in memory', async () => {
    const { db, store, recorder } = await setUp(2001);
    const skipped = new SkippedEvents(recorder, new Notices());
    for (let id = 1; id <= 2001; id++) skipped.skip(tokfEvent(id, AT));
    expect(store.delivered()).toEqual([{ first: 1, last: 2000 }]);
    skipped.record();
    expect(store.delivered()).toEqual([{ first: 1, last: 2001 }]);
    db.close();
  });

  it('records nothing where the run does not record (dry run, file export)', () => {
    const notices = new Notices();
    const skipped = new SkippedEvents(undefined, notices);
    skipped.skip(tokfEvent(1, AT));
    skipped.record();
    expect(notices.errors).toEqual([]);
  });

  it('says a failed write as skip-failed, with the count and first id; the events stay pending', async () => {
    const { db, store, recorder } = await setUp(5);
    const notices = new Notices();
    const skipped = new SkippedEvents(recorder, notices);
    skipped.skip(tokfEvent(4, AT));
    skipped.skip(tokfEvent(5, AT));
    // Another connection holds the write lock: the recorder's transaction cannot begin.
    const other = new DatabaseSync(db.location()!);
    other.exec('PRAGMA busy_timeout = 0');
    db.exec('PRAGMA busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    try {
      skipped.record();
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(notices.errors).toEqual([
      expect.objectContaining({ kind: 'skip-failed', count: 2, firstId: 4 }),
    ]);
    expect(store.delivered()).toEqual([]);
    db.close();
  });
});
