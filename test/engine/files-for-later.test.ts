/**
 * The OTLP/JSON file a caller keeps later (the action's artifact): spooled during the run and
 * written only if wanted, the same bytes as a file written as the run goes, for the same outcome;
 * events kept in it set aside only once the caller says it kept the file.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSyncConfig } from '../../src/config/build-config.js';
import type { SyncSettings } from '../../src/config/sync-config.js';
import { DatabaseSync } from 'node:sqlite';
import {
  FilesForLater,
  readStatus,
  runSync,
  SyncBusyError,
  type SyncResult,
} from '../../src/engine/index.js';
import { SyncLock } from '../../src/progress/sync-lock.js';
import { OtlpReceiver, type ScriptedResponse } from '../helpers/otlp-receiver.js';
import { FAST_RETRY } from '../helpers/sync-engine.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = new OtlpReceiver();
  await receiver.start();
});
afterEach(() => receiver.close());

const DAY = 86_400_000;
/** One clock for both runs: log records are observed "now", and max-age counts from it. */
const NOW = Date.parse('2026-03-20T12:00:00Z');

function database(events: number, start: string): string {
  const db = tmpDbPath('files-later-');
  createTokfDb(db);
  insertEvents(db, makeEvents(events, { start, seed: 11 }));
  return db;
}

async function sync(
  db: string,
  out: string,
  settings: SyncSettings,
  later?: FilesForLater,
): Promise<SyncResult> {
  const config = buildSyncConfig(
    { db, endpoint: receiver.url, otlpJsonOut: out, batchSize: '40', ...settings },
    {},
    NOW,
  );
  return runSync(config, {
    now: () => NOW,
    log: () => {},
    userAgent: 'telemetry-sync/test',
    // Budget as configured (retryBudget), so that a failing endpoint ends the run soon.
    retryPolicy: {
      initialBackoffMs: FAST_RETRY.initialBackoffMs,
      maxBackoffMs: FAST_RETRY.maxBackoffMs,
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
    ...(later !== undefined && { filesForLater: later }),
  });
}

/** What a result says of its events, without what differs between two runs (paths, times). */
function outcome(r: SyncResult) {
  return {
    status: r.status,
    selected: r.selected,
    delivered: r.delivered,
    refusedEvents: r.refusedEvents,
    tooOld: r.tooOld,
    exported: r.exported,
    signals: r.signals.map((s) => [s.signal, s.selected, s.delivered, s.refusedEvents, s.tooOld]),
  };
}

/**
 * The same database synced twice, against the same answers: once writing the files as it goes
 * (the command, and the action before), once spooling them and writing them afterwards.
 */
async function bothWays(
  settings: SyncSettings,
  answers: ScriptedResponse[],
  events = 200,
  start = '2026-03-10T09:00:00Z',
) {
  const dbA = database(events, start);
  const dbB = join(dbA, '..', 'copy.db');
  copyFileSync(dbA, dbB);
  const outA = join(dbA, '..', 'out-now');
  const outB = join(dbA, '..', 'out-later');
  receiver.enqueue(...answers);
  const now = await sync(dbA, outA, settings);
  receiver.clear();
  receiver.enqueue(...answers);
  const later = new FilesForLater(true);
  const spooled = await sync(dbB, outB, settings, later);
  return { now, spooled, later, outA, outB, dbB };
}

function expectSameFiles(outA: string, outB: string): void {
  const files = readdirSync(outA).sort();
  expect(files.length).toBeGreaterThan(0);
  expect(readdirSync(outB).sort()).toEqual(files);
  for (const f of files) {
    const a = readFileSync(join(outA, f));
    expect(a.byteLength).toBeGreaterThan(0);
    expect(readFileSync(join(outB, f)).equals(a)).toBe(true);
  }
}

describe('an OTLP/JSON file spooled and written afterwards', () => {
  it('is the same file, byte for byte, when some events are refused', async () => {
    // The request refused, then each part as poison isolation splits it down to single events.
    const refusals = Array.from({ length: 8 }, () => ({ status: 400, errorMessage: 'bad point' }));
    const { now, spooled, later, outA, outB } = await bothWays({}, refusals);
    expect(now.refusedEvents).toBeGreaterThan(0);
    expect(outcome(spooled)).toEqual(outcome(now));
    // Nothing written yet, only the spool.
    expect(readdirSync(outB).filter((f) => f.endsWith('.jsonl'))).toEqual([
      'rejected-metrics.jsonl',
    ]);
    expect(later.writeFiles()).toEqual([]);
    expectSameFiles(outA, outB);
  });

  it('is the same file when a run stops on a failure and leaves events pending', async () => {
    const { now, spooled, later, outA, outB } = await bothWays({ retryBudget: '1s' }, [
      {},
      ...Array.from({ length: 400 }, () => ({ status: 503 })),
    ]);
    expect(now.delivered).toBeGreaterThan(0);
    expect(now.delivered).toBeLessThan(now.selected);
    expect(outcome(spooled)).toEqual(outcome(now));
    later.writeFiles();
    expectSameFiles(outA, outB);
  });

  it('is the same file for metrics and logs, with events too old for max-age', async () => {
    const { now, spooled, later, outA, outB } = await bothWays(
      { maxAge: '7d', signals: 'metrics,logs' },
      [],
      200,
      new Date(NOW - 7 * DAY - 8 * 3_600_000).toISOString(),
    );
    expect(now.tooOld).toBeGreaterThan(0);
    expect(now.delivered).toBeGreaterThan(0);
    expect(outcome(spooled)).toEqual(outcome(now));
    later.writeFiles();
    expect(readdirSync(outA).sort()).toEqual(['logs.jsonl', 'metrics.jsonl']);
    expectSameFiles(outA, outB);
  });

  it('is the same file for traces, cumulative metrics and a refusal', async () => {
    const { now, spooled, later, outA, outB } = await bothWays(
      { temporality: 'cumulative', signals: 'metrics,traces' },
      [{}, ...Array.from({ length: 8 }, () => ({ status: 400, errorMessage: 'bad point' }))],
    );
    expect(outcome(spooled)).toEqual(outcome(now));
    later.writeFiles();
    expectSameFiles(outA, outB);
  });

  it('leaves no file at all, and no spool, when discarded after every event was delivered', async () => {
    const { now, spooled, later, outB } = await bothWays({}, []);
    expect(now.delivered).toBe(now.selected);
    expect(outcome(spooled)).toEqual(outcome(now));
    later.discard();
    expect(existsSync(outB) ? readdirSync(outB) : []).toEqual([]);
  });
});

describe('events too old for the endpoint, kept in a file kept later', () => {
  it('stay pending until the file is kept, then are set aside as in it, as status tells', async () => {
    const { now, spooled, later, outB, dbB } = await bothWays(
      { maxAge: '7d' },
      [],
      100,
      new Date(NOW - 30 * DAY).toISOString(),
    );
    expect(now).toMatchObject({ tooOld: 100, setAside: 100, pending: 0 });
    // Not set aside yet: the database still has them pending.
    expect(spooled).toMatchObject({ tooOld: 100, setAside: 0, pending: 100 });
    expect(readStatus(dbB, NOW).setAside.byReason).toEqual([]);
    expect(later.heldCount()).toBe(100);

    later.writeFiles();
    await later.setAsideHeld([spooled], { now: () => NOW });
    expect(spooled).toMatchObject({ setAside: 100, pending: 0, selectedSetAside: 100 });
    const group = readStatus(dbB, NOW).setAside.byReason.find((g) => g.kind === 'too-old')!;
    expect(group).toMatchObject({
      count: 100,
      file: { path: join(outB, 'metrics.jsonl'), state: 'there' },
    });
    expect(later.heldCount()).toBe(0);
  });

  it('stay pending while another run holds the lock past lockWaitMs (SyncBusyError)', async () => {
    const { spooled, later, dbB } = await bothWays(
      { maxAge: '7d' },
      [],
      20,
      new Date(NOW - 30 * DAY).toISOString(),
    );
    later.writeFiles();
    const db = new DatabaseSync(dbB);
    const other = new SyncLock(db);
    await other.acquire({ waitMs: 0, now: Date.now, sleep: async () => {} });
    try {
      const started = Date.now();
      await expect(
        later.setAsideHeld([spooled], { now: Date.now, lockWaitMs: 200 }),
      ).rejects.toThrow(SyncBusyError);
      // The wait asked for, not the default ten seconds.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      other.release();
      db.close();
    }
    expect(readStatus(dbB, NOW).setAside.byReason).toEqual([]);
    expect(later.heldCount()).toBe(20);
  });

  it('stay pending, and the result says so, when the file is not kept', async () => {
    const { spooled, later, dbB } = await bothWays(
      { maxAge: '7d' },
      [],
      50,
      new Date(NOW - 30 * DAY).toISOString(),
    );
    expect(spooled).toMatchObject({ tooOld: 50, selectedSetAside: 50, selectedPending: 0 });
    later.discard();
    later.leavePending([spooled]);
    expect(spooled).toMatchObject({
      pending: 50,
      setAside: 0,
      selectedSetAside: 0,
      selectedPending: 50,
    });
    expect(spooled.warnings.find((w) => w.kind === 'too-old')?.setAside).toBe(false);
    expect(readStatus(dbB, NOW).setAside.byReason).toEqual([]);
    // A later run, with the file kept, sets them aside then.
    const again = new FilesForLater(true);
    const second = await sync(dbB, join(dbB, '..', 'out-again'), { maxAge: '7d' }, again);
    expect(second).toMatchObject({ selected: 50, tooOld: 50 });
    again.writeFiles();
    await again.setAsideHeld([second], { now: () => NOW });
    expect(readStatus(dbB, NOW).setAside.byReason.find((g) => g.kind === 'too-old')?.count).toBe(
      50,
    );
  });
});
