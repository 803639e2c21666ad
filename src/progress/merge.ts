import { createHash } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { SIGNALS, type Signal } from '../config/vocabulary.js';
import { openDatabase } from '../source/database.js';
import { SYNCED_COLUMN, readEventsSchema } from '../source/events-schema.js';
import { rangesOfIds } from '../source/id-ranges.js';
import { DeadLetters, rejectedTable } from './dead-letters.js';
import { CREATE_LINEAGE, CREATE_ORIGINS, LINEAGE_TABLE, ORIGINS_TABLE } from './lineage.js';
import { deliveredAs, inRanges, pendingAs, type PendingSignals } from './progress-conditions.js';
import { tokfTimestamp, type ProgressStore } from './progress-store.js';
import { rangesTable } from './ranges-store.js';
import { SERIES_TABLE, SeriesStore } from './series-store.js';
import { progressStoreFor } from './signal-store.js';
import { columnExists, count, nextId, quoteName, sqlText, tableExists } from './sql.js';
import { inWriteTransaction } from './transaction.js';

/** What merging one copy into another did. */
export interface MergeOutcome {
  /** Events of the source the target did not hold: appended, with their progress. */
  added: number;
  /** Events both held. */
  alreadyHeld: number;
  /** Events the target held as pending that the source had delivered: now delivered. */
  nowDelivered: number;
  /**
   * Events pending in the source (neither delivered nor set aside) as one of the signals asked
   * about (metrics by default) and still pending as that signal after.
   */
  pendingFromSource: number;
  /** Cumulative series whose state was taken from the source (it had acknowledged later). */
  seriesTaken: number;
  /** Events set aside in the source (rejected), now set aside in the target too. */
  setAside: number;
}

/**
 * Merges the database at `sourcePath` into the one at `targetPath`, in one write transaction on
 * the target (the source is only read):
 * - events: every event of the source the target does not hold (see ORIGINS_TABLE) is appended
 *   with new ids, keeping its identity; an event both hold is kept once;
 * - delivered: an event is delivered when any copy acknowledged it;
 * - set aside: an event the source set aside stays set aside, unless a copy delivered it;
 * - cumulative series: each series takes the state of the copy that acknowledged its latest
 *   point (the later `last_s`; for the same second, the larger total), so the next point continues
 *   from what the backend last received;
 * - lineage: the cache entries the source held, and `sourceKey`, are held by the target too.
 */
export function mergeDatabase(
  targetPath: string,
  sourcePath: string,
  options: { sourceKey?: string; now?: Date; signals?: PendingSignals } = {},
): MergeOutcome {
  const db = openDatabase(targetPath, false);
  try {
    const target = readEventsSchema(db, targetPath);
    db.exec(`ATTACH DATABASE ${sqlText(sourcePath)} AS src`);
    try {
      const sourceColumns = new Set(
        db
          .prepare("SELECT name FROM pragma_table_info('events', 'src')")
          .all()
          .map((r) => String(r.name)),
      );
      if (!sourceColumns.has('id') || !sourceColumns.has('timestamp')) {
        throw new Error(`${sourcePath} is not a tokf tracking database: no "events" table`);
      }
      const shared = [...target.columns]
        .filter((c) => c !== 'id' && c !== SYNCED_COLUMN && sourceColumns.has(c))
        .sort();
      registerDigest(db);
      let outcome: MergeOutcome | undefined;
      inWriteTransaction(db, 'merge another copy of the database', () => {
        outcome = mergeInto(db, {
          shared,
          targetSynced: target.hasSyncedColumn,
          sourceSynced: sourceColumns.has(SYNCED_COLUMN),
          sourceKey: options.sourceKey,
          signals: options.signals ?? ['metrics'],
          stamp: tokfTimestamp(options.now ?? new Date()),
        });
      });
      return outcome as MergeOutcome;
    } finally {
      dropTemp(db);
      db.exec('DETACH DATABASE src');
    }
  } finally {
    db.close();
  }
}

interface MergePlan {
  shared: string[];
  targetSynced: boolean;
  sourceSynced: boolean;
  sourceKey: string | undefined;
  stamp: string;
  signals: PendingSignals;
}

function mergeInto(db: DatabaseSync, plan: MergePlan): MergeOutcome {
  db.exec(CREATE_ORIGINS);
  db.exec(CREATE_LINEAGE);
  buildIdentities(db, 'main', 'ts_target', plan.shared, plan.targetSynced);
  buildIdentities(db, 'src', 'ts_source', plan.shared, plan.sourceSynced);
  db.exec('CREATE TEMP TABLE ts_map (source_id INTEGER PRIMARY KEY, target_id INTEGER NOT NULL)');
  db.exec(`INSERT OR IGNORE INTO temp.ts_map (source_id, target_id)
           SELECT s.id, t.id FROM temp.ts_source s JOIN temp.ts_target t ON t.ident = s.ident`);
  const alreadyHeld = count(db, 'SELECT count(*) AS n FROM temp.ts_map');

  const store = progressStoreFor(db, 'metrics', plan.targetSynced);
  store.prepareForWriting();
  const at = new Date(Date.parse(plan.stamp));

  // Held by both, acknowledged only by the source.
  const nowDelivered = db
    .prepare(
      `SELECT m.target_id AS id FROM temp.ts_map m
         JOIN temp.ts_source s ON s.id = m.source_id
         JOIN temp.ts_target t ON t.id = m.target_id
        WHERE s.delivered = 1 AND t.delivered = 0 ORDER BY m.target_id`,
    )
    .all()
    .map((r) => Number(r.id));

  const added = appendMissing(db, plan, store, at);

  store.markDelivered(rangesOfIds(nowDelivered), at);
  const setAside = mergeRejected(db, 'metrics');
  for (const signal of SIGNALS)
    if (signal !== 'metrics') mergeSignal(db, signal, plan.targetSynced, at);
  const seriesTaken = mergeSeries(db);
  mergeLineage(db, plan.sourceKey);

  // Left pending by the source as a signal this run sends, and still pending as that signal.
  const stillOwed = plan.signals
    .map(
      (signal) =>
        `(${pendingAs(db, 'src', signal, plan.sourceSynced, 'm.source_id')}
          AND ${pendingAs(db, 'main', signal, plan.targetSynced, 'm.target_id')})`,
    )
    .join(' OR ');
  const pendingFromSource = count(db, `SELECT count(*) AS n FROM temp.ts_map m WHERE ${stillOwed}`);
  return {
    added,
    alreadyHeld,
    nowDelivered: nowDelivered.length,
    pendingFromSource,
    seriesTaken,
    setAside,
  };
}

/**
 * Appends the source's events the target lacks, in the source's order, at ids after every id the
 * target has used, with segments that keep each one's identity; then closes the last segment so
 * that rows written later are not taken for the source's.
 */
function appendMissing(db: DatabaseSync, plan: MergePlan, store: ProgressStore, at: Date): number {
  const missing = db
    .prepare(
      `SELECT s.id, s.origin, s.local, s.delivered FROM temp.ts_source s
        WHERE NOT EXISTS (SELECT 1 FROM temp.ts_map m WHERE m.source_id = s.id) ORDER BY s.id`,
    )
    .all();
  if (missing.length === 0) return 0;
  let next = nextId(db);
  const columns = plan.shared.map(quoteName);
  const syncedTarget = plan.targetSynced ? [quoteName(SYNCED_COLUMN)] : [];
  const syncedValue = plan.targetSynced
    ? [
        `CASE WHEN ? = 1 THEN ${plan.sourceSynced ? `coalesce(${quoteName(SYNCED_COLUMN)}, ?)` : '?'} ELSE NULL END`,
      ]
    : [];
  const insert = db.prepare(
    `INSERT INTO main.events (id, ${[...columns, ...syncedTarget].join(', ')})
     SELECT ?, ${[...columns, ...syncedValue].join(', ')} FROM src.events WHERE id = ?`,
  );
  const segment = db.prepare(
    `INSERT OR REPLACE INTO main.${ORIGINS_TABLE} (first_id, origin, origin_first) VALUES (?, ?, ?)`,
  );
  const mapId = db.prepare('INSERT INTO temp.ts_map (source_id, target_id) VALUES (?, ?)');
  const delivered: number[] = [];
  let previous: { origin: string | null; local: number | null } | undefined;
  for (const row of missing) {
    const origin = row.origin == null ? null : String(row.origin);
    const local = row.local == null ? null : Number(row.local);
    const continues =
      previous !== undefined &&
      previous.origin === origin &&
      (origin === null || (previous.local !== null && local === previous.local + 1));
    if (!continues) segment.run(next, origin, local);
    previous = { origin, local };
    const wasDelivered = Number(row.delivered) === 1;
    const args: (number | string)[] = [next];
    if (plan.targetSynced) args.push(wasDelivered ? 1 : 0, plan.stamp);
    args.push(Number(row.id));
    insert.run(...args);
    mapId.run(Number(row.id), next);
    if (wasDelivered && !plan.targetSynced) delivered.push(next);
    next += 1;
  }
  // Rows appended later (tokf's, before a copy stamps its own) are identified by content.
  segment.run(next, null, null);
  store.markDelivered(rangesOfIds(delivered), at);
  return missing.length;
}

/**
 * Events the source set aside as `signal` stay set aside in the target, unless some copy delivered
 * them as that signal; how many were added.
 */
function mergeRejected(db: DatabaseSync, signal: Signal): number {
  const table = rejectedTable(signal);
  if (!tableExists(db, 'src', table)) return 0;
  new DeadLetters(db, table).prepareForWriting();
  const before = count(db, `SELECT count(*) AS n FROM main.${table}`);
  db.exec(`INSERT OR IGNORE INTO main.${table} (event_id, reason, status, rejected_at)
           SELECT m.target_id, r.reason, r.status, r.rejected_at
             FROM src.${table} r JOIN temp.ts_map m ON m.source_id = r.event_id`);
  // A copy that delivered an event (a run with --retry-rejected) wins over one that set it aside.
  const synced = columnExists(db, 'main', SYNCED_COLUMN);
  const delivered = deliveredAs(db, 'main', signal, synced, 'event_id');
  db.exec(`DELETE FROM main.${table} WHERE ${delivered}`);
  return Math.max(0, count(db, `SELECT count(*) AS n FROM main.${table}`) - before);
}

/**
 * The progress of a signal besides metrics (always in ranges tables of its own): delivered if
 * either copy acknowledged the event as that signal, set aside if either set it aside and neither
 * delivered it.
 */
function mergeSignal(
  db: DatabaseSync,
  signal: Exclude<Signal, 'metrics'>,
  targetSynced: boolean,
  at: Date,
): void {
  const ranges = rangesTable(signal);
  if (tableExists(db, 'src', ranges)) {
    const ids = db
      .prepare(
        `SELECT m.target_id AS id FROM temp.ts_map m
          WHERE ${inRanges('src', ranges, 'm.source_id')} ORDER BY m.target_id`,
      )
      .all()
      .map((r) => Number(r.id));
    const store = progressStoreFor(db, signal, targetSynced);
    store.prepareForWriting();
    store.markDelivered(rangesOfIds(ids), at);
  }
  mergeRejected(db, signal);
}

/** Each series takes the state of the copy that acknowledged its latest point. */
function mergeSeries(db: DatabaseSync): number {
  if (!tableExists(db, 'src', SERIES_TABLE)) return 0;
  new SeriesStore(db).prepareForWriting();
  const before = db.prepare('SELECT total_changes() AS n').get();
  db.exec(`INSERT INTO main.${SERIES_TABLE} (series_key, start_s, last_s, sum, histogram)
           SELECT series_key, start_s, last_s, sum, histogram FROM src.${SERIES_TABLE} WHERE true
           ON CONFLICT(series_key) DO UPDATE SET
             start_s = excluded.start_s, last_s = excluded.last_s,
             sum = excluded.sum, histogram = excluded.histogram
           WHERE excluded.last_s > ${SERIES_TABLE}.last_s
              OR (excluded.last_s = ${SERIES_TABLE}.last_s AND excluded.sum > ${SERIES_TABLE}.sum)`);
  const after = db.prepare('SELECT total_changes() AS n').get();
  return Number(after?.n ?? 0) - Number(before?.n ?? 0);
}

function mergeLineage(db: DatabaseSync, sourceKey: string | undefined): void {
  if (tableExists(db, 'src', LINEAGE_TABLE)) {
    db.exec(`INSERT OR IGNORE INTO main.${LINEAGE_TABLE} (entry_key)
             SELECT entry_key FROM src.${LINEAGE_TABLE}`);
  }
  if (sourceKey !== undefined) {
    db.prepare(`INSERT OR IGNORE INTO main.${LINEAGE_TABLE} (entry_key) VALUES (?)`).run(sourceKey);
  }
}

/**
 * A temp table of every event of `schema` with its identity (see ORIGINS_TABLE) and whether it
 * was delivered. The content of unnamed rows is digested, so the table stays small whatever the
 * commands hold.
 */
function buildIdentities(
  db: DatabaseSync,
  schema: 'main' | 'src',
  table: string,
  shared: string[],
  synced: boolean,
): void {
  db.exec(`CREATE TEMP TABLE ${table} (
    id INTEGER PRIMARY KEY, origin TEXT, local INTEGER, ident TEXT NOT NULL, delivered INTEGER NOT NULL
  )`);
  const hasOrigins = tableExists(db, schema, ORIGINS_TABLE);
  const segment = hasOrigins
    ? `LEFT JOIN ${schema}.${ORIGINS_TABLE} g ON g.first_id =
         (SELECT max(first_id) FROM ${schema}.${ORIGINS_TABLE} WHERE first_id <= e.id)`
    : '';
  const origin = hasOrigins ? 'g.origin' : 'NULL';
  const local = hasOrigins
    ? 'CASE WHEN g.origin IS NULL THEN NULL ELSE g.origin_first + e.id - g.first_id END'
    : 'NULL';
  // Only rows no segment names need their content: digesting every row would be most of the work.
  const digest = `ts_digest(${shared.map((c) => `quote(e.${quoteName(c)})`).join(" || '|' || ")})`;
  const content = hasOrigins ? `CASE WHEN g.origin IS NULL THEN ${digest} END` : digest;
  db.exec(`INSERT INTO temp.${table} (id, origin, local, ident, delivered)
    SELECT id, origin, local,
           CASE WHEN origin IS NOT NULL THEN 'o|' || origin || '|' || local
                ELSE 'c|' || content || '|' || row_number() OVER (PARTITION BY origin IS NULL, content ORDER BY id)
           END,
           delivered
      FROM (SELECT e.id AS id, ${origin} AS origin, ${local} AS local, ${content} AS content,
                   ${synced ? `e.${SYNCED_COLUMN} IS NOT NULL` : deliveredAs(db, schema, 'metrics', false, 'e.id')} AS delivered
              FROM ${schema}.events e ${segment})`);
  db.exec(`CREATE INDEX temp.${table}_ident ON ${table}(ident)`);
}

function registerDigest(db: DatabaseSync): void {
  db.function('ts_digest', { deterministic: true }, (text) =>
    createHash('sha256')
      .update(String(text ?? ''))
      .digest('base64')
      .slice(0, 24),
  );
}

function dropTemp(db: DatabaseSync): void {
  for (const t of ['ts_target', 'ts_source', 'ts_map']) db.exec(`DROP TABLE IF EXISTS temp.${t}`);
}
