/**
 * Scenario 4 of the end-to-end suite: our delivery against the real backends, read back with
 * PromQL over their HTTP query API and compared with the database rows. A stock Prometheus
 * v0.316.0 (OTLP receiver on, scraping itself so that its head's newest time is now) takes two
 * cumulative runs and a database days older than it accepts; promtool turns our OpenMetrics file
 * into blocks, and a Prometheus started on them answers the database's totals at the events'
 * times. VictoriaMetrics v1.151.0 takes two cumulative runs and rows older than its retention.
 *
 * Every comparison reads every raw sample (`{...}[window]`): each must be the rows' running total
 * at its own time, under the names and labels the backend gives. Times are relative to now, as
 * both backends judge age by the clock.
 */
import fs from 'node:fs';
import path from 'node:path';

import { prometheusLabels, prometheusMetricName } from '../../src/output/prometheus-names.js';
import type { AttributeValue } from '../../src/output/prometheus-names.js';
import { createTokfDb, insertEvents, makeEvents, readEvents } from '../helpers/tokf-db.js';
import type { TokfEventRow } from '../helpers/tokf-db.js';
import { INSTRUMENTS } from './helpers/expected.js';
import { e2eTmpDir, removeE2eTmpDir } from './helpers/peers.js';
import { Prometheus, createBlocksFromOpenMetrics } from './helpers/prometheus.js';
import {
  epochOf,
  expectedSeries,
  rowsUpTo,
  storedSeries,
  timestampOf,
} from './helpers/stored-series.js';
import type { Naming } from './helpers/stored-series.js';
import { sync } from './helpers/sync.js';
import { VictoriaMetrics } from './helpers/victoriametrics.js';

const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;
/** Now, in epoch seconds, when the suite started: every database is laid out back from it. */
const NOW = Math.floor(Date.now() / 1000);

/** Every sample of our metrics of one `service.instance.id` (Prometheus: the `instance` label). */
const PROMETHEUS_SELECTOR = (instance: string, window: string) =>
  `{__name__=~"tokf_.+|gen_ai_.+",instance="${instance}"}[${window}]`;
const VICTORIA_SELECTOR = (instance: string, window: string) =>
  `{__name__=~"tokf[.].+|gen_ai[.].+",service.instance.id="${instance}"}[${window}]`;

/** As Prometheus's OTLP receiver names our points (src/output/prometheus-names.ts says how). */
function prometheusNaming(instance: string): Naming {
  const resource = { 'service.name': 'tokf', 'service.instance.id': instance };
  return {
    metricName: (instrument, family) =>
      prometheusMetricName(
        instrument,
        INSTRUMENTS[instrument].unit,
        INSTRUMENTS[instrument].kind === 'sum' ? 'monotonic-sum' : 'histogram',
      ) + family,
    labels: (attributes) =>
      Object.fromEntries(prometheusLabels(attributes as Record<string, AttributeValue>, resource)),
  };
}

/**
 * As VictoriaMetrics stores them by default: names and attribute keys as sent, every resource
 * attribute a label (and scope.name, scope.version, which the comparisons leave out).
 */
function victoriaNaming(instance: string): Naming {
  const resource = { 'service.name': 'tokf', 'service.instance.id': instance };
  return {
    metricName: (instrument, family) => `${instrument}${family}`,
    labels: (attributes) => ({
      ...Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, String(v)])),
      ...resource,
    }),
  };
}

/** An empty tokf database, made with tokf's own DDL, in a temp directory of its own. */
function tokfDb(name: string): string {
  const dir = fs.mkdtempSync(path.join(e2eTmpDir(), `${name}-`));
  const db = path.join(dir, 'tracking.db');
  createTokfDb(db);
  return db;
}

/** Appends `n` tokf-like events from `start` (epoch seconds) on, at most `gap` s apart. */
function append(db: string, n: number, start: number, seed: number, gap: number): TokfEventRow[] {
  const before = readEvents(db).length;
  insertEvents(db, makeEvents(n, { start: timestampOf(start), seed, maxGapSeconds: gap }));
  const rows = readEvents(db).slice(before);
  expect(rows).toHaveLength(n);
  return rows;
}

const lastSecond = (rows: readonly TokfEventRow[]): number => Math.max(...rows.map(epochOf));
const savedTokens = (rows: readonly TokfEventRow[]): number =>
  rows.reduce((n, r) => n + Math.max(0, r.input_tokens_est - r.output_tokens_est), 0);

afterAll(() => removeE2eTmpDir());

describe('Prometheus v0.316.0, stock, OTLP receiver on, scraping itself', () => {
  let prometheus: Prometheus;
  const sendTo = (instance: string, ...more: string[]): string[] => [
    '--endpoint',
    prometheus.url,
    '--backend',
    'prometheus',
    '--service-name',
    'tokf',
    '--resource-attributes',
    `service.instance.id=${instance}`,
    ...more,
  ];

  beforeAll(async () => {
    prometheus = await Prometheus.start();
  }, 90_000);
  afterAll(async () => {
    await prometheus?.stop();
  }, 30_000);

  describe('cumulative over two runs', () => {
    const instance = 'two-runs';
    const naming = prometheusNaming(instance);
    let db: string;
    let first: TokfEventRow[];
    let all: TokfEventRow[];

    beforeAll(() => {
      db = tokfDb(instance);
      // Recent, in the past, inside the head's window (an hour back from its newest sample).
      first = append(db, 60, NOW - 45 * MINUTE, 11, 20);
    });

    it('the first run lands every sample at its event time with the rows running totals', async () => {
      const run = await sync(db, sendTo(instance));
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({
        status: 'delivered',
        selected: first.length,
        delivered: first.length,
        pending: 0,
        failedRequests: 0,
        errors: [],
        endpoint: `${prometheus.url}/api/v1/otlp/v1/metrics`,
      });
      const stored = storedSeries(
        await prometheus.promql.query(PROMETHEUS_SELECTOR(instance, '2h')),
      );
      expect(stored).toEqual(expectedSeries(first, naming));
    });

    it('names the metrics as the README and prometheus-names.ts say', async () => {
      const ours = (await prometheus.promql.metricNames()).filter((n) => /^(tokf|gen_ai)_/.test(n));
      expect(ours).toEqual([
        'gen_ai_client_token_usage_bucket',
        'gen_ai_client_token_usage_count',
        'gen_ai_client_token_usage_sum',
        'tokf_filter_duration_seconds_bucket',
        'tokf_filter_duration_seconds_count',
        'tokf_filter_duration_seconds_sum',
        'tokf_filter_invocations_total',
        'tokf_tokens_saved_total',
      ]);
    });

    it('the second run, after tokf appended rows, continues the same series: no reset', async () => {
      const start = Math.max(NOW - 20 * MINUTE, lastSecond(first) + 30);
      const second = append(db, 40, start, 12, 20);
      all = [...first, ...second];
      const run = await sync(db, sendTo(instance));
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({
        status: 'delivered',
        selected: second.length,
        delivered: second.length,
        pending: 0,
        errors: [],
      });
      const stored = storedSeries(
        await prometheus.promql.query(PROMETHEUS_SELECTOR(instance, '2h')),
      );
      // Every sample, the second run's included, is the running total over both runs' rows.
      expect(stored).toEqual(expectedSeries(all, naming));

      const q = (expr: string, time?: number) => prometheus.promql.scalar(expr, time);
      const sel = `{instance="${instance}"}`;
      expect(await q(`sum(resets(tokf_filter_invocations_total${sel}[2h]))`)).toBe(0);
      expect(await q(`sum(last_over_time(tokf_filter_invocations_total${sel}[2h]))`)).toBe(
        all.length,
      );
      // At the last event of the first run, the counters show the first run's rows only.
      expect(
        await q(`sum(last_over_time(tokf_filter_invocations_total${sel}[2h]))`, lastSecond(first)),
      ).toBe(first.length);
      expect(await q(`sum(last_over_time(tokf_tokens_saved_total${sel}[2h]))`)).toBe(
        savedTokens(all),
      );
      expect(await q(`sum(last_over_time(tokf_filter_duration_seconds_count${sel}[2h]))`)).toBe(
        all.length,
      );
      expect(
        await q(
          `sum(last_over_time(gen_ai_client_token_usage_sum{instance="${instance}",gen_ai_token_type="input"}[2h]))`,
        ),
      ).toBe(all.reduce((n, r) => n + r.input_tokens_est, 0));
    });
  });

  describe('a database days older than Prometheus accepts, then a backfill', () => {
    const instance = 'history';
    const naming = prometheusNaming(instance);
    let db: string;
    let old: TokfEventRow[];
    let recent: TokfEventRow[];
    let out: string;
    let backfill: string;

    beforeAll(() => {
      db = tokfDb(instance);
      // The same command mix days ago and now, so old and recent rows share series: the too-old
      // search must not probe an old row behind an acknowledged recent one of its series, which
      // would be counted into a recent point (2 of these 40 rows were, before it knew series).
      old = append(db, 40, NOW - 3 * DAY, 21, 60);
      recent = append(db, 30, NOW - 30 * MINUTE, 22, 20);
      out = fs.mkdtempSync(path.join(e2eTmpDir(), 'history-otlp-'));
      backfill = fs.mkdtempSync(path.join(e2eTmpDir(), 'history-om-'));
    });

    it('the recent rows land; the old ones are refused as too old, kept in both files; exit 0 with a warning', async () => {
      const run = await sync(
        db,
        sendTo(instance, '--otlp-json-out', out, '--openmetrics-out', backfill),
      );
      const jsonl = path.join(out, 'metrics.jsonl');
      expect(run.result).toMatchObject({
        status: 'delivered',
        selected: old.length + recent.length,
        delivered: recent.length,
        tooOldForEndpoint: old.length,
        refusedEvents: 0,
        pending: 0,
        setAside: old.length,
        errors: [],
        otlpJsonFile: jsonl,
        openmetricsFile: path.join(backfill, 'metrics.om'),
      });
      expect(run.result.warnings).toEqual([
        expect.objectContaining({
          kind: 'too-old-for-endpoint',
          count: old.length,
          firstId: old[0]!.id,
          file: jsonl,
          setAside: true,
          message: expect.stringMatching(/^HTTP 400: .*out of bounds/),
        }),
      ]);
      expect(run.stderr).toContain(
        `${old.length} events (first: id ${old[0]!.id}) were older than the endpoint keeps`,
      );
      expect(run.stderr).toContain(`kept in ${jsonl} and set aside`);
      expect(run.code).toBe(0);

      // Prometheus holds the recent rows, each sample at its time; nothing of the old ones.
      const stored = storedSeries(
        await prometheus.promql.query(PROMETHEUS_SELECTOR(instance, '5d')),
      );
      expect(stored).toEqual(expectedSeries(recent, naming));

      // The OTLP/JSON file holds every row, the old ones at their own times.
      const invocations = invocationPoints(jsonl);
      const before = Math.min(...recent.map(epochOf));
      expect(sumWhere(invocations, (t) => t < before)).toBe(old.length);
      expect(sumWhere(invocations, (t) => t >= before)).toBe(recent.length);

      const again = await sync(
        db,
        sendTo(instance, '--otlp-json-out', out, '--openmetrics-out', backfill),
      );
      expect(again.code).toBe(0);
      expect(again.result).toMatchObject({ selected: 0, requests: 0, pending: 0 });
    });

    it('without a file the old rows stay pending: exit 1, saying how to keep them', async () => {
      // The same rows in a database of their own, all pending.
      const fresh = tokfDb('history-no-file');
      expect(append(fresh, 40, NOW - 3 * DAY, 21, 60)).toEqual(old);
      expect(append(fresh, 30, NOW - 30 * MINUTE, 22, 20)).toEqual(recent);
      const run = await sync(fresh, sendTo('history-no-file'));
      expect(run.code).toBe(1);
      expect(run.result).toMatchObject({
        status: 'partial',
        delivered: recent.length,
        tooOldForEndpoint: old.length,
        pending: old.length,
        setAside: 0,
      });
      expect(run.stderr).toMatch(
        new RegExp(
          `${old.length} events \\(first: id 1\\) were refused as older than the endpoint keeps.*give --otlp-json-out DIR`,
        ),
      );
      const stored = storedSeries(
        await prometheus.promql.query(PROMETHEUS_SELECTOR('history-no-file', '5d')),
      );
      expect(stored).toEqual(expectedSeries(recent, prometheusNaming('history-no-file')));
    });

    it('promtool makes blocks of metrics.om; a Prometheus started on them answers the rows totals at the events times', async () => {
      const blocks = path.join(fs.mkdtempSync(path.join(e2eTmpDir(), 'blocks-')), 'data');
      await createBlocksFromOpenMetrics(path.join(backfill, 'metrics.om'), blocks);
      const all = [...old, ...recent];
      const end = lastSecond(all);
      const restored = await Prometheus.start({ storage: blocks, scrapeItself: false });
      try {
        const stored = storedSeries(
          await restored.promql.query(PROMETHEUS_SELECTOR(instance, '5d'), end),
        );
        expect(stored).toEqual(expectedSeries(all, naming, { backfill: { lastSecond: end } }));

        // The series the OTLP receiver made of the recent rows are the backfilled ones.
        const live = storedSeries(
          await prometheus.promql.query(PROMETHEUS_SELECTOR(instance, '5d')),
        );
        for (const key of live.keys()) expect(stored.has(key)).toBe(true);

        // PromQL at the old events' times gives the totals of the rows up to then.
        const sel = `{instance="${instance}"}`;
        for (const row of [...old.filter((_, i) => i % 8 === 0), old.at(-1)!, recent[0]!]) {
          const t = epochOf(row);
          expect({
            at: row.timestamp,
            invocations: await restored.promql.scalar(
              `sum(last_over_time(tokf_filter_invocations_total${sel}[5d]))`,
              t,
            ),
          }).toEqual({ at: row.timestamp, invocations: rowsUpTo(all, t) });
        }
        expect(
          await restored.promql.scalar(
            `sum(last_over_time(tokf_tokens_saved_total${sel}[5d]))`,
            epochOf(old.at(-1)!),
          ),
        ).toBe(savedTokens(old));
        expect(
          await restored.promql.scalar(`sum(tokf_filter_duration_seconds_count${sel})`, end),
        ).toBe(all.length);
      } finally {
        await restored.stop();
      }
    });
  });
});

describe('VictoriaMetrics v1.151.0, stock', () => {
  let victoria: VictoriaMetrics;
  const sendTo = (instance: string, ...more: string[]): string[] => [
    '--endpoint',
    victoria.url,
    '--backend',
    'victoriametrics',
    '--service-name',
    'tokf',
    '--resource-attributes',
    `service.instance.id=${instance}`,
    ...more,
  ];
  const read = async (instance: string, window: string, time?: number) => {
    const result = await victoria.promql.query(VICTORIA_SELECTOR(instance, window), time);
    for (const series of result) expect(series.metric['scope.name']).toBe('tokf');
    return storedSeries(result, ['scope.name', 'scope.version']);
  };

  beforeAll(async () => {
    victoria = await VictoriaMetrics.start();
  }, 90_000);
  afterAll(async () => {
    await victoria?.stop();
  }, 30_000);

  it('cumulative over two runs: raw values are the rows running totals, the second run continuing', async () => {
    const instance = 'two-runs';
    const naming = victoriaNaming(instance);
    const db = tokfDb('vm-two-runs');
    const first = append(db, 60, NOW - 45 * MINUTE, 31, 20);

    const run = await sync(db, sendTo(instance));
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({
      status: 'delivered',
      delivered: first.length,
      pending: 0,
      endpoint: `${victoria.url}/opentelemetry/v1/metrics`,
    });
    await victoria.forceFlush();
    expect(await read(instance, '2h')).toEqual(expectedSeries(first, naming));

    const second = append(db, 40, Math.max(NOW - 20 * MINUTE, lastSecond(first) + 30), 32, 20);
    const all = [...first, ...second];
    const again = await sync(db, sendTo(instance));
    expect(again.code).toBe(0);
    expect(again.result).toMatchObject({ delivered: second.length, pending: 0 });
    await victoria.forceFlush();
    expect(await read(instance, '2h')).toEqual(expectedSeries(all, naming));

    const invocations = `{__name__="tokf.filter.invocations",service.instance.id="${instance}"}`;
    const q = (expr: string, time?: number) => victoria.promql.scalar(expr, time);
    expect(await q(`sum(last_over_time(${invocations}[2h]))`)).toBe(all.length);
    expect(await q(`sum(last_over_time(${invocations}[2h]))`, lastSecond(first))).toBe(
      first.length,
    );
    expect(await q(`sum(resets(${invocations}[2h]))`)).toBe(0);
  });

  it('rows older than the retention: the preset max-age 31d keeps them out and in the file; the rest land at their times', async () => {
    const instance = 'history';
    const db = tokfDb('vm-history');
    const ancient = append(db, 20, NOW - 40 * DAY, 41, 60);
    const old = append(db, 30, NOW - 3 * DAY, 42, 60);
    const recent = append(db, 30, NOW - 30 * MINUTE, 43, 20);
    const out = fs.mkdtempSync(path.join(e2eTmpDir(), 'vm-history-otlp-'));

    const run = await sync(db, sendTo(instance, '--otlp-json-out', out));
    const jsonl = path.join(out, 'metrics.jsonl');
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({
      status: 'delivered',
      selected: ancient.length + old.length + recent.length,
      delivered: old.length + recent.length,
      tooOld: ancient.length,
      tooOldForEndpoint: 0,
      pending: 0,
      errors: [],
    });
    expect(run.result.warnings).toEqual([
      expect.objectContaining({ kind: 'too-old', count: ancient.length, file: jsonl }),
    ]);
    expect(run.stderr).toContain(
      `${ancient.length} events older than max-age were not sent, only written to ${jsonl}`,
    );
    const invocations = invocationPoints(jsonl);
    expect(sumWhere(invocations, (t) => t < Math.min(...old.map(epochOf)))).toBe(ancient.length);

    await victoria.forceFlush();
    expect(await read(instance, '45d')).toEqual(
      expectedSeries([...old, ...recent], victoriaNaming(instance)),
    );
  });

  it('what the preset guards against: with --max-age none it answers 200 and silently drops rows older than its retention', async () => {
    const instance = 'beyond-retention';
    const db = tokfDb('vm-beyond');
    const ancient = append(db, 20, NOW - 40 * DAY, 51, 60);
    const ignoredBefore = await victoria.rowsIgnoredAsTooOld();

    const run = await sync(db, sendTo(instance, '--max-age', 'none'));
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({
      status: 'delivered',
      delivered: ancient.length,
      failedRequests: 0,
      errors: [],
    });
    await victoria.forceFlush();
    expect(await read(instance, '45d', NOW)).toEqual(new Map());
    // Every sample the rows make was dropped, and counted as such in its own metrics only.
    const samples = [...expectedSeries(ancient, victoriaNaming(instance)).values()].reduce(
      (n, s) => n + s.length,
      0,
    );
    expect(await victoria.rowsIgnoredAsTooOld(ignoredBefore + samples)).toBe(
      ignoredBefore + samples,
    );
  });
});

/** Every `tokf.filter.invocations` data point of an OTLP/JSON Lines file: [epoch seconds, value]. */
function invocationPoints(file: string): [number, number][] {
  const points: [number, number][] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const data = JSON.parse(line) as {
      resourceMetrics: {
        scopeMetrics: {
          metrics: {
            name: string;
            sum?: { dataPoints: { timeUnixNano: string; asInt?: string }[] };
          }[];
        }[];
      }[];
    };
    for (const rm of data.resourceMetrics)
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics)
          if (m.name === 'tokf.filter.invocations')
            for (const p of m.sum?.dataPoints ?? [])
              points.push([Number(BigInt(p.timeUnixNano) / 1_000_000_000n), Number(p.asInt)]);
  }
  return points;
}

function sumWhere(points: [number, number][], at: (t: number) => boolean): number {
  return points.filter(([t]) => at(t)).reduce((n, [, v]) => n + v, 0);
}
