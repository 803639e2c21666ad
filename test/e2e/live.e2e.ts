/**
 * Scenario 2 of the end-to-end suite: our replay side by side with tokf's own live export of the
 * same invocations. tokf 0.2.54 runs with TOKF_TELEMETRY_ENABLED=1 and POSTs to one Collector at
 * exit; our CLI syncs the database those runs wrote to another. For the four instruments a row can
 * rebuild, both must show the same names, kinds, units, temporality, attribute keys and values per
 * series, apart from the differences measured with tokf 0.2.54, each asserted below as it is:
 *
 * - A --pipe-through run is exported live with tokf.exit_code = head_exit_code; we replay the
 *   row's exit_code. EXPECTED TO CHANGE: when src sends head_exit_code, flip REPLAY_EXIT_CODE
 *   in helpers/expected.ts and the assertions here follow.
 * - Live export never sends the `_builtin/*` rows (tokf err|test|summary); we replay them.
 * - Live resource: service.name from OTEL_RESOURCE_ATTRIBUTES (nothing else of it) and always
 *   service.version = tokf's version; ours: service.name and every attribute given, no version
 *   unless given.
 * - Durations: the row stores whole milliseconds (truncated), live sends the exact seconds; a
 *   piped run's row stores 0 while live sends the whole run's time.
 * - Times: live points are stamped at the flush at exit and start when the process started; ours
 *   at the row's second, starting one second before.
 *
 * What was measured is written to $TMPDIR/telemetry-sync-e2e-side-by-side.json and printed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { FlatPoint } from '../helpers/otlp-proto.js';
import { nanosOf } from '../helpers/expectations.js';
import { readEvents } from '../helpers/tokf-db.js';
import type { TokfEventRow } from '../helpers/tokf-db.js';
import { INVOCATIONS } from './helpers/commands.js';
import { Collector } from './helpers/collector.js';
import {
  INSTRUMENT_NAMES,
  LIVE_EXIT_CODE,
  attributesKey,
  REPLAY_EXIT_CODE,
  comparable,
  expectedPoints,
  instrumentTotal,
  rowAttributes,
  seriesKey,
  seriesTotals,
} from './helpers/expected.js';
import type { ComparablePoint, InstrumentName, SeriesTotal } from './helpers/expected.js';
import { removeE2eTmpDir } from './helpers/peers.js';
import { sync } from './helpers/sync.js';
import { TokfSandbox } from './helpers/tokf.js';

const TOKF_VERSION = '0.2.54';
const MEASUREMENTS_FILE = path.join(os.tmpdir(), 'telemetry-sync-e2e-side-by-side.json');

type Row = TokfEventRow & { head_exit_code?: number | null; pipeline_tail?: string | null };

let sandbox: TokfSandbox;
let liveCollector: Collector;
let replayCollector: Collector;
let rows: Row[];
/** The rows live export covers: all but the built-ins. */
let exportedRows: Row[];
let live: FlatPoint[];
let replay: FlatPoint[];
const measured: Record<string, unknown> = {};

const isBuiltin = (name: unknown): boolean =>
  typeof name === 'string' && name.startsWith('_builtin/');
const four = (points: FlatPoint[]): FlatPoint[] =>
  points.filter((p) => (INSTRUMENT_NAMES as string[]).includes(p.metric));

beforeAll(async () => {
  sandbox = new TokfSandbox('live');
  await sandbox.initGitRepo();
  [liveCollector, replayCollector] = await Promise.all([Collector.start(), Collector.start()]);
  for (const invocation of INVOCATIONS) {
    await sandbox.runOk(invocation.args, { metricsUrl: liveCollector.metricsUrl });
  }
  rows = readEvents(sandbox.db);
  exportedRows = rows.filter((row) => !isBuiltin(row.filter_name));
  live = await liveCollector.waitForPoints(
    (points) =>
      instrumentTotal(comparable(four(points)), 'tokf.filter.invocations') >= exportedRows.length,
  );

  const run = await sync(sandbox.db, ['--endpoint', replayCollector.endpoint]);
  expect(run.code).toBe(0);
  expect(run.result.delivered).toBe(rows.length);
  const replayCount = expectedPoints(rows).length;
  replay = await replayCollector.waitForPoints((points) => points.length >= replayCount);
  await liveCollector.settle();
  live = liveCollector.points();
}, 120_000);

afterAll(async () => {
  await Promise.all([liveCollector?.stop(), replayCollector?.stop()]);
  fs.writeFileSync(MEASUREMENTS_FILE, `${JSON.stringify(measured, null, 2)}\n`);
  const lines = Object.entries(measured).flatMap(([key, value]) =>
    Array.isArray(value)
      ? [`  ${key}:`, ...value.map((item) => `    ${JSON.stringify(item)}`)]
      : [`  ${key}: ${JSON.stringify(value)}`],
  );
  process.stderr.write(
    `\nside by side with tokf ${TOKF_VERSION}'s live export (also in ${MEASUREMENTS_FILE}):\n${lines.join('\n')}\n`,
  );
  removeE2eTmpDir();
});

/**
 * Name -> every distinct description of the instrument among its points (one, unless points
 * disagree, which then shows).
 */
function instruments(points: FlatPoint[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const p of points) {
    out[p.metric] ??= new Set();
    out[p.metric]!.add(
      JSON.stringify({
        kind: p.kind,
        unit: p.unit,
        description: p.description,
        temporality: p.temporality,
        isMonotonic: p.isMonotonic,
        valueType: p.valueType,
        explicitBounds: p.explicitBounds,
        scope: p.scope,
      }),
    );
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

function attributeKeys(points: FlatPoint[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const p of points) {
    out[p.metric] ??= new Set();
    out[p.metric]!.add(Object.keys(p.attributes).sort().join(','));
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

/** Live series key -> our series key for the same rows, through the exit code each side uses. */
function liveToReplaySeries(): Map<string, string> {
  const map = new Map<string, string>();
  for (const row of exportedRows) {
    for (const metric of INSTRUMENT_NAMES) {
      const extra = metric === 'gen_ai.client.token.usage' ? ['input', 'output'] : [undefined];
      for (const type of extra) {
        const withType = (attrs: Record<string, unknown>) =>
          (type ? { ...attrs, 'gen_ai.token.type': type } : attrs) as Parameters<
            typeof seriesKey
          >[1];
        map.set(
          seriesKey(metric, withType(rowAttributes(row, LIVE_EXIT_CODE))),
          seriesKey(metric, withType(rowAttributes(row, REPLAY_EXIT_CODE))),
        );
      }
    }
  }
  return map;
}

function totalsOf(points: ComparablePoint[], metric: InstrumentName): Map<string, SeriesTotal> {
  return seriesTotals(points.filter((p) => p.metric === metric));
}

describe('side by side with tokf live export', () => {
  it('live export sends one request per invocation and never the _builtin rows', () => {
    expect(liveCollector.lines()).toHaveLength(exportedRows.length);
    expect(live.filter((p) => isBuiltin(p.attributes['tokf.filter.name']))).toEqual([]);
    expect(instrumentTotal(comparable(four(live)), 'tokf.filter.invocations')).toBe(
      exportedRows.length,
    );
    // We replay them: three built-in rows, one invocation each.
    const builtins = comparable(replay).filter(
      (p) => p.metric === 'tokf.filter.invocations' && isBuiltin(p.attributes['tokf.filter.name']),
    );
    expect(builtins.reduce((n, p) => n + (p.value ?? 0), 0)).toBe(
      rows.length - exportedRows.length,
    );
    expect(rows.length - exportedRows.length).toBe(3);
    measured.liveOnlyInstruments = [...new Set(live.map((p) => p.metric))]
      .filter((m) => !(INSTRUMENT_NAMES as string[]).includes(m))
      .sort();
    measured.rows = { all: rows.length, builtin: rows.length - exportedRows.length };
  });

  it('the four instruments: same names, kinds, units, descriptions, temporality, value types, buckets, scope', () => {
    const ours = instruments(replay);
    const theirs = instruments(four(live));
    expect(Object.keys(theirs).sort()).toEqual([...INSTRUMENT_NAMES].sort());
    for (const descriptions of Object.values(theirs)) expect(descriptions).toHaveLength(1);
    expect(ours).toEqual(theirs);
  });

  it('the same attribute keys on every instrument', () => {
    const replayed = replay.filter((p) => !isBuiltin(p.attributes['tokf.filter.name']));
    expect(attributeKeys(replayed)).toEqual(attributeKeys(four(live)));
  });

  it('the piped run: live carries head_exit_code, we carry exit_code (EXPECTED TO CHANGE)', () => {
    const piped = rows.filter(
      (row) => row.head_exit_code !== null && row.head_exit_code !== undefined,
    );
    expect(piped).toHaveLength(1);
    const row = piped[0]!;
    const exitCodes = (points: FlatPoint[]) =>
      points
        .filter(
          (p) =>
            p.metric === 'tokf.filter.invocations' && p.attributes['tokf.command'] === row.command,
        )
        .map((p) => p.attributes['tokf.exit_code']);
    expect(exitCodes(live)).toEqual([row.head_exit_code]);
    expect(exitCodes(replay)).toEqual([REPLAY_EXIT_CODE(row)]);
    measured.pipedExitCode = {
      command: row.command,
      exit_code: row.exit_code,
      head_exit_code: row.head_exit_code,
      live: exitCodes(live)[0],
      replay: exitCodes(replay)[0],
    };
  });

  it('the same values per series for invocations, tokens saved and token usage', () => {
    const map = liveToReplaySeries();
    const ours = comparable(replay.filter((p) => !isBuiltin(p.attributes['tokf.filter.name'])));
    const theirs = comparable(four(live));
    for (const metric of [
      'tokf.filter.invocations',
      'tokf.tokens.saved',
      'gen_ai.client.token.usage',
    ] as const) {
      const liveTotals = new Map(
        [...totalsOf(theirs, metric)].map(([key, total]) => [
          map.get(key) ?? `unmapped ${key}`,
          total,
        ]),
      );
      const replayTotals = totalsOf(ours, metric);
      // Values, not the number of points: live sends one point per invocation, we one per second.
      const values = (totals: Map<string, SeriesTotal>) =>
        Object.fromEntries([...totals].map(([key, { points: _points, ...rest }]) => [key, rest]));
      expect(values(replayTotals)).toEqual(values(liveTotals));
    }
  });

  it('durations: the same counts, values within the millisecond the row truncates, except the piped run', () => {
    const map = liveToReplaySeries();
    const ours = totalsOf(comparable(replay), 'tokf.filter.duration');
    const theirs = totalsOf(comparable(four(live)), 'tokf.filter.duration');
    const differences: Record<string, unknown>[] = [];
    for (const [liveKey, l] of theirs) {
      const key = map.get(liveKey)!;
      const r = ours.get(key);
      expect(r).toBeDefined();
      expect(r!.count).toBe(l.count);
      const command = JSON.parse(key.slice(key.indexOf(' ') + 1)).find(
        ([name]: [string]) => name === 'tokf.command',
      )[1] as string;
      const row = exportedRows.find((candidate) => candidate.command === command)!;
      const piped = row.head_exit_code !== null && row.head_exit_code !== undefined;
      const delta = l.sum! - r!.sum!;
      if (piped) {
        // The row stores 0 ms; live export sends the time of the whole run.
        expect(r!.sum).toBe(0);
        expect(l.sum).toBeGreaterThan(0);
      } else {
        expect(delta).toBeGreaterThanOrEqual(0);
        expect(delta).toBeLessThan(0.001 * l.count!);
      }
      differences.push({
        command,
        filter: row.filter_name,
        count: l.count,
        liveSumSeconds: l.sum,
        replaySumSeconds: r!.sum,
        liveBuckets: l.bucketCounts!.slice(0, 3),
        replayBuckets: r!.bucketCounts!.slice(0, 3),
      });
    }
    measured.durations = differences;
  });

  it('times: ours at the row second, live at the flush at exit', () => {
    const rowSeconds = exportedRows.map((row) => BigInt(nanosOf(row.timestamp)));
    const invocations = (points: FlatPoint[]) =>
      points.filter((p) => p.metric === 'tokf.filter.invocations');
    // Each live request is one invocation, in the order tokf ran them, as are the rows.
    const livePoints = invocations(live).sort((a, b) =>
      BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : 1,
    );
    expect(livePoints).toHaveLength(exportedRows.length);
    const afterSecondMs = livePoints.map((p, i) =>
      Number((BigInt(p.timeUnixNano) - rowSeconds[i]!) / 1_000_000n),
    );
    const intervalMs = livePoints.map((p) =>
      Number((BigInt(p.timeUnixNano) - BigInt(p.startTimeUnixNano)) / 1_000_000n),
    );
    // The row's second is written at the end of the run, the flush follows it.
    for (const ms of afterSecondMs) expect(ms).toBeGreaterThanOrEqual(0);
    const allRowSeconds = new Set(rows.map((row) => nanosOf(row.timestamp)));
    for (const p of invocations(replay)) {
      expect(BigInt(p.timeUnixNano) - BigInt(p.startTimeUnixNano)).toBe(1_000_000_000n);
      expect(allRowSeconds.has(p.timeUnixNano)).toBe(true);
    }
    measured.liveTimeAfterRowSecondMs = {
      min: Math.min(...afterSecondMs),
      max: Math.max(...afterSecondMs),
    };
    measured.liveIntervalMs = { min: Math.min(...intervalMs), max: Math.max(...intervalMs) };
  });

  it('resource: live sends service.version always; both default service.name to tokf', () => {
    // tokf's attribute order varies between runs, so compare the sets in key order.
    const resources = (points: FlatPoint[]) => [
      ...new Set(points.map((p) => attributesKey(p.resource))),
    ];
    expect(resources(live)).toEqual([
      attributesKey({ 'service.name': 'tokf', 'service.version': TOKF_VERSION }),
    ]);
    expect(resources(replay)).toEqual([attributesKey({ 'service.name': 'tokf' })]);
  });

  it('resource from OTEL_RESOURCE_ATTRIBUTES: tokf takes service.name only, we take every attribute', async () => {
    const attributes = 'service.name=e2e-svc,deployment.environment.name=e2e';
    const own = new TokfSandbox('live-resource');
    const [liveAlone, replayAlone] = await Promise.all([Collector.start(), Collector.start()]);
    try {
      await own.runOk(['run', 'echo', 'resource'], {
        metricsUrl: liveAlone.metricsUrl,
        resourceAttributes: attributes,
      });
      const livePoints = await liveAlone.waitForPoints((points) => points.length > 0);
      const run = await sync(own.db, ['--endpoint', replayAlone.endpoint], {
        OTEL_RESOURCE_ATTRIBUTES: attributes,
      });
      expect(run.code).toBe(0);
      const replayPoints = await replayAlone.waitForPoints((points) => points.length >= 5);
      expect(livePoints[0]!.resource).toEqual({
        'service.name': 'e2e-svc',
        'service.version': TOKF_VERSION,
      });
      expect(replayPoints[0]!.resource).toEqual({
        'service.name': 'e2e-svc',
        'deployment.environment.name': 'e2e',
      });
      measured.resourceFromEnvironment = {
        OTEL_RESOURCE_ATTRIBUTES: attributes,
        live: livePoints[0]!.resource,
        replay: replayPoints[0]!.resource,
      };
    } finally {
      await Promise.all([liveAlone.stop(), replayAlone.stop()]);
    }
  });
});
