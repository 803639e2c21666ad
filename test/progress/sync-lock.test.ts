/**
 * The sync lock: a live holder keeps it however long it records nothing; a holder that is gone,
 * or whose pid another process now has, loses it at once; a holder whose lock was taken records
 * nothing more and says so.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { DatabaseSync } from 'node:sqlite';
import { LockLostError } from '../../src/errors.js';
import { processStart } from '../../src/progress/process-start.js';
import { DeadLetters } from '../../src/progress/dead-letters.js';
import { RangesProgressStore } from '../../src/progress/ranges-store.js';
import { ProgressRecorder } from '../../src/progress/recorder.js';
import {
  LOCK_TABLE,
  readLockHolder,
  SyncBusyError,
  SyncLock,
} from '../../src/progress/sync-lock.js';
import { tokfEvent } from '../helpers/events.js';
import { waitFor } from '../helpers/wait-for.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

const T0 = Date.parse('2026-03-05T12:00:00Z');
const noSleep = async () => {};

function database(): DatabaseSync {
  const path = tmpDbPath('lock-');
  createTokfDb(path);
  insertEvents(path, makeEvents(10));
  return new DatabaseSync(path);
}

/** A pid no process has: one that ran and was reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

const row = (db: DatabaseSync) => db.prepare(`SELECT * FROM ${LOCK_TABLE}`).get()!;

describe('SyncLock', () => {
  const locks: SyncLock[] = [];
  const lock = (db: DatabaseSync, timing?: { heartbeatMs: number; staleAfterMs: number }) => {
    const l = new SyncLock(db, timing);
    locks.push(l);
    return l;
  };
  afterEach(() => {
    for (const l of locks.splice(0)) l.release();
  });

  it('a live holder silent far past the stale age keeps the lock (its process decides, not its age)', async () => {
    const db = database();
    let now = T0;
    await lock(db).acquire({ waitMs: 0, now: () => now, sleep: noSleep });
    // A request retrying through a long outage records nothing; its process lives on.
    now += 125_000;
    const second = lock(db).acquire({ waitMs: 0, now: () => now, sleep: noSleep });
    await expect(second).rejects.toThrow(SyncBusyError);
    now += 3_600_000;
    await expect(lock(db).acquire({ waitMs: 0, now: () => now, sleep: noSleep })).rejects.toThrow(
      /another telemetry-sync \(pid \d+ on .*\) is syncing this database/,
    );
    expect(readLockHolder(db, now)).toMatchObject({ pid: process.pid, alive: true });
  });

  it('records the process start (Linux: boot and /proc/<pid>/stat field 22) with the pid', async () => {
    const db = database();
    await lock(db).acquire({ waitMs: 0, now: () => T0, sleep: noSleep });
    const r = row(db);
    expect(r.pid).toBe(process.pid);
    const own = processStart(process.pid);
    if (process.platform === 'linux') {
      expect(own.kind).toBe('started');
      expect(r.started).toBe(own.kind === 'started' ? own.at : undefined);
      expect(String(r.started)).toMatch(/^[0-9a-f-]+:\d+$/);
    }
  });

  it('a reused pid is not the holder: taken over at once, however fresh the heartbeat', async () => {
    const db = database();
    await lock(db).acquire({ waitMs: 0, now: () => T0, sleep: noSleep });
    // The row says our pid, but a process that started at another time held it.
    db.prepare(`UPDATE ${LOCK_TABLE} SET owner = 'gone', started = ?`).run('other-boot:1');
    if (process.platform !== 'linux') return; // only the age rule can tell elsewhere
    expect(readLockHolder(db, T0)?.alive).toBe(false);
    await lock(db).acquire({ waitMs: 0, now: () => T0 + 1000, sleep: noSleep });
    expect(row(db).acquired_at).toBe('2026-03-05T12:00:01Z');
  });

  it('a holder whose process is gone is taken over at once', async () => {
    const db = database();
    await lock(db).acquire({ waitMs: 0, now: () => T0, sleep: noSleep });
    db.prepare(`UPDATE ${LOCK_TABLE} SET owner = 'gone', pid = ?`).run(deadPid());
    await lock(db).acquire({ waitMs: 0, now: () => T0 + 1000, sleep: noSleep });
    expect(row(db).pid).toBe(process.pid);
  });

  it('a holder on another host: alive while it beats, taken over once silent past the stale age', async () => {
    const db = database();
    await lock(db).acquire({ waitMs: 0, now: () => T0, sleep: noSleep });
    db.prepare(`UPDATE ${LOCK_TABLE} SET owner = 'far', host = 'elsewhere'`).run();
    await expect(
      lock(db).acquire({ waitMs: 0, now: () => T0 + 120_000, sleep: noSleep }),
    ).rejects.toThrow(/pid \d+ on elsewhere/);
    await lock(db).acquire({ waitMs: 0, now: () => T0 + 120_001, sleep: noSleep });
    expect(row(db).host).toBe(hostname());
  });

  it('a lock table of an earlier version (no start column) gets it and is taken as before', async () => {
    const db = database();
    db.exec(`CREATE TABLE ${LOCK_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL,
      host TEXT NOT NULL, pid INTEGER NOT NULL, acquired_at TEXT NOT NULL, heartbeat_ms INTEGER NOT NULL)`);
    db.prepare(`INSERT INTO ${LOCK_TABLE} VALUES (1, 'old', ?, ?, '2026-03-05T11:59:00Z', ?)`).run(
      hostname(),
      process.pid,
      T0 - 60_000,
    );
    // Our pid, but no start time recorded: the heartbeat's age decides.
    await expect(lock(db).acquire({ waitMs: 0, now: () => T0, sleep: noSleep })).rejects.toThrow(
      SyncBusyError,
    );
    await lock(db).acquire({ waitMs: 0, now: () => T0 + 61_000, sleep: noSleep });
    expect(row(db).started).not.toBeUndefined();
  });

  it('beats on a timer of its own, with nothing recorded', async () => {
    const db = database();
    let now = T0;
    await lock(db, { heartbeatMs: 10, staleAfterMs: 1000 }).acquire({
      waitMs: 0,
      now: () => now,
      sleep: noSleep,
    });
    now = T0 + 5000;
    // Nothing but the lock's own timer writes the row from here on.
    await waitFor(() => Number(row(db).heartbeat_ms) === T0 + 5000, {
      what: 'the heartbeat timer to write the new time',
      seen: () => JSON.stringify(row(db)),
    });
    expect(Number(row(db).heartbeat_ms)).toBe(T0 + 5000);
  });

  it('taken over: the timer finds out and tells the run; refresh throws and records nothing', async () => {
    const db = database();
    const store = new RangesProgressStore(db);
    const dead = new DeadLetters(db);
    store.prepareForWriting();
    dead.prepareForWriting();
    const held = lock(db, { heartbeatMs: 10, staleAfterMs: 1000 });
    await held.acquire({ waitMs: 0, now: () => T0, sleep: noSleep });
    const lost: string[] = [];
    held.onLost((reason) => lost.push(reason));
    db.prepare(`UPDATE ${LOCK_TABLE} SET owner = 'thief', pid = 4242, host = 'h2'`).run();
    await waitFor(() => lost.length > 0, { what: 'the heartbeat timer to notice the takeover' });
    expect(lost).toEqual([
      expect.stringMatching(/another telemetry-sync \(pid 4242 on h2, since .*\) took over/),
    ]);
    expect(held.lostSignal.aborted).toBe(true);
    const recorder = new ProgressRecorder(db, store, dead, held, () => T0);
    expect(() => recorder.acknowledged([tokfEvent(1, '2026-03-05T10:00:00Z')])).toThrow(
      LockLostError,
    );
    expect(store.delivered()).toEqual([]);
    // The other's row stays: releasing a lost lock removes nothing.
    held.release();
    expect(row(db).owner).toBe('thief');
  });

  it('refresh notices a row that is gone even before the timer does: nothing is recorded', async () => {
    const db = database();
    const store = new RangesProgressStore(db);
    const dead = new DeadLetters(db);
    store.prepareForWriting();
    dead.prepareForWriting();
    const held = lock(db);
    await held.acquire({ waitMs: 0, now: () => T0, sleep: noSleep });
    db.prepare(`DELETE FROM ${LOCK_TABLE}`).run();
    const recorder = new ProgressRecorder(db, store, dead, held, () => T0);
    expect(() => recorder.setAside([2], { reason: 'HTTP 400', status: 400 })).toThrow(
      /sync lock was removed/,
    );
    expect([...dead.ids()]).toEqual([]);
    expect(held.lost).toMatch(/removed/);
  });
});

describe('processStart', () => {
  it('this process is running; a reaped pid is gone', () => {
    expect(processStart(process.pid).kind).not.toBe('gone');
    expect(processStart(deadPid()).kind).toBe('gone');
    expect(processStart(0).kind).toBe('gone');
  });
});
