/**
 * A sync whose lock is taken over while it runs (by a sync that misjudged it dead, or by hand)
 * stops: it sends nothing more, records nothing more, leaves the run log to the other, and
 * exits 1 saying why.
 */
import { DatabaseSync } from 'node:sqlite';
import { LOCK_TABLE } from '../../src/progress/sync-lock.js';
import { RUNS_TABLE } from '../../src/progress/run-log.js';
import { flattenPoints, startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';
import { deliveriesByCommand, distinctEventsDb, syncTo } from '../faults/fault-kit.js';
import { describeNotice } from '../../src/report/notices.js';

afterAll(removeTmpDirs);

describe('a sync whose lock is taken over', () => {
  it('records nothing after the takeover and exits 1 with lock-lost', async () => {
    const db = distinctEventsDb(100);
    const other = new DatabaseSync(db);
    let seen = 0;
    const receiver = await startOtlpReceiver({
      respond: () => {
        seen++;
        // While the second request is in flight, another sync takes the lock.
        if (seen === 2)
          other.prepare(`UPDATE ${LOCK_TABLE} SET owner = 'other', pid = 777, host = 'h2'`).run();
        return {};
      },
    });
    try {
      const r = await syncTo(receiver.url, db, { batchSize: '10' });
      expect(r.exitCode).toBe(1);
      // Only the first request's events are recorded (a batch ends on a whole second: 12).
      const first = deliveriesByCommand(flattenPoints(receiver.requests[0]!.decoded!)).size;
      expect(r.delivered).toBe(first);
      expect(r.pending).toBe(100 - first);
      const lost = r.errors.find((e) => e.kind === 'lock-lost');
      // Of the events the run had selected (read ahead), those it leaves pending.
      expect(lost).toMatchObject({ count: r.selected - first });
      expect(describeNotice(lost!)).toMatch(
        /this run lost its sync lock: another telemetry-sync \(pid 777 on h2, since .*\) took over this run's sync lock; it stopped and recorded nothing after that/,
      );
      // The second request was answered but not recorded; nothing after it was sent.
      expect(receiver.requests).toHaveLength(2);
      expect(deliveriesByCommand(receiver.acceptedPoints()).size).toBe(2 * first);
      // The run log and the lock are the other sync's.
      const exists = other.prepare('SELECT 1 FROM sqlite_schema WHERE name = ?').get(RUNS_TABLE);
      if (exists !== undefined)
        expect(other.prepare(`SELECT count(*) AS n FROM ${RUNS_TABLE}`).get()?.n).toBe(0);
      expect(other.prepare(`SELECT owner FROM ${LOCK_TABLE}`).get()?.owner).toBe('other');
    } finally {
      other.close();
      await receiver.close();
    }
  });
});
