import { DatabaseSync } from 'node:sqlite';
import { SIGNALS } from '../../src/config/vocabulary.js';
import { RANGES_TABLE, rangesTable } from '../../src/progress/ranges-store.js';
import { progressInColumn, progressStoreFor } from '../../src/progress/signal-store.js';
import { AT } from '../helpers/progress-db.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

/** Which tables exist, and which events carry a synced_to_otel_at stamp. */
function traces(path: string): { tables: string[]; stamped: number[] } {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'telemetry_sync%'",
      )
      .all()
      .map((r) => String(r.name))
      .sort();
    return {
      tables,
      stamped: readEvents(path)
        .filter((e) => e.synced_to_otel_at != null)
        .map((e) => e.id),
    };
  } finally {
    db.close();
  }
}

describe('a signal’s progress store', () => {
  it('keeps metrics in the synced column where tokf’s schema has it, every other case in ranges', () => {
    expect(SIGNALS.map((s) => [s, progressInColumn(s, true), progressInColumn(s, false)])).toEqual([
      ['metrics', true, false],
      ['logs', false, false],
      ['traces', false, false],
    ]);
  });

  it('records metrics in synced_to_otel_at, and logs and traces in their own ranges tables', () => {
    const path = tmpDbPath('store-');
    createTokfDb(path, 'with-synced-column');
    insertEvents(path, makeEvents(4));
    const db = new DatabaseSync(path);
    try {
      for (const [signal, ids] of [
        ['metrics', { first: 1, last: 2 }],
        ['logs', { first: 3, last: 3 }],
        ['traces', { first: 4, last: 4 }],
      ] as const) {
        const store = progressStoreFor(db, signal, true);
        expect([signal, store.mode]).toEqual([signal, signal === 'metrics' ? 'column' : 'ranges']);
        store.prepareForWriting();
        store.markDelivered([ids], AT);
      }
    } finally {
      db.close();
    }
    expect(traces(path)).toEqual({
      tables: [rangesTable('logs'), rangesTable('traces')].sort(),
      stamped: [1, 2],
    });
  });

  it('records metrics in the ranges table tokf’s released schema leaves to us', () => {
    const path = tmpDbPath('store-');
    createTokfDb(path, 'fresh');
    insertEvents(path, makeEvents(3));
    const db = new DatabaseSync(path);
    try {
      const store = progressStoreFor(db, 'metrics', false);
      expect(store.mode).toBe('ranges');
      store.prepareForWriting();
      store.markDelivered([{ first: 1, last: 3 }], AT);
      expect(store.countPending()).toBe(0);
    } finally {
      db.close();
    }
    expect(traces(path).tables).toEqual([RANGES_TABLE]);
  });
});
