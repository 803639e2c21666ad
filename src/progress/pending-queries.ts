import { openDatabase } from '../source/database.js';
import { readEventsSchema } from '../source/events-schema.js';
import { rangesOfIds } from '../source/id-ranges.js';
import { pendingAs, pendingAsAny, type PendingSignals } from './progress-conditions.js';
import { progressStoreFor } from './signal-store.js';
import { count } from './sql.js';
import { inWriteTransaction } from './transaction.js';

// What a copy of the database still owes, asked of the copy alone: the action asks it of a restored
// cache before and after merging (action/gather.ts); the merge itself is merge.ts's.

/**
 * Events pending as any of `signals` (metrics by default), among ids up to `lastId` (all when
 * omitted): what the copy's runs left for later ones.
 */
export function countPendingUpTo(
  path: string,
  lastId = Number.MAX_SAFE_INTEGER,
  signals: PendingSignals = ['metrics'],
): number {
  const db = openDatabase(path, true);
  try {
    const schema = readEventsSchema(db, path);
    return count(
      db,
      `SELECT count(*) AS n FROM events e WHERE e.id <= ${Math.floor(lastId)}
         AND ${pendingAsAny(db, 'main', signals, schema.hasSyncedColumn, 'e.id')}`,
    );
  } finally {
    db.close();
  }
}

/**
 * Marks every event pending as one of `signals` as done for that signal without sending it, and
 * says how many events that was: for a copy restored from another branch's cache, whose runs
 * still hold those events and send them themselves.
 */
export function markPendingDone(
  path: string,
  signals: PendingSignals = ['metrics'],
  now: Date = new Date(),
): number {
  const db = openDatabase(path, false);
  try {
    const schema = readEventsSchema(db, path);
    const marked = new Set<number>();
    const plan = signals.map((signal) => {
      const ids = db
        .prepare(
          `SELECT e.id AS id FROM events e
            WHERE ${pendingAs(db, 'main', signal, schema.hasSyncedColumn, 'e.id')} ORDER BY e.id`,
        )
        .all()
        .map((r) => Number(r.id));
      for (const id of ids) marked.add(id);
      const store = progressStoreFor(db, signal, schema.hasSyncedColumn);
      return { store, ids };
    });
    if (marked.size === 0) return 0;
    inWriteTransaction(db, 'leave pending events to their own branch', () => {
      for (const { store, ids } of plan) {
        if (ids.length === 0) continue;
        store.prepareForWriting();
        store.markDelivered(rangesOfIds(ids), now);
      }
    });
    return marked.size;
  } finally {
    db.close();
  }
}
