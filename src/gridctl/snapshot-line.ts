import type { Json } from '../jsonl/otlp-line.js';
import { parseRfc3339Nanos } from './rfc3339.js';

/**
 * One line of a gridctl `metrics.jsonl`, as gridctl's MetricsSnapshotLine writes it
 * (pkg/telemetry/metrics.go and pkg/metrics/accumulator.go at commit 8ef0778, the last with the
 * cost fields; later commits dropped the cost fields and still read old lines). Counts are
 * integers; cost is in integer micro-USD. Absent parts are undefined: an older gridctl did not
 * write them, or (gridctl's omitempty) they were zero.
 */
export interface SnapshotLine {
  tsNs: bigint;
  server: string;
  /** The first line after a token counter reset: `total` (and `diff`) is the post-reset state. */
  reset: boolean;
  /** A cost-only reset (ClearCost): `cost_diff` is the post-reset cost. */
  costReset: boolean;
  /** The `{reset, ts, server}` marker gridctl writes before a reset line; it carries no counts. */
  marker: boolean;
  total?: Counts;
  costTotal?: Counts;
  /** Whether the line has any cost field: lines written before cost (or after it) have none. */
  hasCost: boolean;
  toolUsage?: Record<string, Counts>;
  promptUsage?: Record<string, Counts>;
  modelCost?: Record<string, Counts>;
}

/** Integer fields by their JSON names; absent ones are absent. */
export type Counts = Record<string, number>;

/** gridctl's reserved server name for the global per-skill prompts/get usage. */
export const PROMPT_USAGE_NAMESPACE = '__skills__';

export type ParsedSnapshot = { kind: 'line'; line: SnapshotLine } | { kind: 'bad'; reason: string };

const TOKEN_FIELDS = ['input_tokens', 'output_tokens', 'total_tokens'];
const COST_FIELDS = [
  'input_micro_usd',
  'output_micro_usd',
  'cache_read_micro_usd',
  'cache_write_micro_usd',
];
const TOOL_FIELDS = ['calls', 'input_tokens', 'output_tokens', 'cost_micro_usd'];
const MODEL_FIELDS = ['cost_micro_usd', 'input_tokens', 'output_tokens'];

/** Reads a parsed JSON object as a MetricsSnapshotLine, or says what is wrong with it. */
export function readSnapshot(value: Json): ParsedSnapshot {
  const bad = (reason: string): ParsedSnapshot => ({
    kind: 'bad',
    reason: `not a gridctl metrics line: ${reason}`,
  });
  const tsNs = parseRfc3339Nanos(value.ts);
  if (tsNs === undefined || tsNs <= 0n)
    return bad(`ts ${JSON.stringify(value.ts)} is not an RFC 3339 time`);
  if (typeof value.server !== 'string' || value.server === '')
    return bad('server is not a non-empty string');
  for (const flag of ['reset', 'cost_reset'])
    if (value[flag] !== undefined && typeof value[flag] !== 'boolean')
      return bad(`${flag} is not true or false`);
  try {
    const line: SnapshotLine = {
      tsNs,
      server: value.server,
      reset: value.reset === true,
      costReset: value.cost_reset === true,
      marker: value.reset === true && value.diff === undefined && value.total === undefined,
      hasCost:
        value.cost_total !== undefined ||
        value.cost_diff !== undefined ||
        value.cost_reset === true,
    };
    checkCounts(value.diff, 'diff', TOKEN_FIELDS);
    checkCounts(value.cost_diff, 'cost_diff', COST_FIELDS);
    const total = checkCounts(value.total, 'total', TOKEN_FIELDS);
    if (total !== undefined) line.total = total;
    const costTotal = checkCounts(value.cost_total, 'cost_total', COST_FIELDS);
    if (costTotal !== undefined) line.costTotal = costTotal;
    const tools = checkMap(value.tool_usage, 'tool_usage', TOOL_FIELDS);
    if (tools !== undefined) line.toolUsage = tools;
    const prompts = checkMap(value.prompt_usage, 'prompt_usage', ['calls']);
    if (prompts !== undefined) line.promptUsage = prompts;
    const models = checkMap(value.model_cost, 'model_cost', MODEL_FIELDS);
    if (models !== undefined) line.modelCost = models;
    return { kind: 'line', line };
  } catch (err) {
    return bad((err as Error).message);
  }
}

/** The named integer fields of an object (null reads as absent, as Go's decoder reads it). */
function checkCounts(value: unknown, where: string, fields: readonly string[]): Counts | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${where} is not an object`);
  const out: Counts = {};
  for (const field of fields) {
    const v = (value as Json)[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      throw new Error(`${where}.${field} is not a whole number`);
    out[field] = v;
  }
  return out;
}

function checkMap(
  value: unknown,
  where: string,
  fields: readonly string[],
): Record<string, Counts> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${where} is not an object`);
  const out: Record<string, Counts> = {};
  for (const [name, entry] of Object.entries(value))
    out[name] = checkCounts(entry, `${where}.${name}`, fields) ?? {};
  return out;
}
