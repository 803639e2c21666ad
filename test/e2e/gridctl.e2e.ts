/**
 * `telemetry-sync replay --gridctl` (issue 25) against the real peers. A gridctl telemetry
 * directory written as gridctl writes it (test/helpers/gridctl-fixture.ts says which gridctl code
 * each file follows) with several servers, a counter reset, a cost-only reset, a rotated gzipped
 * sibling, legacy lines without cost, `__skills__` prompt usage and a torn last line, times in the
 * last half hour:
 * - into the Collector: every log record, span and metric point lands, as its pdata-based file
 *   exporter writes them back (a decoder we did not write); a second run sends nothing; lines
 *   appended and a rotation send only the new ones;
 * - into Prometheus (stock, OTLP receiver on): every raw sample is the line's total at the line's
 *   time, the latest value the last `total`, the restart one counter reset, and the change between
 *   two times the sum of the lines' diffs between them;
 * - into VictoriaMetrics: `increase()` (which does not extrapolate there) over a window is the sum
 *   of that window's diffs, for tokens and for cost.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import type { ReplayFilesResult } from '../../src/engine/jsonl-result.js';
import {
  rotatedName,
  ServerFlusher,
  slogLine,
  writeGridctlFixture,
  type GridctlFixture,
} from '../helpers/gridctl-fixture.js';
import { decodeMetricsDataJson, flattenPoints } from '../helpers/otlp-proto.js';
import { runCli } from '../helpers/run-cli.js';
import { Collector } from './helpers/collector.js';
import { startOtlpReceiver } from '../helpers/otlp-receiver.js';
import { e2eTmpDir, peerBin, removeE2eTmpDir } from './helpers/peers.js';
import { Prometheus, createBlocksFromOpenMetrics } from './helpers/prometheus.js';
import { VictoriaMetrics } from './helpers/victoriametrics.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MIN = 60_000_000_000n;
/** The fixture's first minute: half an hour back, inside Prometheus's head window. */
const START = ((BigInt(Date.now()) * 1_000_000n - 30n * MIN) / MIN) * MIN;

afterAll(() => removeE2eTmpDir());

async function replay(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = await runCli(['replay', '--gridctl', ...args, '--json'], env);
  let result: ReplayFilesResult;
  try {
    result = JSON.parse(run.stdout) as ReplayFilesResult;
  } catch {
    throw new Error(`replay printed no result (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { ...run, result };
}

function fixtureIn(name: string): GridctlFixture {
  const dir = fs.mkdtempSync(path.join(e2eTmpDir(), `${name}-`));
  return writeGridctlFixture(path.join(dir, 'telemetry'), START);
}

/** The metric lines of a server (reset markers left out), parsed. */
function linesOf(fixture: GridctlFixture, server: string): Loose[] {
  return fixture.metricsLines[server]!.map((l) => JSON.parse(l) as Loose).filter(
    (l) => l.diff !== undefined,
  );
}

/** RFC 3339 to nanoseconds, independently of the decoder under test. */
function nanosOf(ts: string): bigint {
  const frac = /\.(\d+)/.exec(ts)?.[1] ?? '';
  const whole = ts.replace(/\.\d+/, '');
  return BigInt(Date.parse(whole) / 1000) * 1_000_000_000n + BigInt(frac.padEnd(9, '0') || '0');
}
const ms = (ts: string) => Number(nanosOf(ts) / 1_000_000n);

function attributes(item: Loose): Record<string, unknown> {
  return Object.fromEntries(
    ((item.attributes ?? []) as Loose[]).map((kv) => [kv.key, Object.values(kv.value)[0]]),
  );
}

describe('into the Collector v0.161.0', () => {
  let collector: Collector;
  let fixture: GridctlFixture;
  let state: string;
  beforeAll(async () => {
    collector = await Collector.start({ signals: ['metrics', 'logs', 'traces'] });
    fixture = fixtureIn('collector');
    state = path.join(path.dirname(fixture.root), 'state.db');
  }, 60_000);
  afterAll(async () => {
    await collector?.stop();
  });

  const send = () =>
    replay([
      fixture.root,
      '--endpoint',
      collector.endpoint,
      '--temporality',
      'cumulative',
      '--state',
      state,
    ]);

  const parsed = () => collector.lines().map((l) => JSON.parse(l) as Loose);
  const logRecords = () =>
    parsed()
      .flatMap((d) => (d.resourceLogs ?? []) as Loose[])
      .flatMap((rl) =>
        (rl.scopeLogs as Loose[]).flatMap((sl) =>
          (sl.logRecords as Loose[]).map((r): Loose => ({
            ...r,
            server: attributes(rl.resource)['server.name'],
          })),
        ),
      );
  const spans = () =>
    parsed()
      .flatMap((d) => (d.resourceSpans ?? []) as Loose[])
      .flatMap((rs) => (rs.scopeSpans as Loose[]).flatMap((ss) => ss.spans as Loose[]));

  it('every log record, span and metric point lands as the Collector parses it', async () => {
    const run = await send();
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'delivered', badLines: 0, refusedLines: 0 });
    const metricLines = Object.keys(fixture.metricsLines).flatMap((s) => linesOf(fixture, s));
    expect(run.result.signals).toEqual({ metrics: metricLines.length, logs: 5, traces: 2 });
    await collector.waitForLines(run.result.requests);

    // Logs: each slog line's time to the nanosecond, severity, body, attributes, trace context.
    const records = logRecords();
    const expected = Object.entries(fixture.logLines).flatMap(([server, lines]) =>
      lines.map((l) => ({ server, line: JSON.parse(l) as Loose })),
    );
    expect(records).toHaveLength(expected.length);
    for (const { server, line } of expected) {
      const record = records.find((r) => r.body.stringValue === line.msg && r.server === server);
      expect(record).toBeDefined();
      expect(record!.timeUnixNano).toBe(String(nanosOf(line.ts)));
      expect(record!.severityText).toBe(line.level);
      const base = { DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17 }[
        String(line.level)
          .slice(0, 5)
          .replace(/[+-].*/, '')
      ];
      const offset = Number(/([+-]\d+)$/.exec(line.level)?.[1] ?? 0);
      expect(record!.severityNumber).toBe((base ?? 0) + offset);
      expect(record!.traceId ?? '').toBe(line.trace_id ?? '');
      expect(record!.spanId ?? '').toBe(line.span_id ?? '');
      expect(attributes(record!).component).toBe(line.component);
    }
    const failed = records.find((r) => r.body.stringValue === 'tool call failed')!;
    expect(attributes(failed)['request.params.query']).toBe('is:open');

    expect(spans().map((s) => s.name)).toEqual(fixture.spanNames);

    // Metrics: the Collector's points (decoded with the official schema) against the lines.
    const points = collector
      .lines()
      .filter((l) => l.startsWith('{"resourceMetrics"'))
      .flatMap((line) => {
        const { decoded, issues } = decodeMetricsDataJson(line);
        expect(issues).toEqual([]);
        return flattenPoints(decoded);
      });
    for (const server of ['github', 'filesystem', 'legacy']) {
      const input = points.filter(
        (p) =>
          p.metric === 'gridctl.token.usage' &&
          p.attributes['server.name'] === server &&
          p.attributes['gen_ai.token.type'] === 'input',
      );
      const lines = linesOf(fixture, server);
      expect(input.map((p) => [p.timeUnixNano, p.value])).toEqual(
        lines.map((l) => [String(nanosOf(l.ts)), l.total.input_tokens]),
      );
      expect(input.every((p) => p.temporality === 2 && p.isMonotonic)).toBe(true);
    }
    const githubCost = points.filter(
      (p) => p.metric === 'gridctl.cost' && p.attributes['server.name'] === 'github',
    );
    const last = linesOf(fixture, 'github').at(-1)!;
    const lastCost = githubCost.filter((p) => p.timeUnixNano === String(nanosOf(last.ts)));
    expect(
      Object.fromEntries(lastCost.map((p) => [p.attributes['gridctl.cost.type'], p.value])),
    ).toEqual({
      input: last.cost_total.input_micro_usd / 1e6,
      output: last.cost_total.output_micro_usd / 1e6,
      // Left out of cost_total as zero (omitempty): zero.
      cache_read: 0,
      cache_write: 0,
    });
    const skills = points.filter((p) => p.metric === 'gridctl.prompt.calls');
    expect(skills.map((p) => [p.attributes['gen_ai.prompt.name'], p.value])).toEqual([
      ['code-review', 2],
      ['code-review', 3],
      ['write-tests', 1],
      ['code-review', 1],
    ]);
  });

  it('a second run sends nothing; appended lines and a rotation send only the new ones', async () => {
    const before = collector.lines().length;
    const again = await send();
    expect(again.code).toBe(0);
    expect(again.result.requests).toBe(0);
    expect(collector.lines()).toHaveLength(before);

    // gridctl flushes once more, lumberjack rotates (renamed, gzipped) and gridctl goes on.
    const server = path.join(fixture.root, fixture.stack, 'github');
    const flusher = new ServerFlusher('github');
    flusher.flush(START, { tokens: { input: 260, output: 81 } });
    const appended = flusher.flush(START + 10n * MIN, { tokens: { input: 300, output: 90 } });
    fs.appendFileSync(path.join(server, 'metrics.jsonl'), appended.map((l) => `${l}\n`).join(''));
    const rotated = path.join(
      server,
      rotatedName('metrics', Number((START + 10n * MIN) / 1_000_000n) + 500),
    );
    fs.renameSync(path.join(server, 'metrics.jsonl'), rotated);
    fs.writeFileSync(`${rotated}.gz`, zlib.gzipSync(fs.readFileSync(rotated)));
    fs.rmSync(rotated);
    const after = flusher.flush(START + 11n * MIN, { tokens: { input: 310, output: 95 } });
    fs.writeFileSync(path.join(server, 'metrics.jsonl'), after.map((l) => `${l}\n`).join(''));
    fs.appendFileSync(
      path.join(server, 'logs.jsonl'),
      `${slogLine(START + 11n * MIN, 'INFO', 'later', { component: 'github' })}\n`,
    );

    const third = await send();
    expect(third.code).toBe(0);
    expect(third.result.signals).toEqual({ metrics: 2, logs: 1, traces: 0 });
    await collector.waitForLines(before + 3);
    const newLines = collector
      .lines()
      .slice(before)
      .map((l) => JSON.parse(l) as Loose);
    const values = newLines
      .flatMap((d) => (d.resourceMetrics ?? []) as Loose[])
      .flatMap((rm) => (rm.scopeMetrics as Loose[]).flatMap((sm) => sm.metrics as Loose[]))
      .filter((m) => m.name === 'gridctl.token.usage')
      .flatMap((m) => m.sum.dataPoints as Loose[])
      .filter((p) => attributes(p)['gen_ai.token.type'] === 'input')
      .map((p) => [p.timeUnixNano, p.asInt, p.startTimeUnixNano]);
    expect(values).toEqual([
      [String(START + 10n * MIN), '300', String(START + 4n * MIN)],
      [String(START + 11n * MIN), '310', String(START + 4n * MIN)],
    ]);
  });
});

describe("pdata's own parser (otlpcheck) on the metrics requests", () => {
  it('reads every field of every metrics body as written, both temporalities', async () => {
    const receiver = await startOtlpReceiver();
    try {
      for (const temporality of ['cumulative', 'delta']) {
        const fixture = fixtureIn(`otlpcheck-${temporality}`);
        const run = await replay([
          fixture.root,
          '--signals',
          'metrics',
          '--temporality',
          temporality,
          '--protocol',
          'http/json',
          '--endpoint',
          receiver.url,
          '--state',
          path.join(path.dirname(fixture.root), 'state.db'),
        ]);
        expect(run.code).toBe(0);
        const bodies = receiver.requests.map((r) => r.body.toString('utf8'));
        receiver.clear();
        const file = path.join(path.dirname(fixture.root), 'metrics.jsonl');
        fs.writeFileSync(file, bodies.map((b) => `${b}\n`).join(''));
        const check = spawnSync(peerBin('otlpcheck'), [file], { encoding: 'utf8' });
        expect(check.stderr).toBe('');
        expect(check.status).toBe(0);
        const reports = check.stdout
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as { dataPoints: number; parsed: unknown });
        expect(reports).toHaveLength(bodies.length);
        // pdata skips keys it does not know: a misspelt field would parse "fine" and vanish.
        reports.forEach((report, i) => {
          expect(report.dataPoints).toBeGreaterThan(0);
          expect(withoutDefaults(report.parsed)).toEqual(withoutDefaults(JSON.parse(bodies[i]!)));
        });
      }
    } finally {
      await receiver.close();
    }
  });
});

/** Proto3 JSON leaves zero values out; pdata and the transformer differ in which they write. */
function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const v = withoutDefaults(raw);
    const empty =
      v === null ||
      v === 0 ||
      v === '' ||
      v === false ||
      (Array.isArray(v) && v.length === 0) ||
      (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
    if (!empty) out[key] = v;
  }
  return out;
}

describe('into Prometheus v0.316.0 (cumulative, --backend prometheus)', () => {
  let prometheus: Prometheus;
  let fixture: GridctlFixture;
  beforeAll(async () => {
    prometheus = await Prometheus.start();
    fixture = fixtureIn('prometheus');
    const run = await replay([
      fixture.root,
      '--signals',
      'metrics',
      '--backend',
      'prometheus',
      '--endpoint',
      prometheus.url,
      '--state',
      path.join(path.dirname(fixture.root), 'state.db'),
    ]);
    if (run.code !== 0) throw new Error(`replay failed: ${run.stderr}\n${prometheus.log()}`);
  }, 120_000);
  afterAll(async () => {
    await prometheus?.stop();
  }, 30_000);

  const github = (name: string, labels = '') =>
    `${name}{server_name="github",gridctl_stack="dev",job="gridctl"${labels}}`;

  it("every raw sample is the line's total at its time; the latest is the last total", async () => {
    const lines = linesOf(fixture, 'github');
    const series = await prometheus.promql.query(
      `${github('gridctl_token_usage_total', ',gen_ai_token_type="input"')}[2h]`,
    );
    expect(series).toHaveLength(1);
    expect(series[0]!.samples).toEqual(lines.map((l) => [ms(l.ts) / 1000, l.total.input_tokens]));
    const last = lines.at(-1)!;
    expect(
      await prometheus.promql.scalar(
        `last_over_time(${github('gridctl_token_usage_total', ',gen_ai_token_type="output"')}[2h])`,
      ),
    ).toBe(last.total.output_tokens);
    expect(
      await prometheus.promql.scalar(
        `last_over_time(${github('gridctl_cost_USD_total', ',gridctl_cost_type="input"')}[2h])`,
      ),
    ).toBe(last.cost_total.input_micro_usd / 1e6);
    expect(
      await prometheus.promql.scalar(
        `resets(${github('gridctl_token_usage_total', ',gen_ai_token_type="input"')}[2h])`,
      ),
    ).toBe(1);
  });

  it("between two times, the counter moved by the sum of the lines' diffs", async () => {
    const lines = linesOf(fixture, 'github');
    // After the restart (minute 4), tokens go on through the cost-only reset.
    const from = lines.find((l) => nanosOf(l.ts) === START + 5n * MIN)!;
    const to = lines.at(-1)!;
    const diffs = lines
      .filter((l) => nanosOf(l.ts) > nanosOf(from.ts) && nanosOf(l.ts) <= nanosOf(to.ts))
      .reduce((n, l) => n + l.diff.input_tokens, 0);
    const sel = github('gridctl_token_usage_total', ',gen_ai_token_type="input"');
    const at = async (t: number) => prometheus.promql.scalar(`last_over_time(${sel}[30s])`, t);
    expect((await at(ms(to.ts) / 1000))! - (await at(ms(from.ts) / 1000))!).toBe(diffs);
  });

  it('names the metrics as the README says, per tool, model and skill', async () => {
    const names = (await prometheus.promql.metricNames()).filter((n) => n.startsWith('gridctl_'));
    expect(names).toEqual([
      'gridctl_cost_USD_total',
      'gridctl_model_cost_USD_total',
      'gridctl_model_token_usage_total',
      'gridctl_prompt_calls_total',
      'gridctl_token_usage_total',
      'gridctl_tool_calls_total',
      'gridctl_tool_cost_USD_total',
      'gridctl_tool_token_usage_total',
    ]);
    expect(
      await prometheus.promql.scalar(
        `last_over_time(${github('gridctl_tool_calls_total', ',gen_ai_tool_name="search"')}[2h])`,
      ),
    ).toBe(5);
    expect(
      await prometheus.promql.scalar(
        `last_over_time(gridctl_prompt_calls_total{server_name="__skills__",gen_ai_prompt_name="code-review"}[2h])`,
      ),
    ).toBe(1);
  });
});

describe('history older than Prometheus takes: --openmetrics-out and promtool', () => {
  it("a Prometheus started on the blocks of metrics.om answers every line's total at its time", async () => {
    // Three days back: far out of any live head's window.
    const old = START - 3n * 24n * 60n * MIN;
    const dir = fs.mkdtempSync(path.join(e2eTmpDir(), 'backfill-'));
    const fixture = writeGridctlFixture(path.join(dir, 'telemetry'), old);
    const out = path.join(dir, 'om');
    const run = await replay([
      fixture.root,
      '--signals',
      'metrics',
      '--dry-run',
      '--openmetrics-out',
      out,
      '--state',
      path.join(dir, 'state.db'),
    ]);
    expect(run.code).toBe(0);
    expect(run.result.backfill?.path).toBe(path.join(out, 'metrics.om'));
    const blocks = path.join(dir, 'blocks', 'data');
    await createBlocksFromOpenMetrics(path.join(out, 'metrics.om'), blocks);
    const restored = await Prometheus.start({ storage: blocks, scrapeItself: false });
    try {
      const lines = linesOf(fixture, 'github');
      const end = ms(lines.at(-1)!.ts) / 1000;
      const series = await restored.promql.query(
        `gridctl_token_usage_total{server_name="github",gen_ai_token_type="input"}[1h]`,
        end,
      );
      expect(series).toHaveLength(1);
      expect(series[0]!.samples).toEqual(lines.map((l) => [ms(l.ts) / 1000, l.total.input_tokens]));
      expect(
        await restored.promql.scalar(
          `last_over_time(gridctl_cost_USD_total{server_name="github",gridctl_cost_type="input"}[1h])`,
          end,
        ),
      ).toBe(lines.at(-1)!.cost_total.input_micro_usd / 1e6);
    } finally {
      await restored.stop();
    }
  }, 120_000);
});

describe('into VictoriaMetrics v1.151.0 (cumulative, --backend victoriametrics)', () => {
  let vm: VictoriaMetrics;
  let fixture: GridctlFixture;
  beforeAll(async () => {
    vm = await VictoriaMetrics.start();
    fixture = fixtureIn('victoriametrics');
    const run = await replay([
      fixture.root,
      '--signals',
      'metrics',
      '--backend',
      'victoriametrics',
      '--endpoint',
      vm.url,
      '--state',
      path.join(path.dirname(fixture.root), 'state.db'),
    ]);
    if (run.code !== 0) throw new Error(`replay failed: ${run.stderr}`);
    await vm.forceFlush();
  }, 120_000);
  afterAll(async () => {
    await vm?.stop();
  }, 30_000);

  const sel = (name: string, labels: string) =>
    `{__name__="${name}",server.name="github",gridctl.stack="dev"${labels}}`;

  it.each([
    [
      'tokens',
      'gridctl.token.usage',
      ',gen_ai.token.type="input"',
      (l: Loose) => l.diff.input_tokens,
    ],
    [
      'cost',
      'gridctl.cost',
      ',gridctl.cost.type="input"',
      (l: Loose) => (l.cost_diff?.input_micro_usd ?? 0) / 1e6,
    ],
  ])(
    "increase() over a window is the sum of the window's diffs (%s)",
    async (_, name, labels, diff) => {
      const lines = linesOf(fixture, 'github');
      // Windows ending at a line, starting after an earlier one: across the restart, across the
      // cost-only reset, and within one stretch.
      for (const [fromMinute, toMinute] of [
        [1, 5],
        [5, 9],
        [3, 7],
      ] as const) {
        const from = START + BigInt(fromMinute) * MIN;
        const to = START + BigInt(toMinute) * MIN;
        const windowSeconds = Number((to - from) / 1_000_000_000n);
        const expected = lines
          .filter((l) => nanosOf(l.ts) > from && nanosOf(l.ts) <= to)
          .reduce((n, l) => n + diff(l), 0);
        const got = await vm.promql.scalar(
          `increase(${sel(name, labels)}[${windowSeconds}s])`,
          Number(to / 1_000_000_000n),
        );
        expect(got).toBeCloseTo(expected, 9);
      }
    },
  );

  it('the latest value is the last total', async () => {
    const last = linesOf(fixture, 'github').at(-1)!;
    expect(
      await vm.promql.scalar(
        `last_over_time(${sel('gridctl.token.usage', ',gen_ai.token.type="input"')}[2h])`,
      ),
    ).toBe(last.total.input_tokens);
  });
});
