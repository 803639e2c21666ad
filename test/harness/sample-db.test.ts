import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { FRESH_COLUMNS, estimateTokens } from '../helpers/tokf-ddl.mjs';
import {
  eventColumns,
  readEvents,
  readSyncState,
  removeTmpDirs,
  schemaObjects,
  tmpDbPath,
} from '../helpers/tokf-db.js';

const FIXTURE = path.resolve('test/fixtures/tokf-sample.db');
const SCRIPT = path.resolve('scripts/make-sample-db.mjs');

afterAll(removeTmpDirs);

describe('test/fixtures/tokf-sample.db', () => {
  const rows = readEvents(FIXTURE);

  it('is a fresh-layout tokf database with about 200 events', () => {
    expect(eventColumns(FIXTURE)).toEqual(FRESH_COLUMNS);
    expect(schemaObjects(FIXTURE).tables).toEqual(['events', 'sync_state']);
    expect(readSyncState(FIXTURE)).toEqual({});
    expect(rows.length).toBeGreaterThanOrEqual(180);
    expect(rows.length).toBeLessThanOrEqual(220);
  });

  it('spans three days in early March 2026, in id and time order', () => {
    const days = new Set(rows.map((row) => row.timestamp.slice(0, 10)));
    expect([...days]).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
    const times = rows.map((row) => row.timestamp);
    expect([...times].sort()).toEqual(times);
    for (const time of times) expect(time).toMatch(/^2026-03-0[234]T\d{2}:\d{2}:\d{2}Z$/);
    expect(new Set(times).size).toBeLessThan(times.length - 5); // same-second groups
  });

  it('has passthrough, built-in, failing and awkward rows', () => {
    expect(rows.filter((row) => row.filter_name === null).length).toBeGreaterThan(5);
    expect(rows.some((row) => row.filter_name === '_builtin/summary')).toBe(true);
    expect(rows.some((row) => row.exit_code === 1)).toBe(true);
    expect(rows.some((row) => row.exit_code === 101)).toBe(true);
    expect(
      rows.some(
        (row) => row.command.length > 100 && /=/.test(row.command) && /['"]/.test(row.command),
      ),
    ).toBe(true);
    expect(rows.some((row) => /[<>&]/.test(row.command))).toBe(true);
  });

  it('has tokf-consistent token estimates', () => {
    for (const row of rows) {
      expect(row.input_tokens_est).toBe(estimateTokens(row.input_bytes));
      expect(row.output_tokens_est).toBe(estimateTokens(row.output_bytes));
      expect(row.output_bytes).toBeLessThanOrEqual(row.input_bytes);
      expect(row.raw_bytes).toBeGreaterThanOrEqual(row.input_bytes);
    }
  });

  it('is what scripts/make-sample-db.mjs writes (deterministic and up to date)', () => {
    const out = tmpDbPath('sample-');
    const run = spawnSync(process.execPath, [SCRIPT, out], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readEvents(out)).toEqual(rows);
    expect(fs.readFileSync(out).equals(fs.readFileSync(FIXTURE))).toBe(true);
  });
});
