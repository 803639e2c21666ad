/**
 * Real tokf tracking databases for tests, made with node:sqlite and tokf's own DDL
 * (test/helpers/tokf-ddl.mjs), in every layout a user can have on disk.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { SQLOutputValue } from 'node:sqlite';

import {
  ADD_SYNCED_TO_OTEL_AT,
  CREATE_EVENTS_FRESH,
  CREATE_EVENTS_LEGACY,
  CREATE_INDEXES,
  CREATE_SYNC_STATE,
  MIGRATIONS,
} from './tokf-ddl.mjs';
import { eventColumnValues, generateEvents } from './tokf-events.mjs';
import type { TokfEventInput } from './tokf-events.mjs';

export { estimateTokens } from './tokf-ddl.mjs';
export { seededRandom, tokfTimestamp } from './tokf-events.mjs';
export type { TokfEventInput } from './tokf-events.mjs';

/**
 * - `fresh`: what a current tokf (0.2.52) creates on first use.
 * - `legacy`: tokf 0.1.0: the ten original columns only, no `sync_state` table, no indexes.
 * - `upgraded`: `legacy`, then tokf's migrations in order (so `filter_hash` comes after
 *   `pipe_override`, and column order differs from `fresh`), then `sync_state` and the indexes.
 * - `with-synced-column`: `fresh` plus the proposed, never released `synced_to_otel_at TEXT`.
 */
export type TokfLayout = 'fresh' | 'legacy' | 'upgraded' | 'with-synced-column';

export const TOKF_LAYOUTS: readonly TokfLayout[] = [
  'fresh',
  'legacy',
  'upgraded',
  'with-synced-column',
];

/** A row of `events` as SQLite returns it; columns beyond tokf 0.1.0's may be absent. */
export interface TokfEventRow {
  id: number;
  timestamp: string;
  command: string;
  filter_name: string | null;
  input_bytes: number;
  output_bytes: number;
  input_tokens_est: number;
  output_tokens_est: number;
  filter_time_ms: number;
  exit_code: number;
  filter_hash?: string | null;
  pipe_override?: number;
  raw_bytes?: number;
  raw_tokens_est?: number;
  project?: string;
  synced_to_otel_at?: string | null;
}

/** Options for makeEvents. */
export interface MakeEventsOptions {
  /** Timestamp of the first event (UTC, whole seconds). Default `2026-03-02T09:00:00Z`. */
  start?: string;
  /** PRNG seed; the same seed always gives the same events. Default 1. */
  seed?: number;
  /** `project` of every event. Default `''` (what tokf writes when it does not know). */
  project?: string;
  /** Largest gap between consecutive events, in seconds. Default 600. */
  maxGapSeconds?: number;
}

const BUSY_TIMEOUT_MS = 5000;

function open(dbPath: string): DatabaseSync {
  return new DatabaseSync(dbPath, { timeout: BUSY_TIMEOUT_MS });
}

function withDb<T>(dbPath: string, fn: (db: DatabaseSync) => T): T {
  const db = open(dbPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function tableColumns(db: DatabaseSync, table: string): string[] {
  return db
    .prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid')
    .all(table)
    .map((row) => String(row.name));
}

/**
 * Run tokf's migrations on an existing database the way tokf's `open_db` does: add each missing
 * column in order, then create `sync_state` and the indexes.
 */
export function upgradeTokfDb(dbPath: string): void {
  withDb(dbPath, (db) => {
    for (const migration of MIGRATIONS) {
      if (!tableColumns(db, 'events').includes(migration.column)) db.exec(migration.sql);
    }
    db.exec(CREATE_INDEXES);
    db.exec(CREATE_SYNC_STATE);
  });
}

/** Create a tokf tracking database at `dbPath` (the file may not exist yet). */
export function createTokfDb(dbPath: string, layout: TokfLayout = 'fresh'): void {
  withDb(dbPath, (db) => {
    if (layout === 'legacy' || layout === 'upgraded') {
      db.exec(CREATE_EVENTS_LEGACY);
    } else {
      db.exec(CREATE_EVENTS_FRESH);
      db.exec(CREATE_INDEXES);
      db.exec(CREATE_SYNC_STATE);
      if (layout === 'with-synced-column') db.exec(ADD_SYNCED_TO_OTEL_AT);
    }
  });
  if (layout === 'upgraded') upgradeTokfDb(dbPath);
}

/** Column names of `events` in table order (`pragma_table_info`). */
export function eventColumns(dbPath: string): string[] {
  return withDb(dbPath, (db) => tableColumns(db, 'events'));
}

/** Names of the tables and indexes in the database, sorted. */
export function schemaObjects(dbPath: string): { tables: string[]; indexes: string[] } {
  return withDb(dbPath, (db) => {
    const names = (type: string): string[] =>
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .all(type)
        .map((row) => String(row.name));
    return { tables: names('table'), indexes: names('index') };
  });
}

/**
 * Insert events in one transaction, writing only the columns the database has.
 * @returns the new rows' ids, in input order
 */
export function insertEvents(dbPath: string, events: readonly TokfEventInput[]): number[] {
  return withDb(dbPath, (db) => {
    const present = new Set(tableColumns(db, 'events'));
    const ids: number[] = [];
    db.exec('BEGIN IMMEDIATE');
    try {
      for (const event of events) {
        const entries = Object.entries(eventColumnValues(event)).filter(
          (entry): entry is [string, string | number | null] =>
            entry[1] !== undefined && present.has(entry[0]),
        );
        const columns = entries.map(([name]) => name);
        const sql = `INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
        const result = db.prepare(sql).run(...entries.map(([, value]) => value));
        ids.push(Number(result.lastInsertRowid));
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    return ids;
  });
}

function plain(row: Record<string, SQLOutputValue>): Record<string, SQLOutputValue> {
  // node:sqlite returns null-prototype objects; copy them so that jest's equality is unsurprising.
  return { ...row };
}

/** Every row of `events`, ordered by id. */
export function readEvents(dbPath: string): TokfEventRow[] {
  return withDb(dbPath, (db) =>
    db
      .prepare('SELECT * FROM events ORDER BY id')
      .all()
      .map((row) => plain(row) as unknown as TokfEventRow),
  );
}

/** The whole `sync_state` table as an object (empty if the table does not exist). */
export function readSyncState(dbPath: string): Record<string, string> {
  return withDb(dbPath, (db) => {
    if (tableColumns(db, 'sync_state').length === 0) return {};
    const state: Record<string, string> = {};
    for (const row of db.prepare('SELECT key, value FROM sync_state ORDER BY key').all()) {
      state[String(row.key)] = String(row.value);
    }
    return state;
  });
}

/** Set a `sync_state` key, e.g. tokf's own `last_synced_id`, which the project must not touch. */
export function setSyncState(dbPath: string, key: string, value: string): void {
  withDb(dbPath, (db) => {
    db.exec(CREATE_SYNC_STATE);
    db.prepare(
      'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
  });
}

/**
 * A deterministic, realistic mix of events with non-decreasing timestamps from `start`: cargo, git
 * and npm commands with their filters, passthrough rows (filterName null), `_builtin/*` filters,
 * mostly exit code 0 with some 1/2/101, and runs of events that share the same second.
 */
export function makeEvents(n: number, options: MakeEventsOptions = {}): TokfEventInput[] {
  return generateEvents(n, {
    start: options.start ?? '2026-03-02T09:00:00Z',
    seed: options.seed ?? 1,
    maxGapSeconds: options.maxGapSeconds ?? 600,
    projects: [options.project ?? ''],
  });
}

const tmpDirs: string[] = [];

/** A path `<fresh temp dir>/tracking.db`; the directory exists, the file does not. */
export function tmpDbPath(prefix = 'tokf-db-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(dir);
  return path.join(dir, 'tracking.db');
}

/** Remove every directory tmpDbPath made in this test file (call from afterAll). */
export function removeTmpDirs(): void {
  for (const dir of tmpDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
