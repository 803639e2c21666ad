/**
 * telemetry-sync status on real tokf databases in every progress mode: it agrees with what the
 * syncs did, and reads without writing (the database is opened read-only, where a write throws).
 */
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { DatabaseSync } from 'node:sqlite';
import { readStatus } from '../../src/engine/index.js';
import { DatabaseError } from '../../src/errors.js';
import { LOCK_TABLE, SyncLock } from '../../src/progress/sync-lock.js';
import { RUNS_TABLE } from '../../src/progress/run-log.js';
import { fileHash } from '../helpers/run-cli.js';
import { syncTo } from '../helpers/sync-engine.js';
import { flattenPoints, otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  removeTmpDirs,
  tmpDbPath,
  type TokfLayout,
} from '../helpers/tokf-db.js';

const receiver = otlpReceiverForEachTest();
afterAll(removeTmpDirs);

function dbWith(n: number, layout: TokfLayout = 'fresh'): string {
  const path = tmpDbPath('status-');
  createTokfDb(path, layout);
  // Distinct commands, so that an endpoint can refuse one event by its command.
  insertEvents(
    path,
    makeEvents(n).map((e, i) => ({ ...e, command: `cmd-${i + 1}` })),
  );
  return path;
}

/** tokf's timestamp of event `id` as status gives it (ISO 8601, Z). */
function timeOf(db: string, id: number): string {
  const row = readEvents(db).find((e) => e.id === id)!;
  return new Date(Date.parse(row.timestamp.replace(' ', 'T'))).toISOString().replace('.000Z', 'Z');
}

describe('readStatus', () => {
  it('a database no sync has touched: everything pending, nothing recorded', () => {
    const db = dbWith(30);
    const s = readStatus(db, Date.now());
    expect(s).toMatchObject({
      database: db,
      progress: 'none',
      events: 30,
      delivered: 0,
      pending: { count: 30, firstId: 1, lastId: 30 },
      setAside: {
        count: 0,
        tooOld: 0,
        tooOldNotInFile: 0,
        refused: 0,
        unreadable: 0,
        byReason: [],
      },
      lastSync: null,
      lastDeliveredAt: null,
      lock: null,
    });
    expect(s.pending.firstEventTime).toBe(timeOf(db, 1));
    expect(s.pending.lastEventTime).toBe(timeOf(db, 30));
  });

  it('an empty database', () => {
    const db = tmpDbPath('status-');
    createTokfDb(db, 'fresh');
    expect(readStatus(db, Date.now())).toMatchObject({
      events: 0,
      delivered: 0,
      pending: { count: 0, firstId: null, firstEventTime: null, lastId: null },
    });
  });

  it('ranges: the delivered ranges and the gaps they leave, and the last sync as recorded', async () => {
    const db = dbWith(60);
    const first = await syncTo(receiver.url, db, { limit: '10' });
    expect(first.delivered).toBe(10);
    // A later run from event 40's time on leaves 11..39 pending between two delivered ranges.
    const since = timeOf(db, 40);
    const second = await syncTo(receiver.url, db, { since });
    const s = readStatus(db, Date.now());
    expect(s.progress).toBe('ranges');
    const sentBySince = second.delivered;
    expect(s.delivered).toBe(10 + sentBySince);
    expect(s.pending.count).toBe(second.pending);
    expect(s.pending.count).toBe(60 - 10 - sentBySince);
    expect(s.pending.firstId).toBe(11);
    expect(s.pending.firstEventTime).toBe(timeOf(db, 11));
    expect(s.pending.lastId).toBeLessThan(40);
    expect(s.lastSync).toMatchObject({
      status: 'delivered',
      endpoint: `${receiver.url}/v1/metrics`,
      selected: sentBySince,
      delivered: sentBySince,
      setAside: 0,
      pending: second.pending,
    });
    expect(Date.parse(s.lastSync!.finishedAt)).toBeGreaterThanOrEqual(
      Date.parse(s.lastSync!.startedAt),
    );
  });

  it("tokf's synced_to_otel_at column: counted from the column, also when another tool wrote it", async () => {
    const db = dbWith(40, 'with-synced-column');
    // Marked by something other than us (tokf itself, as proposed): no run recorded.
    const raw = new DatabaseSync(db);
    raw.exec("UPDATE events SET synced_to_otel_at = '2026-03-04T05:06:07Z' WHERE id <= 5");
    raw.close();
    let s = readStatus(db, Date.now());
    expect(s).toMatchObject({
      progress: 'column',
      delivered: 5,
      pending: { count: 35, firstId: 6, lastId: 40 },
      lastSync: null,
      lastDeliveredAt: '2026-03-04T05:06:07Z',
    });
    const run = await syncTo(receiver.url, db, { limit: '20' });
    s = readStatus(db, Date.now());
    expect(s.delivered).toBe(25);
    expect(s.pending).toMatchObject({ count: run.pending, firstId: 26, lastId: 40 });
    expect(s.lastSync).toMatchObject({ delivered: 20, selected: 20 });
    expect(s.lastDeliveredAt).toBeNull(); // the run log says it
  });

  it.each<TokfLayout>(['fresh', 'with-synced-column'])(
    'set aside (%s): too old and refused by reason, not pending, not the first pending event',
    async (layout) => {
      const db = dbWith(30, layout);
      // The endpoint refuses event 1's points for good; the rest are delivered.
      await receiver.reopen({
        respond: (req) =>
          req.decoded !== undefined &&
          flattenPoints(req.decoded).some((p) => p.attributes['tokf.command'] === 'cmd-1')
            ? { status: 400, errorMessage: 'bad point' }
            : { status: 200 },
      });
      const refused = await syncTo(receiver.url, db, { limit: '5' });
      expect(refused.refusedEvents).toBeGreaterThan(0);
      // Then the next 10, older than max-age, are set aside as too old (kept in the file); 5 new
      // events stay pending.
      insertEvents(db, makeEvents(5, { start: new Date(Date.now() - 3600_000).toISOString() }));
      const aged = await syncTo(receiver.url, db, {
        limit: '10',
        maxAge: '2h',
        otlpJsonOut: dirname(db),
      });
      expect(aged.tooOld).toBe(10);
      const s = readStatus(db, Date.now());
      expect(s.setAside.count).toBe(aged.setAside);
      expect(s.setAside.refused).toBe(refused.refusedEvents);
      expect(s.setAside.tooOld).toBe(10);
      expect(s.setAside.count).toBe(s.setAside.refused + s.setAside.tooOld);
      expect(s.pending.count).toBe(aged.pending);
      expect(s.delivered + s.pending.count + s.setAside.count).toBe(35);
      const kinds = s.setAside.byReason.map((g) => g.kind).sort();
      expect(kinds).toEqual(['refused', 'too-old']);
      const refusal = s.setAside.byReason.find((g) => g.kind === 'refused')!;
      expect(refusal.status).toBe(400);
      expect(refusal.reason).toMatch(/bad point/);
      // The first pending event is after the set-aside ones, never one of them.
      const setAsideIds = rejectedIds(db);
      expect(setAsideIds).not.toContain(s.pending.firstId);
      expect(s.pending.firstId).toBeGreaterThan(Math.max(...setAsideIds.filter((id) => id <= 15)));
    },
  );

  it('a held lock: who holds it, and whether it is alive or left behind', async () => {
    const db = dbWith(5);
    const writable = new DatabaseSync(db);
    const lock = new SyncLock(writable);
    await lock.acquire({ waitMs: 0, now: Date.now, sleep: async () => {} });
    let s = readStatus(db, Date.now());
    expect(s.lock).toMatchObject({ host: hostname(), pid: process.pid, alive: true });
    // A sync that died: its pid is gone.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    writable.prepare(`UPDATE ${LOCK_TABLE} SET pid = ?`).run(gone);
    s = readStatus(db, Date.now());
    expect(s.lock).toMatchObject({ pid: gone, alive: false });
    writable.prepare(`DELETE FROM ${LOCK_TABLE}`).run();
    writable.close();
    expect(readStatus(db, Date.now()).lock).toBeNull();
  });

  it('reads a read-only file in a read-only directory and leaves it as it was', async () => {
    const db = dbWith(20);
    await syncTo(receiver.url, db, { limit: '7' });
    const before = fileHash(db);
    const files = readdirSync(dirname(db)).sort();
    chmodSync(db, 0o444);
    chmodSync(dirname(db), 0o555);
    try {
      // Opened read-only: SQLite would refuse any write, so this succeeding shows none is made
      // (the tests may run as root, for whom the permission bits alone refuse nothing).
      const s = readStatus(db, Date.now());
      expect(s).toMatchObject({ delivered: 7, pending: { count: 13 } });
    } finally {
      chmodSync(dirname(db), 0o755);
      chmodSync(db, 0o644);
    }
    expect(fileHash(db)).toBe(before);
    expect(readdirSync(dirname(db)).sort()).toEqual(files);
  });

  it('keeps the run log short: the newest runs only', async () => {
    const db = dbWith(30);
    for (let i = 0; i < 25; i++) await syncTo(receiver.url, db, { limit: '1' });
    const raw = new DatabaseSync(db, { readOnly: true });
    const rows = Number(raw.prepare(`SELECT count(*) AS n FROM ${RUNS_TABLE}`).get()!.n);
    raw.close();
    expect(rows).toBe(20);
    expect(readStatus(db, Date.now()).lastSync).toMatchObject({ delivered: 1, pending: 5 });
  });

  it('dry runs and file exports leave no run behind', async () => {
    const db = dbWith(10);
    await syncTo(receiver.url, db, { dryRun: true });
    await syncTo(undefined, db, { otlpJsonOut: dirname(db) });
    expect(readStatus(db, Date.now()).lastSync).toBeNull();
  });

  it('says what is wrong with a database it cannot read', () => {
    expect(() => readStatus('/no/such/tracking.db', Date.now())).toThrow(DatabaseError);
    expect(existsSync('/no/such/tracking.db')).toBe(false);
  });
});

function rejectedIds(db: string): number[] {
  const raw = new DatabaseSync(db, { readOnly: true });
  try {
    return raw
      .prepare('SELECT event_id AS id FROM telemetry_sync_rejected')
      .all()
      .map((r) => Number(r.id));
  } finally {
    raw.close();
  }
}
