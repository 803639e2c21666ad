/**
 * Lost acknowledgements against a stock Prometheus v0.316.0 (OTLP receiver on, scraping itself),
 * cumulative series: Prometheus stores a request and its answer never reaches us, so the resend
 * is refused with 400 `out of order sample`. Each scenario has a series set of its own (its own
 * service.instance.id) and ends the same way: one plain run exits 0 with nothing pending or set
 * aside, and PromQL shows exactly the database's totals, with no counter reset.
 * - a relay that forwards a request and answers only after the client's timeout, for the first
 *   request and for one in the middle;
 * - SIGKILL of the CLI at random (seeded) points across several runs, answers slowed so that
 *   kills land while requests are in flight;
 * - a relay that drops the connection after forwarding;
 * - a database left stuck by the version before this fix (its own bundle, from git), recovering.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { prometheusMetricName } from '../../src/output/prometheus-names.js';
import { CLI, cliBundleAt, runCli, runNode } from '../helpers/run-cli.js';
import { createTokfDb, insertEvents, makeEvents, readEvents } from '../helpers/tokf-db.js';
import type { TokfEventRow } from '../helpers/tokf-db.js';
import { sleep } from './helpers/backend-process.js';
import { e2eTmpDir, removeE2eTmpDir } from './helpers/peers.js';
import { Prometheus } from './helpers/prometheus.js';
import { Relay, type RelayAction } from './helpers/relay.js';
import { timestampOf } from './helpers/stored-series.js';

const NOW = Math.floor(Date.now() / 1000);
const N = 1500;
const BATCH = '300';
/** Per attempt: shorter than a held answer. */
const TIMEOUT_MS = 2000;
const HOLD_MS = 5000;
const INVOCATIONS = prometheusMetricName(
  'tokf.filter.invocations',
  '{invocation}',
  'monotonic-sum',
);
const SAVED = prometheusMetricName('tokf.tokens.saved', '{token}', 'monotonic-sum');
/**
 * The commit this fix was written on: its committed dist/cli.js is the version that set such
 * resends aside as refused.
 */
const BEFORE_FIX = '90944f0';

afterAll(() => removeE2eTmpDir());

/** A tokf database of N recent events (inside Prometheus's head window), seeded. */
function recentDb(name: string, seed: number): { db: string; rows: TokfEventRow[] } {
  const dir = fs.mkdtempSync(path.join(e2eTmpDir(), `${name}-`));
  const db = path.join(dir, 'tracking.db');
  createTokfDb(db);
  insertEvents(db, makeEvents(N, { start: timestampOf(NOW - 40 * 60), seed, maxGapSeconds: 3 }));
  const rows = readEvents(db);
  expect(rows).toHaveLength(N);
  return { db, rows };
}

const savedTokens = (rows: readonly TokfEventRow[]): number =>
  rows.reduce((n, r) => n + Math.max(0, r.input_tokens_est - r.output_tokens_est), 0);

function tableCount(db: string, table: string, where = ''): number {
  const d = new DatabaseSync(db, { readOnly: true });
  try {
    if (d.prepare('SELECT 1 FROM sqlite_schema WHERE name = ?').get(table) === undefined) return 0;
    return Number(d.prepare(`SELECT count(*) AS n FROM ${table} ${where}`).get()?.n);
  } finally {
    d.close();
  }
}

/** A seeded PRNG (mulberry32): the same kills every run of the suite. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Result {
  status: string;
  delivered: number;
  alreadyHeld: number;
  pending: number;
  setAside: number;
  selectedSetAside: number;
  refusedEvents: number;
  errors: { kind: string; message: string | null }[];
  warnings: { kind: string; count: number }[];
}

describe('Prometheus v0.316.0: a lost answer stalls nothing', () => {
  let prometheus: Prometheus;
  const relays: Relay[] = [];

  beforeAll(async () => {
    prometheus = await Prometheus.start();
  }, 90_000);
  afterAll(async () => {
    await Promise.all(relays.map((r) => r.close()));
    await prometheus?.stop();
  }, 30_000);

  const args = (url: string, instance: string, batch = BATCH): string[] => [
    '--endpoint',
    url,
    '--backend',
    'prometheus',
    '--service-name',
    'tokf',
    '--resource-attributes',
    `service.instance.id=${instance}`,
    '--batch-size',
    batch,
    '--timeout',
    String(TIMEOUT_MS),
    '--retry-budget',
    '60s',
  ];

  async function run(
    db: string,
    url: string,
    instance: string,
    cli = CLI,
    batch = BATCH,
  ): Promise<{ code: number | null; result: Result; stderr: string }> {
    const argv = ['sync', '--db', db, '--json', ...args(url, instance, batch)];
    const out = cli === CLI ? await runCli(argv) : await runNode(cli, argv);
    let result: Result;
    try {
      result = JSON.parse(out.stdout) as Result;
    } catch {
      throw new Error(`no result (exit ${out.code}):\n${out.stdout}\n${out.stderr}`);
    }
    return { code: out.code, result, stderr: out.stderr };
  }

  async function relayTo(plan: (n: number) => RelayAction): Promise<Relay> {
    const relay = new Relay(prometheus.url, plan);
    await relay.start();
    relays.push(relay);
    return relay;
  }

  /** One plain run, then what Prometheus holds must be the database's totals exactly. */
  async function expectSettled(db: string, rows: readonly TokfEventRow[], instance: string) {
    const plain = await run(db, prometheus.url, instance);
    expect({ code: plain.code, errors: plain.result.errors }).toEqual({ code: 0, errors: [] });
    expect(plain.result).toMatchObject({ pending: 0, setAside: 0 });
    expect(tableCount(db, 'telemetry_sync_rejected')).toBe(0);
    expect(tableCount(db, 'telemetry_sync_in_flight')).toBe(0);
    const sel = `{instance="${instance}"}`;
    const q = (expr: string) => prometheus.promql.scalar(expr);
    expect(await q(`sum(last_over_time(${INVOCATIONS}${sel}[2h]))`)).toBe(rows.length);
    expect(await q(`sum(last_over_time(${SAVED}${sel}[2h]))`)).toBe(savedTokens(rows));
    expect(await q(`sum(resets(${INVOCATIONS}${sel}[2h]))`)).toBe(0);
    expect(await q(`sum(resets(${SAVED}${sel}[2h]))`)).toBe(0);
    return plain;
  }

  it.each([
    ['the first request', 1, 1, BATCH],
    ['a request in the middle', 3, 2, BATCH],
    // Fifteen batches: from the seventh on, the metrics are encoded on the encoding thread.
    ['a request encoded on the encoding thread (batches of 100)', 9, 6, '100'],
  ])(
    'an answer held past the timeout for %s: the resend is refused, recorded as already there',
    async (_, held, seed, batch) => {
      const instance = `held-${held}`;
      const { db, rows } = recentDb(instance, seed);
      const relay = await relayTo((n) =>
        n === held ? { kind: 'hold', ms: HOLD_MS } : { kind: 'pass' },
      );
      const first = await run(db, relay.url, instance, CLI, batch);
      expect({ code: first.code, errors: first.result.errors }).toEqual({ code: 0, errors: [] });
      expect(first.result).toMatchObject({
        delivered: N,
        pending: 0,
        setAside: 0,
        refusedEvents: 0,
      });
      // The held request's events: a batch, which runs on to the end of its second (events here
      // are 0 to 3 s apart, so a few more at most).
      expect(first.result.alreadyHeld).toBeGreaterThanOrEqual(Number(batch));
      expect(first.result.alreadyHeld).toBeLessThanOrEqual(Number(batch) + 5);
      // The held request was stored (200 from Prometheus) and its resend refused as out of order.
      expect(relay.seen[held - 1]).toMatchObject({ status: 200, action: 'hold' });
      expect(relay.seen[held]).toMatchObject({ status: 400 });
      expect(first.stderr).toMatch(/already in the backend/);
      await expectSettled(db, rows, instance);
    },
    120_000,
  );

  it('a connection dropped after forwarding, for the first request and one in the middle', async () => {
    const instance = 'dropped';
    const { db, rows } = recentDb(instance, 3);
    const relay = await relayTo((n) => (n === 1 || n === 4 ? { kind: 'drop' } : { kind: 'pass' }));
    const first = await run(db, relay.url, instance);
    expect({ code: first.code, errors: first.result.errors }).toEqual({ code: 0, errors: [] });
    expect(first.result).toMatchObject({
      delivered: N,
      setAside: 0,
      alreadyHeld: 2 * Number(BATCH),
    });
    expect(relay.seen.filter((s) => s.action === 'drop').map((s) => s.status)).toEqual([200, 200]);
    await expectSettled(db, rows, instance);
  }, 120_000);

  it('SIGKILL at random points across several runs, then one plain run', async () => {
    const instance = 'killed';
    const { db, rows } = recentDb(instance, 4);
    // Answers come 600 ms after Prometheus stored the request: kills land in that window.
    const relay = await relayTo(() => ({ kind: 'hold', ms: 600 }));
    const random = prng(20);
    let inFlightAfterKill = 0;
    for (let k = 0; k < 6; k++) {
      // After the CLI's start (about a second here), while its requests go out.
      const killAfter = 1500 + Math.floor(random() * 3000);
      // Requests of 100 events: 15 of them, a few settled per run before its kill.
      await runKilled(args(relay.url, instance, '100'), db, killAfter);
      if (tableCount(db, 'telemetry_sync_in_flight') > 0) inFlightAfterKill++;
    }
    // Some kills must have left a request in flight, else this tested nothing.
    expect(inFlightAfterKill).toBeGreaterThan(0);
    const plain = await expectSettled(db, rows, instance);
    // The runs after a kill met the stored request first: Prometheus refused its resend.
    const refusedResends = relay.seen.filter((s) => s.status === 400).length;
    console.info(
      `lost replies: 6 kills, ${inFlightAfterKill} with a request in flight, ${refusedResends} resends refused as out of order and recorded as already there; the plain run found ${plain.result.alreadyHeld} more`,
    );
  }, 180_000);

  it('a database stuck by the version before this fix recovers on the next run', async () => {
    const instance = 'stuck';
    const { db, rows } = recentDb(instance, 5);
    const old = cliBundleAt(BEFORE_FIX, fs.mkdtempSync(path.join(e2eTmpDir(), 'before-fix-')));
    const relay = await relayTo((n) =>
      n === 1 ? { kind: 'hold', ms: HOLD_MS } : { kind: 'pass' },
    );
    // Its default batch, as the issue measured: one request of every event, stored, held.
    const stuck = await run(db, relay.url, instance, old, '2000');
    // What the issue measured: the resend bisected as poison, the breaker, nearly all pending.
    expect(stuck.code).toBe(1);
    expect(
      tableCount(
        db,
        'telemetry_sync_rejected',
        "WHERE reason LIKE '%out of order%' OR reason LIKE '%duplicate sample%'",
      ),
    ).toBeGreaterThan(0);
    const plain = await expectSettled(db, rows, instance);
    expect(plain.result.alreadyHeld).toBeGreaterThan(0);
  }, 180_000);
});

/** Starts a sync and SIGKILLs it after `ms` (or lets it end, if it ends first). */
async function runKilled(argv: string[], db: string, ms: number): Promise<void> {
  const child = spawn(process.execPath, [CLI, 'sync', '--db', db, '--json', ...argv], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await Promise.race([exited, sleep(ms)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}
