/**
 * Lost acknowledgements with a backend that keeps series in order, as Prometheus does (see
 * ordered-store.ts): a request the backend stored while its answer was lost (a reply after the
 * client's timeout, a connection dropped after the request went in, a run that ended with the
 * request in flight) is refused as "out of order sample" when sent again. Those events are
 * already there: recorded as delivered, never set aside, the breaker never trips, and the series'
 * totals go on from what the backend holds, so no counter is ever reset.
 */
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { IN_FLIGHT_TABLE } from '../../src/progress/in-flight.js';
import { REJECTED_TABLE } from '../../src/progress/dead-letters.js';
import { RANGES_TABLE } from '../../src/progress/ranges-store.js';
import { SERIES_TABLE } from '../../src/progress/series-store.js';
import { describeNotice } from '../../src/report/notices.js';
import { OrderedStore } from '../helpers/ordered-store.js';
import { cliBundleAt, runNode } from '../helpers/run-cli.js';
import {
  OtlpReceiver,
  startOtlpReceiver,
  type ScriptedResponse,
} from '../helpers/otlp-receiver.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';
import { rejectedCommands, syncTo } from './fault-kit.js';

const N = 90;
const INVOCATIONS = 'tokf.filter.invocations';
const SAVED = 'tokf.tokens.saved';

afterAll(removeTmpDirs);
const receivers: OtlpReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers.length = 0;
});

/** Three commands taking turns, one event a second: each series gets a point every 3 s. */
function threeSeriesDb(): { db: string; saved: number } {
  const db = tmpDbPath('lost-');
  createTokfDb(db, 'fresh');
  const start = Date.parse('2026-03-02T09:00:00Z');
  const rows = Array.from({ length: N }, (_, i) => ({
    timestamp: new Date(start + i * 1000).toISOString().replace('.000Z', 'Z'),
    command: `cmd-${i % 3}`,
    filterName: 'cargo/test',
    inputTokensEst: 100 + i,
    outputTokensEst: 10,
    filterTimeMs: 5,
    exitCode: 0,
  }));
  insertEvents(db, rows);
  return { db, saved: rows.reduce((n, r) => n + r.inputTokensEst - r.outputTokensEst, 0) };
}

async function receiverFor(store: OrderedStore, ...script: ScriptedResponse[]) {
  const receiver = await startOtlpReceiver({ store });
  receiver.enqueue(...script);
  receivers.push(receiver);
  return receiver;
}

/**
 * More hanging answers than a run's attempts: 200 ms timeouts over the test engine's 12 s retry
 * budget (FAST_RETRY) make about 55; past the script the receiver would answer, and a resend
 * refused out of order would be taken as already held within the first run.
 */
const HANGING_ATTEMPTS = 100;

const CUMULATIVE = { temporality: 'cumulative', batchSize: '30', compression: 'none' } as const;

function tableRows(db: string, table: string): number {
  const d = new DatabaseSync(db, { readOnly: true });
  try {
    const exists = d.prepare('SELECT 1 FROM sqlite_schema WHERE name = ?').get(table);
    return exists === undefined
      ? 0
      : Number(d.prepare(`SELECT count(*) AS n FROM ${table}`).get()?.n);
  } finally {
    d.close();
  }
}

/** What the backend holds is exactly the database's totals, with no series counted down. */
function expectExactTotals(store: OrderedStore, db: string, saved: number): void {
  expect(store.lastTotal(INVOCATIONS)).toBe(N);
  expect(store.lastTotal(SAVED)).toBe(saved);
  expect(store.resets(INVOCATIONS)).toBe(0);
  expect(store.resets(SAVED)).toBe(0);
  expect(rejectedCommands(db).size).toBe(0);
  expect(tableRows(db, IN_FLIGHT_TABLE)).toBe(0);
}

describe('a request stored while its answer was lost', () => {
  it.each([
    ['the first request', [{ hangMs: 2000 }]],
    ['a request in the middle', [{}, { hangMs: 2000 }]],
    ['a connection dropped after the request went in', [{ reset: true }]],
    ['a dropped connection in the middle', [{}, { reset: true }]],
  ] as const)(
    '%s: its resend is refused as out of order and recorded as already there',
    async (_, script) => {
      const { db, saved } = threeSeriesDb();
      const store = new OrderedStore();
      const receiver = await receiverFor(store, ...script);
      const r = await syncTo(receiver.url, db, { ...CUMULATIVE, timeout: '400' });
      expect(r).toMatchObject({
        status: 'delivered',
        exitCode: 0,
        delivered: N,
        alreadyHeld: 30,
        refusedEvents: 0,
        setAside: 0,
        pending: 0,
      });
      expect(r.errors).toEqual([]);
      const held = r.warnings.filter((w) => w.kind === 'already-held');
      expect(held).toEqual([
        expect.objectContaining({
          count: 30,
          message: expect.stringMatching(/^HTTP 400: out of order sample \(×\d+\+?\)$/),
        }),
      ]);
      expect(describeNotice(held[0]!)).toMatch(/30 events .* were already in the backend/);
      // The resend was refused with Prometheus's text, and nothing was sent one event at a time.
      const refused = receiver.requests.filter((q) => q.answeredStatus === 400);
      expect(refused).toHaveLength(1);
      expect(refused[0]?.body.length).toBeGreaterThan(0);
      expect(receiver.requests.length).toBe(4);
      expectExactTotals(store, db, saved);
    },
  );

  it('a run whose retries all timed out leaves the request noted; the next run finds it there', async () => {
    const { db, saved } = threeSeriesDb();
    const store = new OrderedStore();
    // Stored at once, never answered: every attempt times out (the resends are refused, unread).
    const hang = Array.from({ length: HANGING_ATTEMPTS }, () => ({ hangMs: Infinity }));
    const slow = await receiverFor(store, ...hang);
    const first = await syncTo(slow.url, db, { ...CUMULATIVE, timeout: '200' });
    expect(first).toMatchObject({ status: 'failed', exitCode: 1, delivered: 0, pending: N });
    expect(tableRows(db, IN_FLIGHT_TABLE)).toBe(1);
    expect(store.lastTotal(INVOCATIONS)).toBe(30);
    const healthy = await receiverFor(store);
    const second = await syncTo(healthy.url, db, CUMULATIVE);
    expect(second).toMatchObject({
      status: 'delivered',
      exitCode: 0,
      delivered: N,
      alreadyHeld: 30,
      setAside: 0,
      pending: 0,
    });
    expectExactTotals(store, db, saved);
  });

  it('the noted request is found within a larger first request of the next run', async () => {
    const { db, saved } = threeSeriesDb();
    const store = new OrderedStore();
    const hang = Array.from({ length: HANGING_ATTEMPTS }, () => ({ hangMs: Infinity }));
    const slow = await receiverFor(store, ...hang);
    await syncTo(slow.url, db, { ...CUMULATIVE, batchSize: '20', timeout: '200' });
    expect(store.lastTotal(INVOCATIONS)).toBe(20);
    const healthy = await receiverFor(store);
    // Batches of 45: the 20 stored events go apart from the 25 after them.
    const second = await syncTo(healthy.url, db, { ...CUMULATIVE, batchSize: '45' });
    expect(second).toMatchObject({
      status: 'delivered',
      delivered: N,
      alreadyHeld: 20,
      setAside: 0,
    });
    expectExactTotals(store, db, saved);
  });

  it('events never sent that the backend holds newer samples for stop the run, pending, never poison', async () => {
    const { db } = threeSeriesDb();
    const store = new OrderedStore();
    const receiver = await receiverFor(store);
    await syncTo(receiver.url, db, CUMULATIVE);
    // Another copy of the database, which never sent anything, meets the same backend.
    const copy = threeSeriesDb().db;
    const r = await syncTo(receiver.url, copy, CUMULATIVE);
    expect(r).toMatchObject({
      status: 'failed',
      exitCode: 1,
      delivered: 0,
      alreadyHeld: 0,
      refusedEvents: 0,
      setAside: 0,
      pending: N,
    });
    expect(r.errors.map((e) => e.kind)).toEqual(['out-of-order']);
    const said = describeNotice(r.errors[0]!);
    expect(said).toMatch(/holds newer samples/);
    expect(said).toMatch(/--openmetrics-out/);
    expect(said).toMatch(/out_of_order_time_window/);
    // One request: no bisection, no breaker, and nothing counted down at the backend.
    expect(receiver.requests.length).toBe(4);
    expect(store.resets(INVOCATIONS)).toBe(0);
    expect(tableRows(copy, REJECTED_TABLE)).toBe(0);
  });

  it('a database stuck by an earlier version (resends set aside as refused) recovers', async () => {
    const { db, saved } = threeSeriesDb();
    const store = new OrderedStore();
    const receiver = await receiverFor(store);
    // The first request goes in; then the database forgets it, as a lost reply left it...
    await syncTo(receiver.url, db, { ...CUMULATIVE, limit: '30' });
    expect(store.lastTotal(INVOCATIONS)).toBe(30);
    const d = new DatabaseSync(db);
    d.exec(
      `DELETE FROM ${RANGES_TABLE}; DELETE FROM ${SERIES_TABLE}; DELETE FROM ${IN_FLIGHT_TABLE}`,
    );
    // ...and the earlier version set some of its events aside as refused or too old.
    const setAside = d.prepare(
      `INSERT INTO ${REJECTED_TABLE} (event_id, reason, status, rejected_at) VALUES (?, ?, 400, '2026-03-02T10:00:00Z')`,
    );
    setAside.run(4, 'HTTP 400: duplicate sample for timestamp');
    setAside.run(9, 'HTTP 400: out of order sample');
    setAside.run(
      16,
      'too old for this endpoint (HTTP 400: out of order sample); kept in out/metrics.jsonl',
    );
    d.close();
    const r = await syncTo(receiver.url, db, CUMULATIVE);
    expect(r).toMatchObject({
      status: 'delivered',
      exitCode: 0,
      delivered: N,
      setAside: 0,
      pending: 0,
    });
    // The events up to the last one set aside are found at once; the rest of the stored request
    // event by event (those the backend took identically are plain acknowledgements).
    expect(r.alreadyHeld).toBeGreaterThanOrEqual(16);
    expect(r.alreadyHeld).toBeLessThanOrEqual(30);
    expectExactTotals(store, db, saved);
  });

  describe('delta, where the backend keeps order (Prometheus with otlp-native-delta-ingestion)', () => {
    const DELTA = { temporality: 'delta', batchSize: '30', compression: 'none' } as const;

    it('a resend of a stored request is recorded as already there, counted once', async () => {
      const { db, saved } = threeSeriesDb();
      const store = new OrderedStore();
      const receiver = await receiverFor(store, {}, { hangMs: 2000 });
      const r = await syncTo(receiver.url, db, { ...DELTA, timeout: '400' });
      expect(r).toMatchObject({ status: 'delivered', delivered: N, alreadyHeld: 30, setAside: 0 });
      expect(store.sumAll(INVOCATIONS)).toBe(N);
      expect(store.sumAll(SAVED)).toBe(saved);
      expect(rejectedCommands(db).size).toBe(0);
    });

    it('an event never sent, behind what its series holds, is kept like a too-old one: never poison', async () => {
      const { db } = threeSeriesDb();
      const store = new OrderedStore();
      const receiver = await receiverFor(store);
      await syncTo(receiver.url, db, DELTA);
      // Recorded later with an earlier time (the recording clock went back).
      insertEvents(db, [
        {
          timestamp: '2026-03-02T09:00:30Z',
          command: 'cmd-1',
          filterName: 'cargo/test',
          inputTokensEst: 5,
          outputTokensEst: 1,
          filterTimeMs: 1,
          exitCode: 0,
        },
      ]);
      const pending = await syncTo(receiver.url, db, { ...DELTA, maxConsecutiveFailures: '1' });
      expect(pending).toMatchObject({ exitCode: 1, delivered: 0, setAside: 0, pending: 1 });
      expect(pending.errors.map((e) => e.kind)).toEqual(['behind-endpoint']);
      expect(describeNotice(pending.errors[0]!)).toMatch(/--otlp-json-out .* --openmetrics-out/);
      const out = join(dirname(db), 'otlp');
      const kept = await syncTo(receiver.url, db, { ...DELTA, otlpJsonOut: out });
      expect(kept).toMatchObject({ exitCode: 0, delivered: 0, refusedEvents: 0, setAside: 1 });
      expect(kept.warnings.map((w) => w.kind)).toContain('behind-endpoint');
      expect(rejectedCommands(db).get('cmd-1')).toMatch(/^behind newer samples the endpoint holds/);
      expect(store.sumAll(INVOCATIONS)).toBe(N);
    });
  });

  it('logs: a resend a log backend refuses as out of order (Loki) is already there', async () => {
    const { db } = threeSeriesDb();
    const receiver = await startOtlpReceiver({
      // Loki's answer to records at or before what a stream holds: here, a body it took before.
      respond: (q): ScriptedResponse =>
        receiver.requests.some((o) => o !== q && o.body.equals(q.body))
          ? {
              status: 400,
              errorMessage:
                "entry with timestamp 2026-03-02 09:00:00 ignored, reason: 'entry out of order'",
              plainText: true,
            }
          : {},
    });
    receivers.push(receiver);
    // The first request is taken, then its answer is lost.
    receiver.enqueue({ reset: true });
    const r = await syncTo(receiver.url, db, {
      signals: 'logs',
      batchSize: '30',
      compression: 'none',
      timeout: '400',
    });
    expect(r).toMatchObject({ status: 'delivered', exitCode: 0, delivered: N, setAside: 0 });
    expect(r.warnings.map((w) => w.kind)).toContain('already-held');
    expect(r.alreadyHeld).toBe(30);
  });

  it('a database stuck by the version before this fix (its own bundle) recovers on the next run', async () => {
    const store = new OrderedStore();
    const receiver = await receiverFor(store, { hangMs: 5000 });
    const db = tmpDbPath('stuck-');
    createTokfDb(db, 'fresh');
    insertEvents(
      db,
      makeEvents(1500, { start: '2026-03-02T09:00:00Z', seed: 5, maxGapSeconds: 3 }),
    );
    const old = await runNode(cliBundleAt(BEFORE_FIX, dirname(tmpDbPath('before-fix-'))), [
      'sync',
      '--db',
      db,
      '--endpoint',
      receiver.url,
      '--temporality',
      'cumulative',
      '--timeout',
      '1000',
      '--json',
    ]);
    // As the issue measured: the stored request's resend bisected as poison, the breaker tripped.
    expect(old.code).toBe(1);
    const before = JSON.parse(old.stdout) as {
      delivered: number;
      setAside: number;
      pending: number;
    };
    expect(before).toMatchObject({ delivered: 0, setAside: 5, pending: 1495 });
    expect(store.lastTotal(INVOCATIONS)).toBe(1500);
    const r = await syncTo(receiver.url, db, CUMULATIVE);
    expect(r).toMatchObject({
      status: 'delivered',
      exitCode: 0,
      delivered: 1500,
      setAside: 0,
      pending: 0,
    });
    expect(r.alreadyHeld).toBeGreaterThan(1400);
    expect(store.lastTotal(INVOCATIONS)).toBe(1500);
    expect(store.resets(INVOCATIONS)).toBe(0);
    expect(store.resets(SAVED)).toBe(0);
    expect(rejectedCommands(db).size).toBe(0);
  }, 60_000);
});

/**
 * The commit this fix was written on: its committed dist/cli.js is the version that set such
 * resends aside as refused.
 */
const BEFORE_FIX = '90944f0';
