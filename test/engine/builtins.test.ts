/**
 * The rows of tokf's built-in commands (`tokf err|test|summary`, filter `_builtin/...`), which
 * tokf's live export never sends: sent by default, or with `builtins: skip` left out and recorded
 * as done, so that they are not pending and a later run does not go back for them.
 */
import { DatabaseSync } from 'node:sqlite';
import type { SyncSettings } from '../../src/config/sync-config.js';
import { RANGES_TABLE } from '../../src/progress/ranges-store.js';
import { formatTextSummary } from '../../src/report/text-summary.js';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import { syncTo } from '../helpers/sync-engine.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  removeTmpDirs,
  TOKF_LAYOUTS,
  tmpDbPath,
  type TokfLayout,
} from '../helpers/tokf-db.js';

const receiver = otlpReceiverForEachTest();
afterAll(removeTmpDirs);

const isBuiltin = (name: unknown) => typeof name === 'string' && name.startsWith('_builtin/');

function dbWith(layout: TokfLayout, n: number): string {
  const path = tmpDbPath();
  createTokfDb(path, layout);
  insertEvents(path, makeEvents(n));
  return path;
}

/** Invocations received per filter name ('' for passthrough). */
function invocationsByFilter(): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of receiver.acceptedPoints()) {
    if (p.metric !== 'tokf.filter.invocations') continue;
    const name = String(p.attributes['tokf.filter.name'] ?? '');
    out.set(name, (out.get(name) ?? 0) + (p.value ?? 0));
  }
  return out;
}

function rowsByFilter(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of readEvents(path)) {
    const name = row.filter_name ?? '';
    out.set(name, (out.get(name) ?? 0) + 1);
  }
  return out;
}

const sync = (path: string, settings: SyncSettings = {}, env: NodeJS.ProcessEnv = {}) =>
  syncTo(receiver.url, path, settings, env);

describe("rows of tokf's built-in commands", () => {
  it('are sent by default, like every other row', async () => {
    const path = dbWith('fresh', 300);
    const builtins = readEvents(path).filter((row) => isBuiltin(row.filter_name)).length;
    expect(builtins).toBeGreaterThan(10);
    const r = await sync(path);
    expect(r).toMatchObject({ selected: 300, delivered: 300, pending: 0, skippedBuiltins: 0 });
    expect(invocationsByFilter()).toEqual(rowsByFilter(path));
  });

  it.each(TOKF_LAYOUTS)(
    'with skip, are left out and recorded as done (%s layout); a later send run does not send them',
    async (layout) => {
      const path = dbWith(layout, 300);
      // A built-in row last, as in a job whose last step is `tokf test ...`.
      insertEvents(path, [
        {
          timestamp: '2026-03-09T00:00:00Z',
          command: 'cargo test',
          filterName: '_builtin/test',
          inputBytes: 4000,
          outputBytes: 400,
          filterTimeMs: 1,
          exitCode: 101,
        },
      ]);
      const rows = readEvents(path);
      const builtins = rows.filter((row) => isBuiltin(row.filter_name)).length;
      const r = await sync(path, { builtins: 'skip', batchSize: '40' });
      expect(r).toMatchObject({
        status: 'delivered',
        selected: rows.length - builtins,
        delivered: rows.length - builtins,
        skippedBuiltins: builtins,
        pending: 0,
        setAside: 0,
      });
      const expected = rowsByFilter(path);
      for (const name of [...expected.keys()]) if (isBuiltin(name)) expected.delete(name);
      expect(invocationsByFilter()).toEqual(expected);
      expect(formatTextSummary(r)).toContain(
        `${builtins} of tokf's built-in commands skipped, as its live export does`,
      );

      const again = await sync(path);
      expect(again).toMatchObject({ selected: 0, delivered: 0, pending: 0 });
    },
  );

  it('with skip and nothing else to send, are still recorded as done, in several writes', async () => {
    const path = tmpDbPath();
    createTokfDb(path, 'fresh');
    // More than one write's worth (2000).
    const events = makeEvents(4500).map((e) => ({ ...e, filterName: '_builtin/err' }));
    insertEvents(path, events);
    const r = await sync(path, { builtins: 'skip' });
    expect(r).toMatchObject({ selected: 0, delivered: 0, skippedBuiltins: events.length });
    expect(r.pending).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const ranges = db.prepare(`SELECT first_id, last_id FROM ${RANGES_TABLE}`).all();
      expect(ranges).toEqual([{ first_id: 1, last_id: events.length }]);
    } finally {
      db.close();
    }
  });

  it('with skip, are only left out, not recorded, in a dry run and in a file export', async () => {
    const path = dbWith('fresh', 200);
    const builtins = readEvents(path).filter((row) => isBuiltin(row.filter_name)).length;
    const dry = await syncTo(undefined, path, { builtins: 'skip', dryRun: true });
    expect(dry).toMatchObject({ selected: 200 - builtins, skippedBuiltins: builtins });
    const env = { TELEMETRY_SYNC_BUILTINS: 'skip' };
    const file = await syncTo(undefined, path, { otlpJsonOut: `${path}-out` }, env);
    expect(file).toMatchObject({ exported: 200 - builtins, skippedBuiltins: builtins });
    // Both left the database alone: a sending run sends them (the flag beats the variable).
    const r = await sync(path, { builtins: 'send' }, env);
    expect(r).toMatchObject({ delivered: 200, skippedBuiltins: 0 });
  });

  it('with skip, only those of the selected window are recorded', async () => {
    const path = dbWith('fresh', 300);
    const rows = readEvents(path);
    const until = rows[150]!.timestamp;
    const r = await sync(path, { builtins: 'skip', until });
    const early = rows.filter((row) => row.timestamp < until);
    const earlyBuiltins = early.filter((row) => isBuiltin(row.filter_name)).length;
    expect(r).toMatchObject({
      selected: early.length - earlyBuiltins,
      skippedBuiltins: earlyBuiltins,
      pending: rows.length - early.length,
    });
  });
});
