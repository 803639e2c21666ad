import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { FRESH_COLUMNS, LEGACY_COLUMNS } from '../helpers/tokf-ddl.mjs';
import {
  TOKF_LAYOUTS,
  createTokfDb,
  eventColumns,
  insertEvents,
  makeEvents,
  readEvents,
  readSyncState,
  removeTmpDirs,
  schemaObjects,
  seededRandom,
  setSyncState,
  tmpDbPath,
  tokfTimestamp,
  upgradeTokfDb,
} from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('createTokfDb', () => {
  it('creates the fresh layout with tokf column order, sync_state and indexes', () => {
    const db = tmpDbPath();
    createTokfDb(db);
    expect(eventColumns(db)).toEqual(FRESH_COLUMNS);
    expect(schemaObjects(db)).toEqual({
      tables: ['events', 'sync_state'],
      indexes: ['idx_events_command_timestamp', 'idx_events_filter_timestamp'],
    });
  });

  it('creates the tokf 0.1.0 layout with no sync_state and no indexes', () => {
    const db = tmpDbPath();
    createTokfDb(db, 'legacy');
    expect(eventColumns(db)).toEqual(LEGACY_COLUMNS);
    expect(schemaObjects(db)).toEqual({ tables: ['events'], indexes: [] });
  });

  it('creates an upgraded layout whose column order differs from a fresh one', () => {
    const db = tmpDbPath();
    createTokfDb(db, 'upgraded');
    const columns = eventColumns(db);
    expect(columns).toEqual([
      ...LEGACY_COLUMNS,
      'pipe_override',
      'filter_hash',
      'raw_bytes',
      'raw_tokens_est',
      'project',
    ]);
    expect([...columns].sort()).toEqual([...FRESH_COLUMNS].sort());
    expect(columns).not.toEqual(FRESH_COLUMNS);
    expect(schemaObjects(db).tables).toEqual(['events', 'sync_state']);
  });

  it('creates the with-synced-column layout', () => {
    const db = tmpDbPath();
    createTokfDb(db, 'with-synced-column');
    expect(eventColumns(db)).toEqual([...FRESH_COLUMNS, 'synced_to_otel_at']);
  });

  it('puts each database in its own temp directory', () => {
    const a = tmpDbPath('x-');
    const b = tmpDbPath('x-');
    expect(path.dirname(a)).not.toBe(path.dirname(b));
    expect(fs.existsSync(path.dirname(a))).toBe(true);
    expect(fs.existsSync(a)).toBe(false);
  });
});

describe('insertEvents and readEvents', () => {
  it.each(TOKF_LAYOUTS)('round-trips events in the %s layout', (layout) => {
    const db = tmpDbPath();
    createTokfDb(db, layout);
    const ids = insertEvents(db, [
      {
        timestamp: '2026-03-05T10:22:13Z',
        command: 'git status',
        filterName: 'git/status',
        inputBytes: 700,
        outputBytes: 210,
        filterTimeMs: 3,
        project: 'acme',
      },
      { timestamp: '2026-03-05T10:22:13Z', command: 'ls', inputBytes: 35 },
    ]);
    expect(ids).toEqual([1, 2]);
    const rows = readEvents(db);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      id: 1,
      timestamp: '2026-03-05T10:22:13Z',
      command: 'git status',
      filter_name: 'git/status',
      input_bytes: 700,
      output_bytes: 210,
      input_tokens_est: 200,
      output_tokens_est: 60,
      filter_time_ms: 3,
      exit_code: 0,
    });
    expect(rows[1]).toMatchObject({ filter_name: null, output_bytes: 35, input_tokens_est: 10 });
    if (layout === 'legacy') {
      expect(rows[0]).not.toHaveProperty('project');
    } else {
      expect(rows[0]).toMatchObject({ project: 'acme', raw_bytes: 700, pipe_override: 0 });
      expect(rows[1]).toMatchObject({ project: '', filter_hash: null });
    }
    if (layout === 'with-synced-column') expect(rows[0]?.synced_to_otel_at).toBeNull();
  });

  it('honours explicit ids and the synced marker', () => {
    const db = tmpDbPath();
    createTokfDb(db, 'with-synced-column');
    const ids = insertEvents(db, [
      {
        id: 10,
        timestamp: '2026-03-05T10:00:00Z',
        command: 'a',
        syncedToOtelAt: '2026-03-05T11:00:00Z',
      },
      { timestamp: '2026-03-05T10:00:01Z', command: 'b' },
    ]);
    expect(ids).toEqual([10, 11]);
    expect(readEvents(db).map((row) => row.synced_to_otel_at)).toEqual([
      '2026-03-05T11:00:00Z',
      null,
    ]);
  });

  it('inserts all or nothing', () => {
    const db = tmpDbPath();
    createTokfDb(db);
    insertEvents(db, [{ id: 1, timestamp: '2026-03-05T10:00:00Z', command: 'a' }]);
    expect(() =>
      insertEvents(db, [
        { id: 2, timestamp: '2026-03-05T10:00:01Z', command: 'b' },
        { id: 1, timestamp: '2026-03-05T10:00:02Z', command: 'duplicate id' },
      ]),
    ).toThrow(/UNIQUE/);
    expect(readEvents(db).map((row) => row.id)).toEqual([1]);
  });

  it('upgrades a legacy database with rows the way tokf does', () => {
    const db = tmpDbPath();
    createTokfDb(db, 'legacy');
    insertEvents(db, [
      { timestamp: '2026-03-05T10:00:00Z', command: 'cargo test', inputBytes: 3500 },
    ]);
    upgradeTokfDb(db);
    const [row] = readEvents(db);
    expect(row).toMatchObject({
      raw_bytes: 3500,
      raw_tokens_est: 1000,
      project: '',
      pipe_override: 0,
      filter_hash: null,
    });
  });

  it('can be read by a plain DatabaseSync reader', () => {
    const db = tmpDbPath();
    createTokfDb(db);
    insertEvents(db, makeEvents(5));
    const reader = new DatabaseSync(db, { readOnly: true });
    try {
      expect(reader.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 5 });
    } finally {
      reader.close();
    }
  });
});

describe('sync_state', () => {
  it('reads and writes keys, and reads nothing from a legacy database', () => {
    const db = tmpDbPath();
    createTokfDb(db, 'legacy');
    expect(readSyncState(db)).toEqual({});
    setSyncState(db, 'last_synced_id', '42');
    setSyncState(db, 'last_synced_id', '43');
    expect(readSyncState(db)).toEqual({ last_synced_id: '43' });
  });
});

describe('makeEvents', () => {
  const events = makeEvents(400, { start: '2026-03-02T09:00:00Z', seed: 7 });

  it('is deterministic per seed', () => {
    expect(makeEvents(400, { start: '2026-03-02T09:00:00Z', seed: 7 })).toEqual(events);
    expect(makeEvents(400, { start: '2026-03-02T09:00:00Z', seed: 8 })).not.toEqual(events);
    expect(seededRandom(3)()).toBe(seededRandom(3)());
  });

  it('makes tokf-shaped, non-decreasing timestamps from the start', () => {
    expect(events[0]?.timestamp).toBe('2026-03-02T09:00:00Z');
    for (const event of events) expect(event.timestamp).toMatch(TIMESTAMP);
    const times = events.map((event) => event.timestamp);
    expect([...times].sort()).toEqual(times);
    expect(new Set(times).size).toBeLessThan(times.length);
  });

  it('mixes filters, passthrough, built-ins and failures', () => {
    const filters = new Set(events.map((event) => event.filterName));
    expect(filters).toContain(null);
    expect(filters).toContain('cargo/test');
    expect(filters).toContain('git/status');
    expect(filters).toContain('_builtin/summary');
    const exitCodes = events.map((event) => event.exitCode);
    expect(exitCodes.filter((code) => code === 0).length).toBeGreaterThan(events.length * 0.7);
    expect(exitCodes).toContain(1);
    expect(exitCodes).toContain(101);
    for (const event of events) {
      expect(event.outputBytes).toBeLessThanOrEqual(event.inputBytes ?? 0);
      if (event.filterName === null) expect(event.outputBytes).toBe(event.inputBytes);
      expect(event.rawBytes).toBeGreaterThanOrEqual(event.inputBytes ?? 0);
    }
  });

  it('fills a database', () => {
    const db = tmpDbPath();
    createTokfDb(db, 'upgraded');
    const ids = insertEvents(db, events);
    expect(ids).toHaveLength(400);
    expect(readEvents(db).map((row) => row.timestamp)).toEqual(
      events.map((event) => event.timestamp),
    );
  });

  it('formats timestamps like tokf', () => {
    expect(tokfTimestamp(new Date('2026-03-05T10:22:13.987Z'))).toBe('2026-03-05T10:22:13Z');
  });
});
