// tokf's tracking-database DDL, in one place for the TypeScript test helpers (tokf-db.ts) and the
// fixture generator (scripts/make-sample-db.mjs). Plain ESM so that both Node and ts-jest load it.
//
// Facts from tokf's crates/tokf-cli/src/tracking/mod.rs (tokf 0.1.0 to 0.2.52): there is no schema
// version; `open_db` runs CREATE TABLE IF NOT EXISTS and then adds missing columns with ALTER TABLE,
// so an upgraded database has its columns in a different order from a fresh one.

/** The `events` table as a current tokf creates it in a fresh database. */
export const CREATE_EVENTS_FRESH = `CREATE TABLE IF NOT EXISTS events (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp         TEXT    NOT NULL,
    command           TEXT    NOT NULL,
    filter_name       TEXT,
    filter_hash       TEXT,
    input_bytes       INTEGER NOT NULL,
    output_bytes      INTEGER NOT NULL,
    input_tokens_est  INTEGER NOT NULL,
    output_tokens_est INTEGER NOT NULL,
    filter_time_ms    INTEGER NOT NULL,
    exit_code         INTEGER NOT NULL,
    pipe_override     INTEGER NOT NULL DEFAULT 0,
    raw_bytes         INTEGER NOT NULL DEFAULT 0,
    raw_tokens_est    INTEGER NOT NULL DEFAULT 0,
    project           TEXT    NOT NULL DEFAULT ''
);`;

/** The `events` table of tokf 0.1.0, before any migration. */
export const CREATE_EVENTS_LEGACY = `CREATE TABLE IF NOT EXISTS events (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp         TEXT    NOT NULL,
    command           TEXT    NOT NULL,
    filter_name       TEXT,
    input_bytes       INTEGER NOT NULL,
    output_bytes      INTEGER NOT NULL,
    input_tokens_est  INTEGER NOT NULL,
    output_tokens_est INTEGER NOT NULL,
    filter_time_ms    INTEGER NOT NULL,
    exit_code         INTEGER NOT NULL
);`;

/** tokf's own key/value table (it keeps its remote-sync cursor `last_synced_id` there). */
export const CREATE_SYNC_STATE =
  'CREATE TABLE IF NOT EXISTS sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);';

/** Indexes tokf creates after its migrations (so that old databases get them too). */
export const CREATE_INDEXES = `CREATE INDEX IF NOT EXISTS idx_events_command_timestamp
    ON events(command, timestamp DESC);
CREATE INDEX IF NOT EXISTS idx_events_filter_timestamp
    ON events(filter_name, timestamp DESC);`;

/**
 * tokf's migrations in the order it runs them. Each runs only when `column` is missing from
 * `pragma_table_info('events')`.
 */
export const MIGRATIONS = [
  {
    column: 'pipe_override',
    sql: 'ALTER TABLE events ADD COLUMN pipe_override INTEGER NOT NULL DEFAULT 0;',
  },
  { column: 'filter_hash', sql: 'ALTER TABLE events ADD COLUMN filter_hash TEXT;' },
  {
    column: 'raw_bytes',
    sql: `ALTER TABLE events ADD COLUMN raw_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN raw_tokens_est INTEGER NOT NULL DEFAULT 0;
UPDATE events SET raw_bytes = input_bytes, raw_tokens_est = input_tokens_est;`,
  },
  { column: 'project', sql: "ALTER TABLE events ADD COLUMN project TEXT NOT NULL DEFAULT '';" },
];

/** The proposed, never released, delivery marker (NULL = not yet delivered). */
export const ADD_SYNCED_TO_OTEL_AT = 'ALTER TABLE events ADD COLUMN synced_to_otel_at TEXT;';

/** Column order of a fresh database, as `pragma_table_info('events')` lists it. */
export const FRESH_COLUMNS = [
  'id',
  'timestamp',
  'command',
  'filter_name',
  'filter_hash',
  'input_bytes',
  'output_bytes',
  'input_tokens_est',
  'output_tokens_est',
  'filter_time_ms',
  'exit_code',
  'pipe_override',
  'raw_bytes',
  'raw_tokens_est',
  'project',
];

/** Column order of a tokf 0.1.0 database. */
export const LEGACY_COLUMNS = [
  'id',
  'timestamp',
  'command',
  'filter_name',
  'input_bytes',
  'output_bytes',
  'input_tokens_est',
  'output_tokens_est',
  'filter_time_ms',
  'exit_code',
];

/**
 * tokf's token estimate: bytes / 3.5, rounded up (tokf 0.2.51 and later; earlier versions used
 * bytes / 4). Integer arithmetic so that no floating-point rounding can creep in.
 * @param {number} bytes
 * @returns {number}
 */
export function estimateTokens(bytes) {
  return Math.ceil((bytes * 2) / 7);
}
