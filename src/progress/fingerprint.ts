import { createHash } from 'node:crypto';
import { SIGNALS } from '../config/vocabulary.js';
import { rejectedTable } from './dead-letters.js';
import { rangesTable } from './ranges-store.js';
import { SERIES_TABLE } from './series-store.js';
import { openDatabase } from '../source/database.js';
import { SYNCED_COLUMN, readEventsSchema } from '../source/events-schema.js';

/**
 * What the database holds, as far as a replay is concerned: the events (count and highest id; tokf
 * only appends) and our progress (delivered ranges or the synced column, and the rejected events).
 * A sync's bookkeeping that leaves no trace (the lock) does not change it, where the file's bytes
 * would: this is what "unchanged since it was restored" compares.
 */
export function databaseFingerprint(path: string): string {
  const db = openDatabase(path, true);
  try {
    const schema = readEventsSchema(db, path);
    const hash = createHash('sha256');
    const add = (sql: string) => {
      for (const row of db.prepare(sql).all()) hash.update(JSON.stringify(Object.values(row)));
    };
    add('SELECT count(*), max(id) FROM events');
    if (schema.hasSyncedColumn)
      add(`SELECT count(${SYNCED_COLUMN}), max(${SYNCED_COLUMN}) FROM events`);
    const tables = new Set(
      db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .all()
        .map((r) => String(r.name)),
    );
    // Every signal's progress counts: a sync of logs alone changes the database too.
    for (const signal of SIGNALS) {
      const ranges = rangesTable(signal);
      if (tables.has(ranges)) add(`SELECT first_id, last_id FROM ${ranges} ORDER BY first_id`);
      const rejected = rejectedTable(signal);
      if (tables.has(rejected)) add(`SELECT event_id, reason FROM ${rejected} ORDER BY event_id`);
    }
    if (tables.has(SERIES_TABLE))
      add(`SELECT series_key, last_s, sum FROM ${SERIES_TABLE} ORDER BY series_key`);
    return hash.digest('hex');
  } finally {
    db.close();
  }
}
