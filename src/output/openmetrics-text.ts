import { DEFAULT_BOUNDARIES } from '../encode/instruments.js';
import { prometheusLabels, type AttributeValue } from './prometheus-names.js';

/** The line that ends every OpenMetrics file. */
export const OPENMETRICS_EOF = '# EOF\n';

/** The `le` of each finite bucket, spelled once: every histogram sample writes them all. */
const BOUND_LABELS = DEFAULT_BOUNDARIES.map((b) => formatBound(b));

/** A family's metadata, which precedes its samples: its type and its help text. */
export function familyHeader(name: string, type: string, help: string): string {
  return `# TYPE ${name} ${type}\n# HELP ${name} ${escapeLabelValue(help)}\n`;
}

/**
 * A series' labels, named as Prometheus's OTLP receiver names them, rendered and escaped, without
 * braces (a histogram bucket adds its `le`).
 */
export function labelSet(
  attributes: Record<string, AttributeValue>,
  resource: Record<string, string>,
): string {
  return prometheusLabels(attributes, resource)
    .map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
    .join(',');
}

/** One sample line; `seconds` is a number or already written as OpenMetrics seconds. */
export function sampleLine(
  name: string,
  labels: string,
  value: number,
  seconds: number | string,
): string {
  return `${name}{${labels}} ${formatValue(value)} ${seconds}\n`;
}

/**
 * A histogram's bucket samples at one second, cumulative as OpenMetrics counts them, from counts
 * per bucket (the last above the highest boundary) and the total count for `+Inf`.
 */
export function bucketLines(
  name: string,
  labels: string,
  perBucket: readonly number[],
  count: number,
  seconds: number,
): string {
  const at = ` ${seconds}\n`;
  const prefix = `${name}_bucket{${labels}${labels === '' ? '' : ','}le="`;
  let cumulative = 0;
  let lines = '';
  BOUND_LABELS.forEach((le, i) => {
    cumulative += perBucket[i] ?? 0;
    lines += `${prefix}${le}"} ${cumulative}${at}`;
  });
  return `${lines}${prefix}+Inf"} ${count}${at}`;
}

/** OpenMetrics label value escaping: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** A sample value: integers without a point, as OpenMetrics asks; others in shortest form. */
function formatValue(v: number): string {
  return String(v);
}

/**
 * A bucket bound as the OTLP receiver writes it (Go's FormatFloat 'f', -1): the shortest digits
 * that give the number back, never in exponent form.
 */
export function formatBound(bound: number): string {
  if (bound === Infinity) return '+Inf';
  const text = String(bound);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (match === null) return text;
  const [, sign, lead, rest = '', exp] = match;
  const digits = `${lead}${rest}`;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
