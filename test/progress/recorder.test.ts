import { DatabaseSync } from 'node:sqlite';
import { REJECTED_TABLE } from '../../src/progress/dead-letters.js';
import { RANGES_TABLE } from '../../src/progress/ranges-store.js';
import { LOCK_TABLE } from '../../src/progress/sync-lock.js';
import { tokfEvent } from '../helpers/events.js';
import { recordingDb } from '../helpers/progress-db.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

const NOW = Date.parse('2026-03-05T12:00:00Z');

const setUp = (n = 10) => recordingDb(n, NOW);

const heartbeat = (db: DatabaseSync) =>
  Number(db.prepare(`SELECT heartbeat_ms AS h FROM ${LOCK_TABLE}`).get()?.h);

describe('ProgressRecorder', () => {
  it('records acknowledged events as ranges across deleted ids, and refreshes the lock', async () => {
    const { db, store, recorder, advance } = await setUp();
    advance(5000);
    // 1..3, then 5 and 6 where the scan covered the deleted id 4 from event 5.
    recorder.acknowledged([
      tokfEvent(1, '2026-03-05T10:00:00Z'),
      tokfEvent(2, '2026-03-05T10:00:00Z'),
      tokfEvent(3, '2026-03-05T10:00:00Z'),
      tokfEvent(5, '2026-03-05T10:00:00Z', { coverFrom: 4 }),
      tokfEvent(6, '2026-03-05T10:00:00Z'),
    ]);
    expect(store.delivered()).toEqual([{ first: 1, last: 6 }]);
    expect(heartbeat(db)).toBe(NOW + 5000);
    expect(db.prepare(`SELECT count(*) AS n FROM ${RANGES_TABLE}`).get()?.n).toBe(1);
    expect(recorder.recordMs).toBeGreaterThan(0);
  });

  it('sets events aside with the reason, and forgets them once they are delivered', async () => {
    const { db, dead, recorder } = await setUp();
    recorder.setAside([4, 7], { reason: 'HTTP 400: bad point', status: 400 });
    expect([...dead.ids()]).toEqual([4, 7]);
    const rows = db.prepare(`SELECT event_id, reason, status FROM ${REJECTED_TABLE}`).all();
    expect(rows).toEqual([
      { event_id: 4, reason: 'HTTP 400: bad point', status: 400 },
      { event_id: 7, reason: 'HTTP 400: bad point', status: 400 },
    ]);
    recorder.acknowledged([tokfEvent(4, '2026-03-05T10:00:00Z')]);
    expect([...dead.ids()]).toEqual([7]);
  });

  it('writes nothing when the database refuses the transaction, and says so', async () => {
    const { db, store, recorder } = await setUp();
    const other = new DatabaseSync(db.location() as string);
    other.exec('PRAGMA busy_timeout = 0');
    db.exec('PRAGMA busy_timeout = 0');
    other.exec('BEGIN EXCLUSIVE');
    try {
      expect(() => recorder.acknowledged([tokfEvent(1, '2026-03-05T10:00:00Z')])).toThrow(
        /cannot record delivered events: database is locked/,
      );
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(store.delivered()).toEqual([]);
  });
});
