import type { Temporality } from '../config/vocabulary.js';
import {
  COST,
  COST_TYPE,
  GRIDCTL_INSTRUMENTS,
  MODEL_COST,
  MODEL_NAME,
  MODEL_TOKEN_USAGE,
  PROMPT_CALLS,
  PROMPT_NAME,
  TOKEN_TYPE,
  TOKEN_USAGE,
  TOOL_CALLS,
  TOOL_COST,
  TOOL_NAME,
  TOOL_TOKEN_USAGE,
  type GridctlInstrument,
} from './instruments.js';
import { PROMPT_USAGE_NAMESPACE, type Counts, type SnapshotLine } from './snapshot-line.js';

/** gridctl's flush interval (DefaultMetricsFlushInterval): a first delta point covers one. */
const FLUSH_INTERVAL_NS = 60_000_000_000n;

/**
 * What one server's metrics lines have built so far, kept across runs (as JSON, with the file
 * progress it goes with): the last line's time, when the token and cost counters last started
 * again, and each series' start and last value (whole numbers: counts, micro-USD).
 */
export interface ServerSeries {
  lastNs?: string;
  tokenStartNs?: string;
  costStartNs?: string;
  series: Record<string, { startNs: string; value: number }>;
}

/** One point: a cumulative total since `startNs`, or the delta over (startNs, timeNs]. */
export interface SeriesPoint {
  instrument: GridctlInstrument;
  attributes: Record<string, string>;
  startNs: bigint;
  timeNs: bigint;
  /** Whole tokens or calls; micro-USD for cost. */
  value: number;
}

export function emptySeries(): ServerSeries {
  return { series: {} };
}

const BY_NAME = new Map(GRIDCTL_INSTRUMENTS.map((i) => [i.name, i]));

/**
 * A line's points and the state after it. Cumulative: each series' running total as the line
 * states it (gridctl writes totals: `total`, `cost_total`, and cumulative per-tool, per-model and
 * per-skill snapshots), since the last reset's `ts`; deltas: what each series gained since the
 * server's previous line. `reset` starts every series again at the line's `ts`, `cost_reset`
 * the cost ones; a total that went down without either (a skill's calls after a restart, which
 * gridctl marks with nothing) starts its series again too. Nothing is added up here, and cost
 * stays in integer micro-USD until it is encoded, so totals are exact.
 */
export function advanceSeries(
  before: ServerSeries,
  line: SnapshotLine,
  temporality: Temporality,
): { points: SeriesPoint[]; after: ServerSeries } {
  const after: ServerSeries = { ...before, series: { ...before.series } };
  if (line.marker) return { points: [], after };
  const ts = line.tsNs.toString();
  if (line.reset) {
    after.tokenStartNs = ts;
    after.costStartNs = ts;
    for (const key of Object.keys(after.series))
      if (instrumentOfKey(key)?.name !== PROMPT_CALLS.name) delete after.series[key];
  } else if (line.costReset) {
    after.costStartNs = ts;
    for (const key of Object.keys(after.series))
      if (instrumentOfKey(key)?.resetBy === 'cost') delete after.series[key];
  }
  after.tokenStartNs ??= ts;
  after.costStartNs ??= ts;
  const deltaStart =
    before.lastNs === undefined ? line.tsNs - FLUSH_INTERVAL_NS : BigInt(before.lastNs);
  const points: SeriesPoint[] = [];
  for (const o of observations(line)) {
    const key = seriesKey(o.instrument, o.attributes);
    const prior = after.series[key];
    if (o.value === undefined && prior === undefined) continue;
    const value = o.value ?? 0;
    const restarted = prior !== undefined && value < prior.value;
    const startNs =
      prior === undefined
        ? o.instrument.resetBy === 'cost'
          ? after.costStartNs
          : after.tokenStartNs
        : restarted
          ? ts
          : prior.startNs;
    after.series[key] = { startNs, value };
    if (temporality === 'cumulative') {
      points.push({ ...o, startNs: BigInt(startNs), timeNs: line.tsNs, value });
      continue;
    }
    const gained = prior === undefined || restarted ? value : value - prior.value;
    if (gained !== 0) points.push({ ...o, startNs: deltaStart, timeNs: line.tsNs, value: gained });
  }
  after.lastNs = ts;
  return { points, after };
}

interface Observation {
  instrument: GridctlInstrument;
  attributes: Record<string, string>;
  /** Undefined where the line leaves the field out (gridctl omits zeros). */
  value: number | undefined;
}

/** Every series value a line states. */
function* observations(line: SnapshotLine): Generator<Observation> {
  const of = (
    instrument: GridctlInstrument,
    attributes: Record<string, string>,
    value: number | undefined,
  ) => ({
    instrument,
    attributes,
    value,
  });
  // The skills' line carries zero token counts by its struct's shape, not tokens of its own.
  if (line.total !== undefined && line.server !== PROMPT_USAGE_NAMESPACE) {
    yield of(TOKEN_USAGE, { [TOKEN_TYPE]: 'input' }, line.total.input_tokens ?? 0);
    yield of(TOKEN_USAGE, { [TOKEN_TYPE]: 'output' }, line.total.output_tokens ?? 0);
  }
  if (line.hasCost) {
    const cost: Counts = line.costTotal ?? {};
    for (const [field, type] of COST_TYPES) yield of(COST, { [COST_TYPE]: type }, cost[field] ?? 0);
  }
  for (const [tool, stat] of sorted(line.toolUsage)) {
    yield of(TOOL_CALLS, { [TOOL_NAME]: tool }, stat.calls ?? 0);
    yield of(TOOL_TOKEN_USAGE, { [TOOL_NAME]: tool, [TOKEN_TYPE]: 'input' }, stat.input_tokens);
    yield of(TOOL_TOKEN_USAGE, { [TOOL_NAME]: tool, [TOKEN_TYPE]: 'output' }, stat.output_tokens);
    yield of(TOOL_COST, { [TOOL_NAME]: tool }, stat.cost_micro_usd);
  }
  for (const [model, counts] of sorted(line.modelCost)) {
    yield of(MODEL_COST, { [MODEL_NAME]: model }, counts.cost_micro_usd);
    yield of(
      MODEL_TOKEN_USAGE,
      { [MODEL_NAME]: model, [TOKEN_TYPE]: 'input' },
      counts.input_tokens,
    );
    yield of(
      MODEL_TOKEN_USAGE,
      { [MODEL_NAME]: model, [TOKEN_TYPE]: 'output' },
      counts.output_tokens,
    );
  }
  for (const [skill, stat] of sorted(line.promptUsage))
    yield of(PROMPT_CALLS, { [PROMPT_NAME]: skill }, stat.calls ?? 0);
}

/** cost_total's fields and the `gridctl.cost.type` each is sent as. */
const COST_TYPES: readonly [string, string][] = [
  ['input_micro_usd', 'input'],
  ['output_micro_usd', 'output'],
  ['cache_read_micro_usd', 'cache_read'],
  ['cache_write_micro_usd', 'cache_write'],
];

function sorted(map: Record<string, Counts> | undefined): [string, Counts][] {
  return Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function seriesKey(instrument: GridctlInstrument, attributes: Record<string, string>): string {
  return JSON.stringify([instrument.name, Object.entries(attributes).sort()]);
}

function instrumentOfKey(key: string): GridctlInstrument | undefined {
  return BY_NAME.get((JSON.parse(key) as [string])[0]);
}
