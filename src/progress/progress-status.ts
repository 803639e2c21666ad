import type { DatabaseSync } from 'node:sqlite';
import { redactPatterns } from '../config/redact.js';
import { SYNCED_COLUMN } from '../source/events-schema.js';
import { gapsBetween } from '../source/id-ranges.js';
import { REJECTED_TABLE } from './dead-letters.js';
import type { ProgressStore } from './progress-store.js';
import { RANGES_TABLE } from './ranges-store.js';
import { tableExists } from './sql.js';

/** An event as status names it: its id and tokf's timestamp text. */
export interface EventMark {
  id: number;
  timestamp: string;
}

/** Where the events of a database stand, counted in SQL over id ranges, never row by row in JS. */
export interface ProgressCounts {
  events: number;
  /** Acknowledged (or recorded as done, as skipped built-ins are). */
  delivered: number;
  /** Neither acknowledged nor set aside. */
  pending: number;
  firstPending: EventMark | undefined;
  lastPending: EventMark | undefined;
}

/** Set-aside events with one reason. */
export interface SetAsideGroup {
  reason: string;
  /** The HTTP status that refused them, when an endpoint did. */
  status: number | null;
  count: number;
  /** When the newest of them was set aside. */
  lastAt: string;
  /**
   * The file a run wrote them to (too old), and that file as the run left it (size, mtime);
   * the size is null when the run did not record it (an earlier version, or a failed write).
   */
  file: { path: string; size: number | null; mtimeMs: number | null } | null;
}

/**
 * Counts with the store's own plan of where pending events may be (id gaps between delivered
 * ranges, or the synced column's condition): one `count(*)` per id interval, so that the table is
 * read once in all (a 1M-event database in about 0.2 s), and the set-aside events in the gaps
 * subtracted. The first and last pending events are found from either end of the gaps.
 */
export function countProgress(
  db: DatabaseSync,
  store: ProgressStore,
  /** The signal's dead letters (see rejectedTable). */
  rejectedTable: string = REJECTED_TABLE,
): ProgressCounts {
  // min and max of the primary key, each alone, are lookups (together in one SELECT, and as
  // count(*), SQLite reads the whole table).
  const bounds = db
    .prepare('SELECT (SELECT min(id) FROM events) AS lo, (SELECT max(id) FROM events) AS hi')
    .get();
  if (bounds?.lo == null || bounds.hi == null) {
    return { events: 0, delivered: 0, pending: 0, firstPending: undefined, lastPending: undefined };
  }
  const lo = Number(bounds.lo);
  const hi = Number(bounds.hi);
  const { gaps, condition } = store.pendingScan(lo, hi);
  const where = condition === undefined ? '' : ` AND ${condition}`;
  const hasRejected = tableExists(db, 'main', rejectedTable);
  const undeliveredId = condition === undefined ? 'id' : `CASE WHEN ${condition} THEN id END`;
  const inGap = db.prepare(
    `SELECT count(*) AS n, count(${undeliveredId}) AS u, min(${undeliveredId}) AS first,
            max(${undeliveredId}) AS last
       FROM events WHERE id BETWEEN ? AND ?`,
  );
  const inBetween = db.prepare('SELECT count(*) AS n FROM events WHERE id BETWEEN ? AND ?');
  const rejectedIn = hasRejected
    ? db.prepare(
        // CROSS JOIN keeps this order: our few rows, each looked up in events (not the reverse).
        `SELECT count(*) AS n FROM ${rejectedTable} CROSS JOIN events ON events.id = event_id
          WHERE event_id BETWEEN ? AND ?${where}`,
      )
    : undefined;
  let events = 0;
  let undelivered = 0;
  let setAside = 0;
  const undeliveredIds: number[] = [];
  for (const gap of gaps) {
    const row = inGap.get(gap.first, gap.last);
    events += Number(row?.n ?? 0);
    undelivered += Number(row?.u ?? 0);
    if (row?.first != null) undeliveredIds.push(Number(row.first), Number(row.last));
    if (rejectedIn !== undefined) setAside += Number(rejectedIn.get(gap.first, gap.last)?.n ?? 0);
  }
  // What lies between the gaps is delivered: counted only, without a condition.
  for (const between of gapsBetween(gaps, lo, hi)) {
    events += Number(inBetween.get(between.first, between.last)?.n ?? 0);
  }
  const pending = undelivered - setAside;
  const byId = db.prepare('SELECT id, timestamp FROM events WHERE id = ?');
  const notRejected = hasRejected ? ` AND id NOT IN (SELECT event_id FROM ${rejectedTable})` : '';
  const find = (order: 'ASC' | 'DESC') =>
    db.prepare(
      `SELECT id, timestamp FROM events WHERE id BETWEEN ? AND ?${where}${notRejected}
        ORDER BY id ${order} LIMIT 1`,
    );
  const mark = (order: 'ASC' | 'DESC'): EventMark | undefined => {
    if (pending <= 0) return undefined;
    // With nothing set aside among them, the first and last undelivered events are the ones.
    const id = order === 'ASC' ? undeliveredIds[0] : undeliveredIds[undeliveredIds.length - 1];
    let found: Record<string, unknown> | undefined;
    if (setAside === 0 && id !== undefined) {
      found = byId.get(id);
    } else {
      const query = find(order);
      for (const gap of order === 'ASC' ? gaps : [...gaps].reverse()) {
        found = query.get(gap.first, gap.last);
        if (found !== undefined) break;
      }
    }
    return found === undefined
      ? undefined
      : { id: Number(found.id), timestamp: String(found.timestamp) };
  };
  return {
    events,
    delivered: events - undelivered,
    pending,
    firstPending: mark('ASC'),
    lastPending: mark('DESC'),
  };
}

/** Set-aside events grouped by reason and status, the largest groups first. */
export function setAsideGroups(
  db: DatabaseSync,
  rejectedTable: string = REJECTED_TABLE,
): SetAsideGroup[] {
  if (!tableExists(db, 'main', rejectedTable)) return [];
  const columns = new Set(
    db
      .prepare(`PRAGMA table_info(${rejectedTable})`)
      .all()
      .map((c) => String(c.name)),
  );
  // Tables of an earlier version have no file columns: every group is then without a file.
  const file = columns.has('file_mtime_ms')
    ? 'file, file_size, file_mtime_ms'
    : 'NULL AS file, NULL AS file_size, NULL AS file_mtime_ms';
  return db
    .prepare(
      `SELECT reason, status, count(*) AS n, max(rejected_at) AS last_at, ${file}
        FROM ${rejectedTable}
        GROUP BY reason, status, 5, 6, 7 ORDER BY n DESC, reason`,
    )
    .all()
    .map((r) => ({
      file:
        r.file == null
          ? null
          : {
              path: String(r.file),
              size: r.file_size == null ? null : Number(r.file_size),
              mtimeMs: r.file_mtime_ms == null ? null : Number(r.file_mtime_ms),
            },
      // Rows an earlier version stored may hold an echoed credential: never shown.
      reason: redactPatterns(String(r.reason)),
      status: r.status == null ? null : Number(r.status),
      count: Number(r.n),
      lastAt: String(r.last_at),
    }));
}

/** When events were last recorded as delivered, from the progress itself (any tool's, any run). */
export function lastDeliveredAt(db: DatabaseSync, store: ProgressStore): string | undefined {
  if (!store.hasRecords()) return undefined;
  const sql =
    store.mode === 'ranges'
      ? `SELECT max(delivered_at) AS at FROM ${RANGES_TABLE}`
      : `SELECT max(${SYNCED_COLUMN}) AS at FROM events`;
  const at = db.prepare(sql).get()?.at;
  return at == null ? undefined : String(at);
}
