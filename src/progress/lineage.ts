import type { DatabaseSync } from 'node:sqlite';
import { openDatabase } from '../source/database.js';
import { readEventsSchema } from '../source/events-schema.js';
import { nextId, tableExists } from './sql.js';
import { inWriteTransaction } from './transaction.js';

/**
 * Where each event came from, so that copies of one database that forked (two CI runs restored the
 * same cache entry, then each added events) can be merged again without relying on ids, which the
 * copies share for their older rows and reuse for their new ones.
 *
 * A row's identity is the copy that recorded it and its id there: the rows from `first_id` up to
 * the next segment were recorded by `origin` as its ids `origin_first` onward. A copy stamps a
 * segment for the rows it is about to record; rows merged in from another copy keep their identity
 * in segments of their own. Rows no segment names (written before any stamp, or by a copy that
 * never stamped: an older version, the command line) are identified by their content instead: every
 * column of tokf's but the id, with the k-th of several identical rows counted as the k-th.
 */
export const ORIGINS_TABLE = 'telemetry_sync_origins';

/** The cache entries whose events a database holds, so that a later merge can skip them. */
export const LINEAGE_TABLE = 'telemetry_sync_lineage';

export const CREATE_ORIGINS = `CREATE TABLE IF NOT EXISTS ${ORIGINS_TABLE} (
  first_id INTEGER PRIMARY KEY,
  origin TEXT,
  origin_first INTEGER
)`;

export const CREATE_LINEAGE = `CREATE TABLE IF NOT EXISTS ${LINEAGE_TABLE} (
  entry_key TEXT PRIMARY KEY
)`;

/**
 * Marks the rows this copy is about to record as its own (`origin`, from `fromId` on), so that a
 * later merge tells them from another copy's rows with the same ids.
 */
export function stampOwnRows(path: string, origin: string, fromId: number): void {
  const db = openDatabase(path, false);
  try {
    inWriteTransaction(db, 'record where new events come from', () => {
      db.exec(CREATE_ORIGINS);
      db.prepare(
        `INSERT OR REPLACE INTO ${ORIGINS_TABLE} (first_id, origin, origin_first) VALUES (?, ?, ?)`,
      ).run(fromId, origin, fromId);
    });
  } finally {
    db.close();
  }
}

/**
 * The identity of rows that a segment names, as `origin#id` (the copy that recorded the row and
 * its id there), which a merge into another copy keeps although it gives the row a new id.
 */
export class RowOrigins {
  private constructor(
    /** Segments by first id, ascending. */
    private readonly segments: { first: number; origin: string | null; originFirst: number }[],
  ) {}

  static load(db: DatabaseSync): RowOrigins {
    if (!tableExists(db, 'main', ORIGINS_TABLE)) return new RowOrigins([]);
    const rows = db
      .prepare(`SELECT first_id, origin, origin_first FROM ${ORIGINS_TABLE} ORDER BY first_id`)
      .all();
    return new RowOrigins(
      rows.map((r) => ({
        first: Number(r.first_id),
        origin: r.origin == null ? null : String(r.origin),
        originFirst: Number(r.origin_first ?? 0),
      })),
    );
  }

  /** Undefined for a row no segment names: its id is all that tells it apart. */
  of(id: number): string | undefined {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid]!.first <= id) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const segment = this.segments[found];
    if (segment === undefined || segment.origin === null) return undefined;
    return `${segment.origin}#${segment.originFirst + id - segment.first}`;
  }
}

/** The first id an event recorded next will have. */
export function nextEventId(path: string): number {
  const db = openDatabase(path, true);
  try {
    readEventsSchema(db, path);
    return nextId(db);
  } finally {
    db.close();
  }
}

/** The cache entries a database holds the events of (see LINEAGE_TABLE). */
export function readLineage(path: string): string[] {
  const db = openDatabase(path, true);
  try {
    if (!tableExists(db, 'main', LINEAGE_TABLE)) return [];
    return db
      .prepare(`SELECT entry_key FROM ${LINEAGE_TABLE} ORDER BY entry_key`)
      .all()
      .map((r) => String(r.entry_key));
  } finally {
    db.close();
  }
}

/** Replaces the lineage: entries that no longer exist need not be remembered. */
export function writeLineage(path: string, keys: readonly string[]): void {
  const db = openDatabase(path, false);
  try {
    inWriteTransaction(db, 'record the cache entries merged', () => {
      db.exec(CREATE_LINEAGE);
      db.exec(`DELETE FROM ${LINEAGE_TABLE}`);
      const insert = db.prepare(`INSERT OR IGNORE INTO ${LINEAGE_TABLE} (entry_key) VALUES (?)`);
      for (const key of keys) insert.run(key);
    });
  } finally {
    db.close();
  }
}
