/**
 * gridctl's telemetry files as gridctl writes them. gridctl's Go module cannot be fetched here (the
 * module proxy answers 403), so its writers are followed field by field instead:
 *
 * - metrics lines: pkg/telemetry/metrics.go (MetricsSnapshotLine, MetricsFlusher.flushOnce, the
 *   reset marker) and pkg/metrics/accumulator.go (TokenCounts, CostMicroUSDCounts, ToolStat,
 *   ModelMicroCounts) at github.com/gridctl/gridctl commit 8ef077891ebf81152f9c043d0c96e4048acca208
 *   ("per-tool cost attribution", the last commit with the cost fields; 5245a79 removed them and
 *   gridctl still reads such lines). encoding/json writes struct fields in declaration order,
 *   sorts map keys, omits `omitempty` zeros (but never a time.Time, a struct: a zero
 *   last_called_at is written as 0001-01-01T00:00:00Z), and times as RFC 3339 with nanoseconds,
 *   trailing zeros trimmed.
 * - log lines: pkg/logging/file.go at the same commit (NewFileHandler: slog's stock JSON handler,
 *   `time` renamed `ts` and written with time.RFC3339Nano in the process's zone, `msg`), with
 *   pkg/telemetry/logs.go's LogRouter appending the logger's attributes after the record's; slog
 *   writes `ts`, `level`, `msg`, then attributes, a group as a nested object, a level between the
 *   named ones as `INFO+2`, `ERROR+2`.
 * - file names: lumberjack v2 as pkg/telemetry/inventory.go matches them:
 *   `<signal>-YYYY-MM-DDTHH-MM-SS.fff.jsonl`, `.gz` once compressed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** A time as Go's time.Time marshals it in UTC: RFC 3339, fraction trimmed of trailing zeros. */
export function goTime(ns: bigint, offsetMinutes = 0): string {
  const shifted = ns + BigInt(offsetMinutes) * 60_000_000_000n;
  const seconds = shifted / 1_000_000_000n;
  const frac = (shifted % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const zone =
    offsetMinutes === 0
      ? 'Z'
      : `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0')}:${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}`;
  return `${base}${frac === '' ? '' : `.${frac}`}${zone}`;
}

/** lumberjack's backup name for a rotation at `ms` (UTC): `<signal>-2026-04-30T12-00-00.000.jsonl`. */
export function rotatedName(signal: string, ms: number, gz = false): string {
  const stamp = new Date(ms).toISOString().replace(/:/g, '-').replace('Z', '');
  return `${signal}-${stamp}.jsonl${gz ? '.gz' : ''}`;
}

export interface TokenCounts {
  input: number;
  output: number;
}
export interface CostCounts {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}
export interface ToolStat {
  calls: number;
  lastCalledNs?: bigint;
  input?: number;
  output?: number;
  cost?: number;
}
export interface ModelCounts {
  cost?: number;
  input?: number;
  output?: number;
}

/** One server's accumulator at a flush: what Snapshot, CostMicroSnapshot and the rest return. */
export interface ServerState {
  tokens: TokenCounts;
  cost?: CostCounts;
  tools?: Record<string, ToolStat>;
  models?: Record<string, ModelCounts>;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

function tokenJson(t: TokenCounts) {
  return { input_tokens: t.input, output_tokens: t.output, total_tokens: t.input + t.output };
}
function costJson(c: CostCounts) {
  return omitZero({
    input_micro_usd: c.input,
    output_micro_usd: c.output,
    cache_read_micro_usd: c.cacheRead,
    cache_write_micro_usd: c.cacheWrite,
  });
}
function toolJson(t: ToolStat) {
  return {
    calls: t.calls,
    last_called_at: t.lastCalledNs === undefined ? ZERO_TIME : goTime(t.lastCalledNs),
    ...omitZero({ input_tokens: t.input, output_tokens: t.output, cost_micro_usd: t.cost }),
  };
}
function modelJson(m: ModelCounts) {
  return omitZero({ cost_micro_usd: m.cost, input_tokens: m.input, output_tokens: m.output });
}
function omitZero(o: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && v !== 0),
  ) as Record<string, number>;
}
function isZeroCost(c: CostCounts | undefined): boolean {
  return c === undefined || Object.keys(costJson(c)).length === 0;
}
/** Go's encoding/json writes map keys sorted. */
function sortedMap<T, U>(m: Record<string, T> | undefined, f: (v: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const k of Object.keys(m ?? {}).sort()) out[k] = f((m as Record<string, T>)[k] as T);
  return out;
}

/**
 * MetricsFlusher.flushOnce for one server (8ef0778): token reset on the first flush or when a
 * token count went down, cost reset when a cost component went down after an earlier cost; the
 * full state in `diff` (and `cost_diff`) on a reset; no line when nothing changed; the marker
 * line before a reset line. Returns the lines it writes for this flush.
 */
export class ServerFlusher {
  private prev: TokenCounts | undefined;
  private prevCost: CostCounts | undefined;
  private prevTools = '';
  private prevModels = '';

  constructor(readonly server: string) {}

  flush(nowNs: bigint, current: ServerState): string[] {
    const cost = current.cost ?? {};
    const tokenReset =
      this.prev === undefined ||
      current.tokens.input < this.prev.input ||
      current.tokens.output < this.prev.output;
    const costReset =
      this.prevCost !== undefined &&
      (['input', 'output', 'cacheRead', 'cacheWrite'] as const).some(
        (k) => (cost[k] ?? 0) < ((this.prevCost as CostCounts)[k] ?? 0),
      );
    const diff = tokenReset
      ? current.tokens
      : {
          input: current.tokens.input - (this.prev as TokenCounts).input,
          output: current.tokens.output - (this.prev as TokenCounts).output,
        };
    const costDiff: CostCounts =
      costReset || tokenReset
        ? cost
        : {
            input: (cost.input ?? 0) - (this.prevCost?.input ?? 0),
            output: (cost.output ?? 0) - (this.prevCost?.output ?? 0),
            cacheRead: (cost.cacheRead ?? 0) - (this.prevCost?.cacheRead ?? 0),
            cacheWrite: (cost.cacheWrite ?? 0) - (this.prevCost?.cacheWrite ?? 0),
          };
    const tools = JSON.stringify(sortedMap(current.tools, toolJson));
    const models = JSON.stringify(sortedMap(current.models, modelJson));
    const toolChanged = tools !== this.prevTools;
    const modelChanged = models !== this.prevModels;
    const diffZero = diff.input === 0 && diff.output === 0;
    if (
      !tokenReset &&
      !costReset &&
      diffZero &&
      isZeroCost(costDiff) &&
      !toolChanged &&
      !modelChanged
    )
      return [];
    this.prev = current.tokens;
    this.prevCost = cost;
    this.prevTools = tools;
    this.prevModels = models;
    const ts = goTime(nowNs);
    const line: Record<string, unknown> = { ts, server: this.server };
    if (tokenReset) line.reset = true;
    if (costReset) line.cost_reset = true;
    line.diff = tokenJson(diff);
    line.total = tokenJson(current.tokens);
    if (!isZeroCost(costDiff) || costReset) line.cost_diff = costJson(costDiff);
    if (!isZeroCost(cost)) line.cost_total = costJson(cost);
    if (Object.keys(current.tools ?? {}).length > 0)
      line.tool_usage = sortedMap(current.tools, toolJson);
    if (Object.keys(current.models ?? {}).length > 0)
      line.model_cost = sortedMap(current.models, modelJson);
    const out: string[] = [];
    if (tokenReset) out.push(JSON.stringify({ reset: true, ts, server: this.server }));
    out.push(JSON.stringify(line));
    return out;
  }
}

/**
 * A line of a gridctl release from before the cost fields (and tool usage): what
 * 519cd76's MetricsSnapshotLine wrote, `ts`, `server`, `reset`, `diff`, `total`.
 */
export function legacyLine(
  nowNs: bigint,
  server: string,
  diff: TokenCounts,
  total: TokenCounts,
  reset = false,
): string {
  return JSON.stringify({
    ts: goTime(nowNs),
    server,
    ...(reset && { reset: true }),
    diff: tokenJson(diff),
    total: tokenJson(total),
  });
}

/** The `__skills__` writer's line: cumulative per-skill prompts/get counts, zero token counts. */
export function promptUsageLine(nowNs: bigint, skills: Record<string, ToolStat>): string {
  return JSON.stringify({
    ts: goTime(nowNs),
    server: '__skills__',
    diff: tokenJson({ input: 0, output: 0 }),
    total: tokenJson({ input: 0, output: 0 }),
    prompt_usage: sortedMap(skills, (s) => ({
      calls: s.calls,
      last_called_at: s.lastCalledNs === undefined ? ZERO_TIME : goTime(s.lastCalledNs),
    })),
  });
}

/** One slog record as gridctl's file handler writes it (ts in the process's zone). */
export function slogLine(
  ns: bigint,
  level: string,
  msg: string,
  attrs: Record<string, unknown> = {},
  offsetMinutes = -240,
): string {
  return JSON.stringify({ ts: goTime(ns, offsetMinutes), level, msg, ...attrs });
}

/** A one-span OTLP/JSON TracesData line as gridctl's TracesFileClient writes it (protojson). */
export function spanLine(
  ns: bigint,
  server: string,
  name: string,
  traceId: string,
  spanId: string,
): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gridctl' } }] },
        scopeSpans: [
          {
            scope: { name: 'github.com/gridctl/gridctl/pkg/tracing' },
            spans: [
              {
                traceId,
                spanId,
                name,
                kind: 3,
                startTimeUnixNano: String(ns),
                endTimeUnixNano: String(ns + 5_000_000n),
                attributes: [{ key: 'server.name', value: { stringValue: server } }],
                status: {},
              },
            ],
          },
        ],
      },
    ],
  });
}

const MIN = 60_000_000_000n;

/** What the fixture directory holds, for tests to check against. */
export interface GridctlFixture {
  root: string;
  stack: string;
  /** Every metrics line per server in write order (rotated ones first), the marker lines too. */
  metricsLines: Record<string, string[]>;
  /** The torn last line's server and text: written without its newline. */
  torn: { server: string; signal: 'metrics' | 'logs'; text: string };
  /** Complete log lines per server, in order. */
  logLines: Record<string, string[]>;
  spanNames: string[];
  /** The first line's time and the minute step. */
  startNs: bigint;
  stepNs: bigint;
}

export function writeFiles(
  dir: string,
  name: string,
  lines: string[],
  opts: { gz?: boolean; torn?: string } = {},
): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let text = lines.map((l) => `${l}\n`).join('') + (opts.torn ?? '');
  const path = join(dir, name);
  if (opts.gz) writeFileSync(path, gzipSync(Buffer.from(text)), { mode: 0o600 });
  else writeFileSync(path, text, { mode: 0o600 });
  text = '';
}

/**
 * `<root>/<stack>/{github,filesystem,legacy,__skills__}/`: several servers; github's metrics have
 * a rotated, gzipped sibling, a restart (counter reset), a cost-only reset, per-tool and per-model
 * cost; legacy's lines predate the cost fields and its active file ends in a torn line;
 * `__skills__` carries prompt usage that went down after a restart; logs with levels, groups and
 * trace ids, one rotated sibling; traces as OTLP lines. Times step a minute from `startNs`.
 */
export function writeGridctlFixture(root: string, startNs: bigint, stack = 'dev'): GridctlFixture {
  const at = (minute: number) => startNs + BigInt(minute) * MIN;
  const metricsLines: Record<string, string[]> = {};

  // github: flushes 0..3 rotated away (gzipped), 4..9 in the active file.
  const github = new ServerFlusher('github');
  const states: (ServerState | undefined)[] = [
    {
      tokens: { input: 100, output: 40 },
      cost: { input: 300, output: 600 },
      tools: {
        search: { calls: 2, lastCalledNs: at(0) - 1000n, input: 100, output: 40, cost: 900 },
      },
      models: { 'claude-sonnet-4': { cost: 900, input: 100, output: 40 } },
    },
    {
      tokens: { input: 250, output: 90 },
      cost: { input: 750, output: 1350, cacheRead: 25 },
      tools: {
        search: { calls: 3, lastCalledNs: at(1) - 1000n, input: 180, output: 70, cost: 1500 },
        get_issue: { calls: 1, lastCalledNs: at(1) - 500n, input: 70, output: 20, cost: 625 },
      },
      models: { 'claude-sonnet-4': { cost: 2125, input: 250, output: 90 } },
    },
    undefined, // no activity: no line
    {
      tokens: { input: 400, output: 150 },
      cost: { input: 1200, output: 2250, cacheRead: 25, cacheWrite: 10 },
      tools: {
        search: { calls: 5, lastCalledNs: at(3) - 1000n, input: 330, output: 130, cost: 2860 },
        get_issue: { calls: 1, lastCalledNs: at(1) - 500n, input: 70, output: 20, cost: 625 },
      },
      models: { 'claude-sonnet-4': { cost: 3485, input: 400, output: 150 } },
    },
    // restart: counters start again (a token reset)
    {
      tokens: { input: 30, output: 10 },
      cost: { input: 90, output: 150 },
      tools: {
        search: { calls: 1, lastCalledNs: at(4) - 1000n, input: 30, output: 10, cost: 240 },
      },
      models: { 'claude-haiku-4': { cost: 240, input: 30, output: 10 } },
    },
    {
      tokens: { input: 80, output: 25 },
      cost: { input: 240, output: 375 },
      tools: {
        search: { calls: 2, lastCalledNs: at(5) - 1000n, input: 80, output: 25, cost: 615 },
      },
      models: { 'claude-haiku-4': { cost: 615, input: 80, output: 25 } },
    },
    // ClearCost: the cost goes back to what came since (a cost-only reset); tokens go on
    {
      tokens: { input: 120, output: 35 },
      cost: { input: 60, output: 75 },
      tools: {
        search: { calls: 3, lastCalledNs: at(6) - 1000n, input: 120, output: 35, cost: 135 },
      },
      models: { 'claude-haiku-4': { cost: 135, input: 40, output: 10 } },
    },
    {
      tokens: { input: 200, output: 60 },
      cost: { input: 300, output: 450 },
      tools: {
        search: { calls: 4, lastCalledNs: at(7) - 1000n, input: 200, output: 60, cost: 750 },
      },
      models: { 'claude-haiku-4': { cost: 750, input: 120, output: 35 } },
    },
    // a tool call that attributed no tokens: a line for the tool only
    {
      tokens: { input: 200, output: 60 },
      cost: { input: 300, output: 450 },
      tools: {
        search: { calls: 4, lastCalledNs: at(7) - 1000n, input: 200, output: 60, cost: 750 },
        list_repos: { calls: 1, lastCalledNs: at(8) - 1000n },
      },
      models: { 'claude-haiku-4': { cost: 750, input: 120, output: 35 } },
    },
    {
      tokens: { input: 260, output: 81 },
      cost: { input: 480, output: 765 },
      tools: {
        search: { calls: 5, lastCalledNs: at(9) - 1000n, input: 260, output: 81, cost: 1245 },
        list_repos: { calls: 1, lastCalledNs: at(8) - 1000n },
      },
      models: { 'claude-haiku-4': { cost: 1245, input: 180, output: 56 } },
    },
  ];
  const githubLines = states.map((s, i) => (s === undefined ? [] : github.flush(at(i), s)));
  const rotated = githubLines.slice(0, 4).flat();
  const active = githubLines.slice(4).flat();
  metricsLines.github = [...rotated, ...active];
  const serverDir = (server: string) => join(root, stack, server);
  const rotationMs = Number((at(3) + 30_000_000_000n) / 1_000_000n);
  writeFiles(serverDir('github'), rotatedName('metrics', rotationMs, true), rotated, { gz: true });
  writeFiles(serverDir('github'), 'metrics.jsonl', active);

  // filesystem: a plain server, tokens only (no priced calls), no reset after the first.
  const fs = new ServerFlusher('filesystem');
  const fsLines = [0, 2, 5, 9]
    .map((m, i) =>
      fs.flush(at(m) + 250_000_000n, {
        tokens: { input: 10 * (i + 1) * (i + 1), output: 3 * (i + 1) },
        tools: { read_file: { calls: i + 1, lastCalledNs: at(m) } },
      }),
    )
    .flat();
  metricsLines.filesystem = fsLines;
  writeFiles(serverDir('filesystem'), 'metrics.jsonl', fsLines);

  // legacy: lines from before the cost and tool fields; the active file ends in a torn line.
  const legacy = [
    legacyLine(at(1), 'legacy', { input: 50, output: 5 }, { input: 50, output: 5 }, true),
    legacyLine(at(2), 'legacy', { input: 20, output: 2 }, { input: 70, output: 7 }),
    legacyLine(at(6), 'legacy', { input: 30, output: 3 }, { input: 100, output: 10 }),
  ];
  const tornText = legacyLine(
    at(9),
    'legacy',
    { input: 5, output: 1 },
    { input: 105, output: 11 },
  ).slice(0, 40);
  metricsLines.legacy = legacy;
  writeFiles(serverDir('legacy'), 'metrics.jsonl', legacy, { torn: tornText });

  // __skills__: prompt usage; the gateway restarted between minutes 5 and 7 (counts went down).
  const skills = [
    promptUsageLine(at(2), { 'code-review': { calls: 2, lastCalledNs: at(2) - 1000n } }),
    promptUsageLine(at(5), {
      'code-review': { calls: 3, lastCalledNs: at(5) - 1000n },
      'write-tests': { calls: 1, lastCalledNs: at(4) },
    }),
    promptUsageLine(at(7), { 'code-review': { calls: 1, lastCalledNs: at(7) - 1000n } }),
  ];
  metricsLines.__skills__ = skills;
  writeFiles(serverDir('__skills__'), 'metrics.jsonl', skills);

  // logs: github's rotated plain sibling and active file; a trace id on a tool call.
  const logLines: Record<string, string[]> = {
    github: [
      slogLine(at(0) + 123_456_789n, 'INFO', 'server started', {
        transport: 'stdio',
        component: 'github',
      }),
      slogLine(at(1) + 5n, 'DEBUG', 'tools listed', { count: 3, component: 'github' }),
    ],
    legacy: [
      slogLine(at(2) + 1_000n, 'WARN', 'slow response', {
        elapsed_ms: 1532.5,
        component: 'legacy',
      }),
    ],
  };
  const githubActiveLogs = [
    slogLine(at(4) + 999_999_999n, 'ERROR+2', 'tool call failed', {
      tool: 'search',
      request: { id: 7, params: { query: 'is:open' } },
      retried: false,
      component: 'github',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
    }),
    slogLine(at(8), 'INFO', 'tool call', {
      tool: 'list_repos',
      component: 'github',
      trace_id: '0af7651916cd43dd8448eb211c80319c',
    }),
  ];
  writeFiles(
    serverDir('github'),
    rotatedName('logs', Number(at(2) / 1_000_000n)),
    logLines.github ?? [],
  );
  writeFiles(serverDir('github'), 'logs.jsonl', githubActiveLogs);
  logLines.github = [...(logLines.github ?? []), ...githubActiveLogs];
  writeFiles(serverDir('legacy'), 'logs.jsonl', logLines.legacy ?? []);

  // traces: OTLP lines, as today.
  const spans = [
    spanLine(
      at(4) + 999_000_000n,
      'github',
      'tools/call search',
      '4bf92f3577b34da6a3ce929d0e0e4736',
      '00f067aa0ba902b7',
    ),
    spanLine(
      at(8),
      'github',
      'tools/call list_repos',
      '0af7651916cd43dd8448eb211c80319c',
      'b7ad6b7169203331',
    ),
  ];
  writeFiles(serverDir('github'), 'traces.jsonl', spans);

  return {
    root,
    stack,
    metricsLines,
    torn: { server: 'legacy', signal: 'metrics', text: tornText },
    logLines,
    spanNames: ['tools/call search', 'tools/call list_repos'],
    startNs,
    stepNs: MIN,
  };
}
