/**
 * How Prometheus's OTLP receiver names what it receives, under its default translation strategy
 * (`UnderscoreEscapingWithSuffixes`, with the default label options of Prometheus 3.16:
 * underscore sanitization on, multiple underscores kept). A file backfilled with these names
 * holds the very series that the same metrics sent over OTLP would make, so the two join up.
 * The rules follow prometheus/otlptranslator v1.0.0 (metric_namer.go, unit_namer.go,
 * label_namer.go) and Prometheus's prometheusremotewrite (job and instance from the resource).
 */

/** The OTLP metric kinds that name differently: only monotonic sums get `_total`. */
export type OtlpMetricKind = 'monotonic-sum' | 'non-monotonic-sum' | 'gauge' | 'histogram';

// OTLP (UCUM) units Prometheus spells out as a suffix; a unit not here is used as written.
const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

// The denominators of rates (`By/s`), spelled in the singular after `per_`.
const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/**
 * The Prometheus metric name of an OTLP metric: its name cut into words at every character other
 * than a letter, digit or colon, then the unit's word (annotations in braces such as `{token}`
 * name no unit and are dropped), `_total` for a monotonic sum and `_ratio` for a gauge of unit 1.
 * `tokf.filter.duration` in `s` becomes `tokf_filter_duration_seconds`; a histogram's samples
 * then add `_bucket`, `_sum` and `_count` to it.
 */
export function prometheusMetricName(name: string, unit: string, kind: OtlpMetricKind): string {
  let words = name.split(/[^A-Za-z0-9:]+/u).filter((w) => w !== '');
  const [main, per] = unitSuffixes(unit);
  words = addUnitWords(words, cleanUnit(main), cleanUnit(per));
  if (kind === 'monotonic-sum') words = [...words.filter((w) => w !== 'total'), 'total'];
  if (unit === '1' && kind === 'gauge') words = [...words.filter((w) => w !== 'ratio'), 'ratio'];
  const joined = words.join('_');
  if (/^_*$/.test(joined)) throw new Error(`metric ${JSON.stringify(name)} has no Prometheus name`);
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

function unitSuffixes(unit: string): [string, string] {
  const slash = unit.indexOf('/');
  const mainPart = (slash === -1 ? unit : unit.slice(0, slash)).trim();
  const perPart = slash === -1 ? '' : unit.slice(slash + 1).trim();
  const main = mainPart !== '' && !/[{}]/.test(mainPart) ? (UNIT_WORDS[mainPart] ?? mainPart) : '';
  const perWord =
    perPart !== '' && !/[{}]/.test(perPart) ? (PER_UNIT_WORDS[perPart] ?? perPart) : '';
  return [main, perWord === '' ? '' : `per_${perWord}`];
}

// A unit word joins the name only when the name does not already say it (`..._seconds`).
function addUnitWords(words: string[], main: string, per: string): string[] {
  let mainWord = words.includes(main) ? '' : main;
  let perWord = per === 'per_' ? '' : per.replace(/_$/, '');
  if (words.includes(perWord)) perWord = '';
  if (perWord !== '') mainWord = mainWord.replace(/_$/, '');
  const out = [...words];
  if (mainWord !== '') out.push(mainWord);
  if (perWord !== '') out.push(perWord);
  return out;
}

function cleanUnit(unit: string): string {
  return unit
    .replace(/[^A-Za-z0-9:]/gu, '_')
    .replace(/_+/g, '_')
    .replace(/^_/, '');
}

/**
 * The Prometheus label name of an attribute key: every character other than an ASCII letter or
 * digit becomes `_`, one per character (Prometheus keeps runs of underscores by default), then a
 * leading digit gets `key_` and a single leading underscore `key`.
 */
export function prometheusLabelName(key: string): string {
  let label = key.replace(/[^A-Za-z0-9]/gu, '_');
  if (/^[0-9]/.test(label)) label = `key_${label}`;
  else if (label.startsWith('_') && !label.startsWith('__')) label = `key${label}`;
  if (/^_*$/.test(label)) throw new Error(`attribute key ${JSON.stringify(key)} has no label name`);
  return label;
}

export type AttributeValue = string | number | boolean;

/**
 * The labels a data point gets: its attributes, keys sorted and renamed, values as text; keys
 * that rename alike are joined with `;` in key order, as Prometheus does; empty values are left
 * out, which Prometheus also treats as no label. Then `job` and `instance` from the resource,
 * which win over attributes of those names. Sorted by label name.
 */
export function prometheusLabels(
  attributes: Readonly<Record<string, AttributeValue>>,
  resource: Readonly<Record<string, string>>,
): [string, string][] {
  const labels = new Map<string, string>();
  for (const key of Object.keys(attributes).sort()) {
    const value = String(attributes[key]);
    const name = prometheusLabelName(key);
    const existing = labels.get(name);
    if (existing !== undefined && existing !== '') labels.set(name, `${existing};${value}`);
    else labels.set(name, value);
  }
  const { job, instance } = jobAndInstance(resource);
  if (job !== undefined) labels.set('job', job);
  if (instance !== undefined) labels.set('instance', instance);
  return [...labels]
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `job` is `service.name`, prefixed `namespace/` when `service.namespace` is set; `instance` is
 * `service.instance.id`. Either is absent when its attribute is (or when it comes out empty).
 */
export function jobAndInstance(resource: Readonly<Record<string, string>>): {
  job?: string;
  instance?: string;
} {
  const name = resource['service.name'];
  const namespace = resource['service.namespace'];
  const instance = resource['service.instance.id'];
  const out: { job?: string; instance?: string } = {};
  // Prometheus prefixes whenever the namespace attribute exists, even empty, and sets `job` when
  // the result is not empty.
  const job = name === undefined ? '' : namespace !== undefined ? `${namespace}/${name}` : name;
  if (job !== '') out.job = job;
  if (instance !== undefined && instance !== '') out.instance = instance;
  return out;
}
