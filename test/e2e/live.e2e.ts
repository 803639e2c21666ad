/**
 * Scenario 2 of the end-to-end suite: our replay side by side with tokf's own live export of the
 * same invocations. tokf 0.2.54 runs with TOKF_TELEMETRY_ENABLED=1 and POSTs to one Collector at
 * exit; our CLI syncs the database those runs wrote to another. For the four instruments a row can
 * rebuild, both must show the same names, kinds, units, temporality, attribute keys and values per
 * series, apart from the differences measured with tokf 0.2.54, each asserted below as it is:
 *
 * - A --pipe-through run is exported live with tokf.exit_code = head_exit_code (the wrapped
 *   command's), not the row's exit_code (the pipeline's); we follow tokf's rule, so both land in
 *   one series (REPLAY_EXIT_CODE in helpers/expected.ts).
 * - Live export never sends the `_builtin/*` rows (tokf err|test|summary); we replay them, unless
 *   --builtins skip, which then gives exactly the live series.
 * - Live resource: service.name by tokf's rules (OTEL_RESOURCE_ATTRIBUTES, else config.toml's
 *   [telemetry] service_name, else tokf; never OTEL_SERVICE_NAME) and always service.version =
 *   tokf's version. Ours: service.name by the same rules (checked against tokf's own reading of
 *   every file in helpers/tokf-config-cases.ts), the variable's other attributes but not
 *   service.namespace, service.instance.id or service.version, and no version unless given.
 * - tokf-live-export: off (the action's main step) turns tokf's live export off for later steps.
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
import { DatabaseSync } from 'node:sqlite';

import { serviceNameAsTokfReads, tokfServiceName } from '../../src/config/tokf-config.js';
import { ActionJob, removeActionJobs } from '../action/runner.js';
import { CONFIG_CASES } from '../helpers/tokf-config-cases.js';

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

afterAll(removeActionJobs);

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
/** The database as tokf left it, before our sync recorded anything in it. */
let untouchedDb: string;
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
  untouchedDb = path.join(sandbox.dir, 'untouched.db');
  const copy = new DatabaseSync(sandbox.db, { readOnly: true });
  try {
    copy.exec(`VACUUM INTO '${untouchedDb.replaceAll("'", "''")}'`);
  } finally {
    copy.close();
  }
  live = await liveCollector.waitForPoints(
    (points) =>
      instrumentTotal(comparable(four(points)), 'tokf.filter.invocations') >= exportedRows.length,
  );

  // Our CLI in tokf's environment (its home, no config.toml), as a user runs the two side by side.
  const run = await sync(sandbox.db, ['--endpoint', replayCollector.endpoint], sandbox.env());
  expect(run.code).toBe(0);
  expect(run.result.delivered).toBe(rows.length);
  const replayCount = expectedPoints(rows).length;
  replay = await replayCollector.waitForPoints((points) => points.length >= replayCount);
  await liveCollector.barrier();
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

/** Our points have live export's values per series, for the three instruments rows rebuild exactly. */
function expectLiveValues(replayed: FlatPoint[]): void {
  const map = liveToReplaySeries();
  const ours = comparable(replayed);
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

  it('the piped run: live and we both carry head_exit_code, tokf’s rule', () => {
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
    expectLiveValues(replay.filter((p) => !isBuiltin(p.attributes['tokf.filter.name'])));
  });

  it('with --builtins skip, the replay holds exactly the live series', async () => {
    const skipping = await Collector.start();
    try {
      const run = await sync(
        untouchedDb,
        ['--endpoint', skipping.endpoint, '--builtins', 'skip'],
        sandbox.env(),
      );
      expect(run.code).toBe(0);
      expect(run.result).toMatchObject({
        delivered: exportedRows.length,
        skippedBuiltins: rows.length - exportedRows.length,
        pending: 0,
      });
      const count = expectedPoints(exportedRows).length;
      const points = await skipping.waitForPoints((p) => p.length >= count);
      await skipping.barrier();
      expect(skipping.points()).toHaveLength(points.length);
      expect(points.filter((p) => isBuiltin(p.attributes['tokf.filter.name']))).toEqual([]);
      expectLiveValues(points);
      // Every series of the four instruments, durations included, is one live export has.
      const keys = (ps: FlatPoint[]) => [...seriesTotals(comparable(four(ps))).keys()].sort();
      const map = liveToReplaySeries();
      expect(keys(points)).toEqual(
        keys(live)
          .map((key) => map.get(key) ?? key)
          .sort(),
      );
    } finally {
      await skipping.stop();
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
});

interface ResourceScenario {
  name: string;
  /** tokf's config.toml, if any. */
  config?: string;
  /** The environment both tokf and our CLI run in. */
  env: NodeJS.ProcessEnv;
  flags?: string[];
  serviceName: string;
  /** What our resource has beside service.name. */
  replayExtra?: Record<string, string>;
}

const FROM_CONFIG = '[telemetry]\nservice_name = "from-config"\n';
const RESOURCE_SCENARIOS: ResourceScenario[] = [
  {
    name: 'OTEL_RESOURCE_ATTRIBUTES: tokf takes service.name; we take it and what does not name the service',
    env: {
      OTEL_RESOURCE_ATTRIBUTES:
        'service.name=e2e-svc,deployment.environment.name=e2e,service.namespace=ns,service.instance.id=i,service.version=9',
    },
    serviceName: 'e2e-svc',
    replayExtra: { 'deployment.environment.name': 'e2e' },
  },
  {
    name: "service_name in tokf's config.toml; with --service-version the resources are the same",
    config: FROM_CONFIG,
    env: {},
    flags: ['--service-version', TOKF_VERSION],
    serviceName: 'from-config',
    replayExtra: { 'service.version': TOKF_VERSION },
  },
  {
    name: 'OTEL_RESOURCE_ATTRIBUTES beats config.toml',
    config: FROM_CONFIG,
    env: { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-env' },
    serviceName: 'from-env',
  },
  {
    name: 'OTEL_SERVICE_NAME is read by neither',
    config: FROM_CONFIG,
    env: { OTEL_SERVICE_NAME: 'not-read' },
    serviceName: 'from-config',
  },
  {
    name: 'OTEL_SERVICE_NAME alone leaves tokf',
    env: { OTEL_SERVICE_NAME: 'not-read' },
    serviceName: 'tokf',
  },
  {
    name: 'service.name as written: not percent-decoded, the first one',
    env: { OTEL_RESOURCE_ATTRIBUTES: 'service.name=a%20b,service.name=second' },
    serviceName: 'a%20b',
  },
  {
    name: 'a config.toml that is not TOML is ignored by both',
    config: '[telemetry]\nservice_name = "a"\nservice_name = "b"\n',
    env: {},
    serviceName: 'tokf',
  },
];

describe('the resource: live export and our replay name the service alike (real tokf)', () => {
  let liveAll: Collector;
  let replayAll: Collector;
  beforeAll(async () => {
    [liveAll, replayAll] = await Promise.all([Collector.start(), Collector.start()]);
  });
  afterAll(async () => {
    await Promise.all([liveAll?.stop(), replayAll?.stop()]);
  });
  const seen: Record<string, unknown>[] = [];
  afterAll(() => {
    measured.resources = seen;
  });

  it.each(RESOURCE_SCENARIOS.map((s, i) => [s.name, s, i] as const))('%s', async (_name, s, i) => {
    const own = new TokfSandbox(`live-resource-${i}`);
    if (s.config !== undefined) fs.writeFileSync(path.join(own.home, 'config.toml'), s.config);
    const command = ['echo', `resource-${i}`];
    await own.runOk(['run', ...command], { metricsUrl: liveAll.metricsUrl }, s.env);
    const run = await sync(
      own.db,
      ['--endpoint', replayAll.endpoint, ...(s.flags ?? [])],
      own.env(undefined, s.env),
    );
    expect(run.code).toBe(0);
    const mine = (p: FlatPoint) => p.attributes['tokf.command'] === command.join(' ');
    const livePoints = (await liveAll.waitForPoints((ps) => ps.some(mine))).filter(mine);
    const replayPoints = (
      await replayAll.waitForPoints((ps) => ps.filter(mine).length >= 5)
    ).filter(mine);
    const resources = (ps: FlatPoint[]) => [...new Set(ps.map((p) => attributesKey(p.resource)))];
    expect(resources(livePoints)).toEqual([
      attributesKey({ 'service.name': s.serviceName, 'service.version': TOKF_VERSION }),
    ]);
    expect(resources(replayPoints)).toEqual([
      attributesKey({ 'service.name': s.serviceName, ...s.replayExtra }),
    ]);
    expect(run.result.service.name).toBe(s.serviceName);
    seen.push({
      scenario: s.name,
      live: livePoints[0]!.resource,
      replay: replayPoints[0]!.resource,
      from: run.result.service.from,
    });
  });
});

describe("tokf's reading of its config.toml and OTEL_RESOURCE_ATTRIBUTES, and ours", () => {
  let own: TokfSandbox;
  beforeAll(() => {
    own = new TokfSandbox('config-reading');
  });

  /** The service name `tokf telemetry status` reports. */
  async function tokfSays(extra: NodeJS.ProcessEnv = {}): Promise<string> {
    const run = await own.runOk(['telemetry', 'status'], undefined, extra);
    const found = /^service: {3}([\s\S]*?)\npipeline: /m.exec(run.stdout);
    if (found === null) throw new Error(`tokf telemetry status said:\n${run.stdout}`);
    return found[1]!;
  }

  const configFile = () => path.join(own.home, 'config.toml');

  it.each(CONFIG_CASES.map((c) => [c.name, c] as const))('config.toml: %s', async (_name, c) => {
    fs.writeFileSync(configFile(), c.toml);
    const theirs = await tokfSays();
    expect(theirs).toBe(c.serviceName);
    expect(tokfServiceName({}, own.home).name).toBe(theirs);
  });

  it('config.toml: not UTF-8', async () => {
    fs.writeFileSync(
      configFile(),
      Buffer.from('[telemetry]\nservice_name = "caf\xe9"\n', 'latin1'),
    );
    expect(await tokfSays()).toBe('tokf');
    expect(tokfServiceName({}, own.home).name).toBe('tokf');
  });

  it.each([
    'a=1, service.name = svc ,service.name=second',
    'service.name=a%20b',
    'service.name=x=y',
    'junk,service.name=after-junk',
    'service.name=',
    '',
    'service.namespace=n',
    'service.name=\uFEFFbom',
    ' service.name\t=\ttabs\t',
  ])('OTEL_RESOURCE_ATTRIBUTES=%j', async (attributes) => {
    fs.writeFileSync(configFile(), FROM_CONFIG);
    const env = { OTEL_RESOURCE_ATTRIBUTES: attributes };
    const theirs = await tokfSays(env);
    expect(theirs).toBe(serviceNameAsTokfReads(attributes) ?? 'from-config');
    expect(tokfServiceName(env, own.home).name).toBe(theirs);
  });
});

describe("the action's tokf-live-export input, with real tokf in a later step", () => {
  it.each([
    ['keep', 1],
    ['off', 0],
  ] as const)('%s: %i live request(s)', async (mode, requests) => {
    const own = new TokfSandbox(`live-export-${mode}`);
    const collector = await Collector.start();
    try {
      // tokf's own configuration turns its live export on.
      fs.writeFileSync(
        path.join(own.home, 'config.toml'),
        `[telemetry]\nenabled = true\nendpoint = "${collector.metricsUrl}"\n`,
      );
      const job = new ActionJob(
        {},
        {
          restore: 'none',
          'save-cache': 'false',
          'otlp-artifact': 'never',
          'tokf-live-export': mode,
        },
      );
      const main = await job.runMain();
      expect(main.code).toBe(0);
      // The later step sees what the main step exported, and nothing else sets the variable.
      await own.runOk(['run', 'echo', 'later step'], undefined, {
        TOKF_TELEMETRY_ENABLED: undefined,
        ...main.exported,
      });
      expect(readEvents(own.db)).toHaveLength(1);
      if (requests > 0) await collector.waitForPoints((points) => points.length > 0);
      await collector.barrier();
      expect(collector.lines()).toHaveLength(requests);
      measured[`tokfLiveExport_${mode}`] = { exported: main.exported, liveRequests: requests };
    } finally {
      await collector.stop();
    }
  });
});
