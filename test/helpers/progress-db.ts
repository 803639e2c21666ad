import { DatabaseSync } from 'node:sqlite';
import { DeadLetters, rejectedTable } from '../../src/progress/dead-letters.js';
import { RangesProgressStore, rangesTable } from '../../src/progress/ranges-store.js';
import { ProgressRecorder } from '../../src/progress/recorder.js';
import { SyncLock } from '../../src/progress/sync-lock.js';
import { createTokfDb, insertEvents, makeEvents, tmpDbPath } from './tokf-db.js';

// A tokf database with progress recorded as the engine records it, for the progress modules' tests.

export const AT = new Date('2026-03-06T00:00:00Z');

export function withDb<T>(path: string, work: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(path);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** Records events first..last as acknowledged as `signal`. */
export function deliver(path: string, first: number, last: number, signal = 'metrics'): void {
  withDb(path, (db) => {
    const store = new RangesProgressStore(db, rangesTable(signal));
    store.prepareForWriting();
    store.markDelivered([{ first, last }], AT);
  });
}

/** Sets the events aside as `signal` (rejected with `reason`). */
export function setAside(
  path: string,
  ids: number[],
  reason = 'HTTP 400: bad',
  signal = 'metrics',
): void {
  withDb(path, (db) => {
    const dead = new DeadLetters(db, rejectedTable(signal));
    dead.prepareForWriting();
    dead.record(ids, { reason, status: 400 }, AT);
  });
}

/** A fresh tokf database of `n` events, the first `deliveredUpTo` delivered as metrics. */
export function base(n = 10, deliveredUpTo = 6): string {
  const path = tmpDbPath('base-');
  createTokfDb(path, 'fresh');
  insertEvents(path, makeEvents(n, { start: '2026-03-05T08:00:00Z' }));
  if (deliveredUpTo > 0) deliver(path, 1, deliveredUpTo);
  return path;
}

/**
 * A tokf database of `n` events ready to record into, as a sending run leaves it: its ranges store
 * and dead letters prepared, the lock held, and a recorder on them whose clock `advance` moves.
 */
export async function recordingDb(n: number, now: number) {
  const path = tmpDbPath();
  createTokfDb(path);
  insertEvents(path, makeEvents(n));
  const db = new DatabaseSync(path);
  const store = new RangesProgressStore(db);
  const dead = new DeadLetters(db);
  const lock = new SyncLock(db);
  store.prepareForWriting();
  dead.prepareForWriting();
  await lock.acquire({ waitMs: 0, now: () => now, sleep: async () => {} });
  let clock = now;
  const recorder = new ProgressRecorder(db, store, dead, lock, () => clock);
  return { db, store, dead, recorder, advance: (ms: number) => (clock += ms) };
}
