import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildJsonlConfig } from '../../src/config/jsonl-config.js';
import type { ReplaySettings } from '../../src/config/replay-settings.js';
import { runReplayFiles } from '../../src/engine/index.js';
import { UsageError } from '../../src/errors.js';
import type { Loose } from '../helpers/jsonl-files.js';
import {
  goTime,
  legacyLine,
  rotatedName,
  ServerFlusher,
  slogLine,
  writeGridctlFixture,
  type GridctlFixture,
} from '../helpers/gridctl-fixture.js';
import { flattenPoints, OtlpReceiver, startOtlpReceiver } from '../helpers/otlp-receiver.js';

let receiver: OtlpReceiver;
let dir: string;
let fixture: GridctlFixture;
const START = 1_777_550_400_000_000_000n; // 2026-04-30T12:00:00Z
const MIN = 60_000_000_000n;

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  dir = mkdtempSync(join(tmpdir(), 'gridctl-replay-'));
  fixture = writeGridctlFixture(join(dir, 'telemetry'), START);
});
afterEach(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

async function replay(settings: ReplaySettings = {}, paths = [fixture.root]) {
  const config = buildJsonlConfig(
    { endpoint: receiver.url, state: join(dir, 'state.db'), gridctl: true, ...settings },
    paths,
    {},
    Date.now(),
  );
  const log: string[] = [];
  const result = await runReplayFiles(config, {
    now: Date.now,
    log: (line) => log.push(line),
    userAgent: 'test',
    retryPolicy: { initialBackoffMs: 1, maxBackoffMs: 1, budgetMs: 50 },
  });
  const requests = [...receiver.requests];
  receiver.clear();
  return { result, requests, log };
}

/** Every metric point received, flattened, with the server it is for. */
function points(requests: Loose[]) {
  return requests
    .filter((r) => r.decoded !== undefined)
    .flatMap((r) => flattenPoints(r.decoded))
    .map((p: Loose) => ({ ...p, server: p.attributes['server.name'] }));
}

function logRecords(requests: Loose[]): Loose[] {
  return requests
    .filter((r) => r.signalDecoded?.signal === 'logs')
    .flatMap((r) => r.signalDecoded.resourceLogs)
    .flatMap((rl: Loose) =>
      rl.scopeLogs.flatMap((sl: Loose) =>
        sl.logRecords.map((lr: Loose) => ({ ...lr, resource: rl.resource })),
      ),
    );
}

const attrsOf = (list: Loose[]) =>
  Object.fromEntries(
    list.map((a: Loose) => [a.key, Object.values(a.value).find((v) => v !== null)]),
  );

describe('replay --gridctl', () => {
  it('sends every signal of every server, each request decoded with the official schema', async () => {
    const { result, requests } = await replay({ temporality: 'cumulative' });
    expect(requests.every((r) => r.decodeError === undefined && r.jsonIssues.length === 0)).toBe(
      true,
    );
    const paths = new Set(requests.map((r) => r.path));
    expect(paths).toEqual(new Set(['/v1/logs', '/v1/metrics', '/v1/traces']));
    // Every line but the reset markers, the torn last line (held back) and nothing else.
    const metricLines = Object.values(fixture.metricsLines)
      .flat()
      .filter((l) => !isMarker(l));
    expect(result.signals.metrics).toBe(metricLines.length);
    expect(result.signals.logs).toBe(Object.values(fixture.logLines).flat().length);
    expect(result.signals.traces).toBe(2);
    expect(result).toMatchObject({ badLines: 0, exitCode: 0, status: 'delivered' });
    expect(
      result.files.find((f) => f.path.endsWith(join('legacy', 'metrics.jsonl')))?.heldBack,
    ).toBe(true);
    // The rotated gzipped sibling is read before the active file.
    const githubMetrics = result.files.filter((f) => f.path.includes(join('github', 'metrics')));
    expect(githubMetrics.map((f) => f.gzip)).toEqual([true, false]);
  });

  it('cumulative: each line states its totals since the last reset, cost exact in USD', async () => {
    const { requests } = await replay({ temporality: 'cumulative' });
    const all = points(requests);
    const github = all.filter((p) => p.server === 'github');
    const input = github.filter(
      (p) => p.metric === 'gridctl.token.usage' && p.attributes['gen_ai.token.type'] === 'input',
    );
    const lines = fixture.metricsLines
      .github!.filter((l) => !isMarker(l))
      .map((l) => JSON.parse(l));
    expect(input.map((p) => Number(p.value))).toEqual(lines.map((l) => l.total.input_tokens));
    expect(input.map((p) => p.timeUnixNano)).toEqual(lines.map((l) => nanosOf(l.ts)));
    // The start is the last reset's ts: the first line's, then the restart's (minute 4).
    const resetTs = lines.filter((l) => l.reset).map((l) => nanosOf(l.ts));
    expect(resetTs).toHaveLength(2);
    expect(input.map((p) => p.startTimeUnixNano)).toEqual(
      lines.map((l) => (BigInt(nanosOf(l.ts)) < BigInt(resetTs[1]!) ? resetTs[0] : resetTs[1])),
    );
    // Cost: the cost-only reset starts the cost series again, tokens go on.
    const costInput = github.filter(
      (p) => p.metric === 'gridctl.cost' && p.attributes['gridctl.cost.type'] === 'input',
    );
    const costResetTs = nanosOf(lines.find((l) => l.cost_reset && !l.reset).ts);
    const last = lines.at(-1);
    expect(costInput.at(-1)).toMatchObject({ startTimeUnixNano: costResetTs, value: 480 / 1e6 });
    expect(input.at(-1)!.startTimeUnixNano).toBe(resetTs[1]);
    expect(Number(input.at(-1)!.value)).toBe(last.total.input_tokens);
    // Per tool, per model, per skill.
    const toolCalls = github.filter(
      (p) => p.metric === 'gridctl.tool.calls' && p.attributes['gen_ai.tool.name'] === 'search',
    );
    expect(Number(toolCalls.at(-1)!.value)).toBe(5);
    const toolCost = github.filter(
      (p) => p.metric === 'gridctl.tool.cost' && p.attributes['gen_ai.tool.name'] === 'search',
    );
    expect(toolCost.at(-1)!.value).toBe(1245 / 1e6);
    const modelCost = github.filter((p) => p.metric === 'gridctl.model.cost');
    expect(modelCost.at(-1)).toMatchObject({
      attributes: expect.objectContaining({ 'gen_ai.request.model': 'claude-haiku-4' }),
      value: 1245 / 1e6,
    });
    const skills = all.filter((p) => p.metric === 'gridctl.prompt.calls');
    expect(skills.map((p) => [p.attributes['gen_ai.prompt.name'], Number(p.value)])).toEqual([
      ['code-review', 2],
      ['code-review', 3],
      ['write-tests', 1],
      ['code-review', 1],
    ]);
    // The restart shows as a new start on the skill whose count went down.
    expect(skills.at(-1)!.startTimeUnixNano).toBe(String(START + 7n * MIN));
    expect(all.some((p) => p.server === '__skills__' && p.metric === 'gridctl.token.usage')).toBe(
      false,
    );
    // Legacy lines: tokens only.
    const legacy = all.filter((p) => p.server === 'legacy');
    expect(new Set(legacy.map((p) => p.metric))).toEqual(new Set(['gridctl.token.usage']));
    // Stack and server on every point (Prometheus-family backends make series of point attributes).
    expect(
      all.every((p) => p.attributes['gridctl.stack'] === 'dev' && p.server !== undefined),
    ).toBe(true);
  });

  it("delta: each point is the line's gain over the time since the server's line before", async () => {
    const { requests } = await replay({ temporality: 'delta' });
    const github = points(requests).filter((p) => p.server === 'github');
    const input = github.filter(
      (p) => p.metric === 'gridctl.token.usage' && p.attributes['gen_ai.token.type'] === 'input',
    );
    const lines = fixture.metricsLines
      .github!.filter((l) => !isMarker(l))
      .map((l) => JSON.parse(l));
    const withGain = lines.filter((l) => l.diff.input_tokens !== 0);
    expect(input.map((p) => Number(p.value))).toEqual(withGain.map((l) => l.diff.input_tokens));
    expect(input.reduce((s, p) => s + Number(p.value), 0)).toBe(
      lines.reduce((s, l) => s + l.diff.input_tokens, 0),
    );
    // Cost deltas add up in integer micro-USD to the cost lines' diffs.
    const costMicro = github
      .filter((p) => p.metric === 'gridctl.cost')
      .reduce((s, p) => s + Math.round(p.value * 1e6), 0);
    const diffs = lines.reduce(
      (s, l) =>
        s + Object.values((l.cost_diff ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0),
      0,
    );
    expect(costMicro).toBe(diffs);
    expect(points(requests).every((p: Loose) => p.temporality === 1)).toBe(true);
  });

  it('sends the logs and metrics it makes in protobuf by default, http/json on request; traces as they are', async () => {
    const proto = await replay({ temporality: 'cumulative' });
    const types = (reqs: Loose[], path: string) =>
      new Set(reqs.filter((r) => r.path === path).map((r) => r.contentType));
    expect(types(proto.requests, '/v1/metrics')).toEqual(new Set(['application/x-protobuf']));
    expect(types(proto.requests, '/v1/logs')).toEqual(new Set(['application/x-protobuf']));
    expect(types(proto.requests, '/v1/traces')).toEqual(new Set(['application/json']));
    rmSync(join(dir, 'state.db'));
    const json = await replay({ temporality: 'cumulative', protocol: 'http/json' });
    expect(types(json.requests, '/v1/metrics')).toEqual(new Set(['application/json']));
    // The same points either way.
    expect(points(json.requests)).toEqual(points(proto.requests));
    expect(() =>
      buildJsonlConfig(
        { gridctl: true, protocol: 'grpc', endpoint: receiver.url },
        [dir],
        {},
        Date.now(),
      ),
    ).toThrow(UsageError);
  });

  it('logs: slog lines as log records with time, severity, body, flattened attributes and trace ids', async () => {
    const { requests } = await replay({ signals: 'logs' });
    const records = logRecords(requests);
    expect(records).toHaveLength(5);
    const failed = records.find((r) => r.body.stringValue === 'tool call failed')!;
    expect(failed).toMatchObject({
      timeUnixNano: String(START + 4n * MIN + 999_999_999n),
      severityNumber: 19,
      severityText: 'ERROR+2',
    });
    expect(Buffer.from(failed.traceId, 'base64').toString('hex')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(Buffer.from(failed.spanId, 'base64').toString('hex')).toBe('00f067aa0ba902b7');
    expect(attrsOf(failed.attributes)).toEqual({
      tool: 'search',
      'request.id': '7',
      'request.params.query': 'is:open',
      retried: false,
      component: 'github',
    });
    expect(attrsOf(failed.resource.attributes)).toEqual({
      'service.name': 'gridctl',
      'gridctl.stack': 'dev',
      'server.name': 'github',
    });
    const started = records.find((r) => r.body.stringValue === 'server started')!;
    expect(started).toMatchObject({
      timeUnixNano: String(START + 123_456_789n),
      severityNumber: 9,
    });
    expect(records.find((r) => r.severityText === 'DEBUG')!.severityNumber).toBe(5);
    // A trace id without a span id: the span id stays empty.
    expect(records.find((r) => r.body.stringValue === 'tool call')!.spanId).toBe('');
    expect(records.find((r) => r.severityText === 'WARN')!.severityNumber).toBe(13);
    // Oldest first: the rotated sibling before the active file.
    expect(
      records
        .filter((r) => r.resource.attributes.some((a: Loose) => a.value.stringValue === 'github'))
        .map((r) => r.body.stringValue),
    ).toEqual(['server started', 'tools listed', 'tool call failed', 'tool call']);
  });

  it('a second run sends nothing; appended lines and a rotation send only what is new', async () => {
    const first = await replay({ temporality: 'cumulative' });
    expect(first.result.exitCode).toBe(0);
    const second = await replay({ temporality: 'cumulative' });
    expect(second.requests).toHaveLength(0);
    expect(second.result.sentLines).toBe(0);

    // gridctl flushes again, then lumberjack rotates the active file away (renamed, later gzipped)
    // and gridctl goes on in a new one.
    const server = join(fixture.root, 'dev', 'github');
    const flusher = new ServerFlusher('github');
    flusher.flush(START, { tokens: { input: 260, output: 81 } }); // the state gridctl had: no line kept
    const appended = flusher.flush(START + 10n * MIN, { tokens: { input: 300, output: 90 } });
    appendFileSync(join(server, 'metrics.jsonl'), appended.map((l) => `${l}\n`).join(''));
    const rotated = join(
      server,
      rotatedName('metrics', Number((START + 10n * MIN) / 1_000_000n) + 500),
    );
    renameSync(join(server, 'metrics.jsonl'), rotated);
    writeFileSync(rotated + '.gz', gzipSync(readFileSync(rotated)));
    rmSync(rotated);
    const after = flusher.flush(START + 11n * MIN, { tokens: { input: 310, output: 95 } });
    writeFileSync(join(server, 'metrics.jsonl'), after.map((l) => `${l}\n`).join(''));
    appendFileSync(
      join(server, 'logs.jsonl'),
      `${slogLine(START + 11n * MIN, 'INFO', 'later', { component: 'github' })}\n`,
    );

    const third = await replay({ temporality: 'cumulative' });
    const input = points(third.requests).filter(
      (p) => p.metric === 'gridctl.token.usage' && p.attributes['gen_ai.token.type'] === 'input',
    );
    expect(input.map((p) => [p.timeUnixNano, Number(p.value), p.startTimeUnixNano])).toEqual([
      [String(START + 10n * MIN), 300, String(START + 4n * MIN)],
      [String(START + 11n * MIN), 310, String(START + 4n * MIN)],
    ]);
    expect(logRecords(third.requests).map((r) => r.body.stringValue)).toEqual(['later']);
    expect(third.result.signals).toEqual({ metrics: 2, logs: 1, traces: 0 });
  });

  it('a stop leaves the series where the last acknowledged line left them', async () => {
    // Acknowledge the first two metrics requests, then fail every one: the run stops.
    receiver.enqueue({}, {}, ...Array.from({ length: 100 }, () => ({ status: 503 })));
    const first = await replay({ temporality: 'cumulative', signals: 'metrics' });
    expect(first.result.stopped).not.toBeNull();
    const second = await replay({ temporality: 'cumulative', signals: 'metrics' });
    const all = [
      ...points(first.requests.filter((r) => r.answeredStatus === 200)),
      ...points(second.requests),
    ];
    const github = all.filter(
      (p) =>
        p.server === 'github' &&
        p.metric === 'gridctl.token.usage' &&
        p.attributes['gen_ai.token.type'] === 'input',
    );
    const lines = fixture.metricsLines
      .github!.filter((l) => !isMarker(l))
      .map((l) => JSON.parse(l));
    expect(github.map((p) => Number(p.value))).toEqual(lines.map((l) => l.total.input_tokens));
    expect(github.at(-1)!.startTimeUnixNano).toBe(nanosOf(lines.filter((l) => l.reset).at(-1).ts));
  });

  it('lines refused as too old are set aside without tripping the breaker', async () => {
    // Prometheus's answer to points before its head's window, for the first eight metrics lines.
    receiver.enqueue(
      ...Array.from({ length: 8 }, () => ({
        status: 400,
        errorMessage: 'too old sample: out of bounds',
      })),
    );
    const { result } = await replay({ temporality: 'cumulative', signals: 'metrics' });
    expect(result.stopped).toBeNull();
    expect(result.refusedLines).toBe(8);
    const lines = Object.values(fixture.metricsLines)
      .flat()
      .filter((l) => !isMarker(l));
    expect(result.sentLines).toBe(lines.length - 8);
    const rejects = readFileSync(join(dir, 'state.rejects.jsonl'), 'utf8').trim().split('\n');
    expect(rejects).toHaveLength(8);
    expect(JSON.parse(rejects[0]!).reason).toMatch(/too old/);
  });

  it('sets bad lines aside with file and line, and goes on', async () => {
    const server = join(fixture.root, 'dev', 'legacy');
    writeFileSync(
      join(server, 'metrics.jsonl'),
      [
        legacyLine(START, 'legacy', { input: 1, output: 1 }, { input: 1, output: 1 }, true),
        '{"ts":"yesterday","server":"legacy"}',
        '{"ts":"2026-04-30T12:03:00Z","server":"legacy","diff":{"input_tokens":"many"}}',
        legacyLine(START + 4n * MIN, 'legacy', { input: 1, output: 1 }, { input: 2, output: 2 }),
      ].join('\n') + '\n',
    );
    writeFileSync(join(server, 'logs.jsonl'), 'not json\n' + slogLine(START, 'INFO', 'ok') + '\n');
    const { result } = await replay({ temporality: 'cumulative' });
    expect(result.badLines).toBe(3);
    const rejects = readFileSync(join(dir, 'state.rejects.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects.map((r) => [r.file.split('/').slice(-2).join('/'), r.line])).toEqual([
      ['legacy/logs.jsonl', 1],
      ['legacy/metrics.jsonl', 2],
      ['legacy/metrics.jsonl', 3],
    ]);
    expect(rejects[1].reason).toMatch(/ts "yesterday" is not an RFC 3339 time/);
    expect(rejects[2].reason).toMatch(/diff.input_tokens is not a whole number/);
  });

  it('--max-age leaves out the metric points older than the horizon and counts them', async () => {
    // The horizon falls between minutes 5 and 6 of the fixture.
    const horizonMs = Number((START + 5n * MIN + 30_000_000_000n) / 1_000_000n);
    const minutes = Math.ceil((Date.now() - horizonMs) / 60_000);
    const { result, requests } = await replay({
      temporality: 'cumulative',
      signals: 'metrics',
      maxAge: `${minutes}m`,
    });
    const sent = points(requests);
    const horizonNs = BigInt(Date.now() - minutes * 60_000) * 1_000_000n;
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((p) => BigInt(p.timeUnixNano) >= horizonNs - 60_000_000_000n)).toBe(true);
    expect(sent.some((p) => BigInt(p.timeUnixNano) < START + 5n * MIN)).toBe(false);
    expect(result.tooOldRecords).toBeGreaterThan(0);
    expect(result.tooOldLines).toBeGreaterThan(0);
    expect(result.exitCode).toBe(0);
    // Done: a second run does not send them.
    const again = await replay({ temporality: 'cumulative', signals: 'metrics' });
    expect(again.requests).toHaveLength(0);
  });

  it('--openmetrics-out writes the cumulative series of the lines read, as Prometheus names them', async () => {
    const out = join(dir, 'om');
    const { result } = await replay({
      temporality: 'delta',
      signals: 'metrics',
      openmetricsOut: out,
    });
    const text = readFileSync(join(out, 'metrics.om'), 'utf8');
    expect(result.backfill).toEqual({ path: join(out, 'metrics.om'), samples: expect.any(Number) });
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE gridctl_token_usage counter\n');
    const lines = fixture.metricsLines
      .github!.filter((l) => !isMarker(l))
      .map((l) => JSON.parse(l));
    const last = lines.at(-1);
    const seconds = Number(BigInt(nanosOf(last.ts)) / 1_000_000_000n);
    expect(text).toContain(
      `gridctl_token_usage_total{gen_ai_token_type="input",gridctl_stack="dev",job="gridctl",server_name="github"} ${last.total.input_tokens} ${seconds}\n`,
    );
    expect(text).toMatch(
      /gridctl_cost_USD_total\{gridctl_cost_type="input",gridctl_stack="dev",job="gridctl",server_name="github"\} 0\.00048 /,
    );
  });

  it("takes a stack directory or one server's directory, and refuses what is not gridctl's", async () => {
    const one = await replay({ signals: 'metrics', dryRun: true }, [
      join(fixture.root, 'dev', 'filesystem'),
    ]);
    expect(one.result.files.map((f) => f.path.split('/').slice(-2).join('/'))).toEqual([
      'filesystem/metrics.jsonl',
    ]);
    const stack = await replay({ signals: 'traces', dryRun: true }, [join(fixture.root, 'dev')]);
    expect(stack.result.files).toHaveLength(1);
    // The root and one of its stacks: each file once.
    const twice = await replay({ dryRun: true }, [fixture.root, join(fixture.root, 'dev')]);
    const once = await replay({ dryRun: true }, [fixture.root]);
    expect(twice.result.files.map((f) => f.path)).toEqual(once.result.files.map((f) => f.path));
    expect(() =>
      buildJsonlConfig({ temporality: 'delta', endpoint: receiver.url }, [dir], {}, Date.now()),
    ).toThrow(UsageError);
    const empty = mkdtempSync(join(dir, 'empty-'));
    await expect(replay({}, [empty])).rejects.toThrow(/no gridctl telemetry files/);
    expect(() =>
      buildJsonlConfig(
        { gridctl: true, backend: 'prometheus', endpoint: receiver.url },
        [dir],
        {},
        Date.now(),
      ),
    ).toThrow(/--backend prometheus takes metrics only/);
  });

  it('--backend prometheus: metrics under its OTLP path as cumulative sums, logs and traces to their own endpoints', async () => {
    const config = buildJsonlConfig(
      {
        gridctl: true,
        backend: 'prometheus',
        endpoint: receiver.url,
        state: join(dir, 'state.db'),
      },
      [fixture.root],
      {
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${receiver.url}/v1/logs`,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
      },
      Date.now(),
    );
    expect(config.gridctl).toEqual({
      signals: ['metrics', 'logs', 'traces'],
      temporality: 'cumulative',
      protocol: 'http/protobuf',
    });
    expect(config.endpoints.metrics?.url).toBe(`${receiver.url}/api/v1/otlp/v1/metrics`);
    expect(config.endpoints.logs?.url).toBe(`${receiver.url}/v1/logs`);
  });
});

function isMarker(line: string): boolean {
  const v = JSON.parse(line);
  return v.reset === true && v.diff === undefined;
}

function nanosOf(ts: string): string {
  const ms = Date.parse(ts);
  const frac = /\.(\d+)/.exec(ts)?.[1] ?? '';
  return String(
    BigInt(Math.floor(ms / 1000)) * 1_000_000_000n + BigInt(frac.padEnd(9, '0') || '0'),
  );
}

void goTime;
