import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { aggregate, type AggregatedPoint } from '../encode/aggregate.js';
import {
  DEFAULT_BOUNDARIES,
  FILTER_DURATION,
  INVOCATIONS,
  TOKEN_USAGE,
  TOKENS_SAVED,
  type Instrument,
} from '../encode/instruments.js';
import type { TokfEvent } from '../source/tokf-event.js';
import { prometheusLabels, prometheusMetricName, type AttributeValue } from './prometheus-names.js';
import { writing } from './write-failure.js';

/** The file's name in the output directory. */
export const OPENMETRICS_FILE = 'metrics.om';

/** Text buffered per family before it goes to that family's part file. */
const FLUSH_CHARS = 256 * 1024;

/** Bytes copied at a time when the parts are joined into the file. */
const COPY_BYTES = 1024 * 1024;

/** The `le` of each finite bucket, spelled once: every histogram sample writes them all. */
const BOUND_LABELS = DEFAULT_BOUNDARIES.map((b) => formatBound(b));

/**
 * One metric family of the file. OpenMetrics wants a family's lines together, while events bring
 * lines for every family at once: each family collects its samples in a part file of its own
 * while the run streams, and close() joins the parts under their metadata.
 */
class FamilyPart {
  private fd: number | undefined;
  private chunks: string[] = [];
  private chars = 0;

  constructor(
    readonly header: string,
    readonly partPath: string,
  ) {}

  append(line: string): void {
    this.chunks.push(line);
    this.chars += line.length;
    if (this.chars >= FLUSH_CHARS) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    this.fd ??= openSync(this.partPath, 'w');
    writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.chars = 0;
  }

  /** Copies the family (metadata, then samples) to `out` and removes its part file. */
  copyTo(out: number, buffer: Buffer): void {
    writeSync(out, this.header);
    this.flush();
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    const input = openSync(this.partPath, 'r');
    try {
      for (;;) {
        const n = readSync(input, buffer, 0, buffer.length, null);
        if (n === 0) break;
        writeSync(out, buffer, 0, n);
      }
    } finally {
      closeSync(input);
    }
    rmSync(this.partPath, { force: true });
  }

  discard(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.chunks = [];
    rmSync(this.partPath, { force: true });
  }
}

/** Where an instrument's samples go: one family for a sum, three for a histogram. */
interface InstrumentFamilies {
  instrument: Instrument;
  /** The sample name of a sum (`..._total`), or the histogram's base name. */
  name: string;
  total?: FamilyPart;
  bucket?: FamilyPart;
  sum?: FamilyPart;
  count?: FamilyPart;
}

/** A series' running totals and the second it will next be written at. */
interface Series {
  families: InstrumentFamilies;
  /** Its labels, rendered and escaped, without braces; `le` is added per bucket. */
  labels: string;
  /** The second of the sample held back, so that later events of that second join it. */
  heldSeconds: number;
  sum: number;
  count: number;
  /** Per bucket, not cumulative; the last is above the highest boundary. */
  buckets: number[] | undefined;
}

/**
 * Writes the events as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`, which
 * backfills Prometheus (and, through its blocks, Thanos or Mimir). Series are named and labelled
 * as Prometheus's OTLP receiver names the live metrics (see prometheus-names.ts), so backfilled
 * history and series that arrive over OTLP are the same series.
 *
 * Every sample is cumulative from 0, which the series is given one second before its first event
 * in the file (where the cumulative OTLP series of this project start), so `increase()` counts the first events. Events
 * of a series in one second make one sample at that second. An event older than its series' held
 * sample (tokf's clock went back) is counted into that sample, so a series' samples are always in
 * increasing time order, which the TSDB requires; totals stay exact. Each series ends with its
 * total at the file's last second.
 *
 * Memory holds one entry per series and a fixed buffer per family; the samples wait on disk.
 */
const KIND = 'OpenMetrics file';

export class OpenMetricsWriter {
  readonly path: string;
  /** Events written (those with a readable timestamp). */
  events = 0;
  private readonly families: InstrumentFamilies[];
  private readonly byInstrument = new Map<Instrument, InstrumentFamilies>();
  private readonly series = new Map<string, Series>();
  private readonly labelCache = new Map<string, string>();
  private closed = false;
  private dirReady = false;

  constructor(
    private readonly dir: string,
    private readonly resource: Record<string, string>,
  ) {
    this.path = join(dir, OPENMETRICS_FILE);
    let part = 0;
    const family = (name: string, type: string, help: string): FamilyPart =>
      new FamilyPart(
        `# TYPE ${name} ${type}\n# HELP ${name} ${escapeHelp(help)}\n`,
        `${this.path}.part${part++}`,
      );
    this.families = [INVOCATIONS, TOKENS_SAVED, TOKEN_USAGE, FILTER_DURATION].map((instrument) => {
      if (instrument.kind === 'sum') {
        const name = prometheusMetricName(instrument.name, instrument.unit, 'monotonic-sum');
        // An OpenMetrics counter family is named without `_total`; its samples carry it.
        const total = family(name.replace(/_total$/, ''), 'counter', instrument.description);
        return { instrument, name, total };
      }
      const name = prometheusMetricName(instrument.name, instrument.unit, 'histogram');
      // Declared as three untyped families rather than one histogram: promtool rewrites the
      // `le` of a histogram family to OpenMetrics' canonical form (`5` becomes `5.0`), while
      // the OTLP receiver writes `5`; untyped, the buckets keep the receiver's labels and stay
      // the same series. Prometheus keeps no type in the blocks either way.
      return {
        instrument,
        name,
        bucket: family(`${name}_bucket`, 'unknown', `${instrument.description} (buckets)`),
        sum: family(`${name}_sum`, 'unknown', `${instrument.description} (sum)`),
        count: family(`${name}_count`, 'unknown', `${instrument.description} (count)`),
      };
    });
    for (const f of this.families) this.byInstrument.set(f.instrument, f);
  }

  /** Throws FileWriteError (DiskFullError when the disk is full) naming the file. */
  write(events: TokfEvent[]): void {
    writing(KIND, this.path, () => this.writeEvents(events));
  }

  private writeEvents(events: TokfEvent[]): void {
    if (this.closed) throw new Error('OpenMetricsWriter: write after close');
    const timed = events.filter((e) => e.epochSeconds !== undefined);
    if (timed.length === 0) return;
    this.prepareDir();
    for (const [instrument, points] of aggregate(timed)) {
      const families = this.byInstrument.get(instrument);
      if (families === undefined) continue;
      for (const p of points) this.add(families, p);
    }
    this.events += timed.length;
  }

  /**
   * Writes the held samples and the file; removes the parts. Safe to call twice. A run that wrote
   * no event leaves the directory as it was, an earlier run's file included.
   */
  close(): void {
    writing(KIND, this.path, () => this.finish());
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.events === 0) {
      for (const f of this.families)
        for (const part of [f.total, f.bucket, f.sum, f.count]) part?.discard();
      return;
    }
    this.prepareDir();
    let last = -Infinity;
    for (const s of this.series.values()) last = Math.max(last, s.heldSeconds);
    for (const s of this.series.values()) {
      this.emit(s, s.heldSeconds);
      // Every series once more at the file's last second, with the same total: an instant query
      // sees a series only within its lookback (5 minutes) of a sample, and at the end of the
      // history `sum(...)` should give the database's totals, not only the recent series'.
      if (s.heldSeconds < last) this.emit(s, last);
    }
    this.series.clear();
    this.labelCache.clear();
    const parts = this.families.flatMap((f) =>
      [f.total, f.bucket, f.sum, f.count].filter((p): p is FamilyPart => p !== undefined),
    );
    const tmp = `${this.path}.tmp`;
    const out = openSync(tmp, 'w');
    try {
      const buffer = Buffer.allocUnsafe(COPY_BYTES);
      for (const part of parts) part.copyTo(out, buffer);
      writeSync(out, '# EOF\n');
      fsyncSync(out);
    } catch (err) {
      for (const part of parts) part.discard();
      closeSync(out);
      rmSync(tmp, { force: true });
      throw err;
    }
    closeSync(out);
    // Renamed whole, so that no one backfills half a file.
    renameSync(tmp, this.path);
  }

  private prepareDir(): void {
    if (this.dirReady) return;
    mkdirSync(this.dir, { recursive: true });
    this.dirReady = true;
  }

  private add(families: InstrumentFamilies, p: AggregatedPoint): void {
    const attrs = JSON.stringify(p.attributes);
    const key = `${families.instrument.name}\u0000${attrs}`;
    let s = this.series.get(key);
    if (s === undefined) {
      s = {
        families,
        labels: this.renderLabels(attrs, p.attributes as Record<string, AttributeValue>),
        heldSeconds: p.epochSeconds,
        sum: 0,
        count: 0,
        buckets: families.bucket
          ? new Array<number>(DEFAULT_BOUNDARIES.length + 1).fill(0)
          : undefined,
      };
      this.series.set(key, s);
      // The series starts from 0 a second before its first event, as its OTLP twin does.
      this.emit(s, p.epochSeconds - 1);
    } else if (p.epochSeconds > s.heldSeconds) {
      this.emit(s, s.heldSeconds);
      s.heldSeconds = p.epochSeconds;
    }
    // At or before the held second: counted into the held sample.
    s.sum += p.histogram === undefined ? p.sum : p.histogram.sum;
    if (p.histogram !== undefined && s.buckets !== undefined) {
      s.count += p.histogram.count;
      p.histogram.bucketCounts.forEach((n, i) => (s.buckets![i]! += n));
    }
  }

  /**
   * Labels by attribute set, rendered once: the invocations, tokens-saved and duration series of
   * a command share theirs, and rendering means renaming, sorting and escaping up to 4 KiB.
   */
  private renderLabels(attrsKey: string, attributes: Record<string, AttributeValue>): string {
    let labels = this.labelCache.get(attrsKey);
    if (labels === undefined) {
      labels = prometheusLabels(attributes, this.resource)
        .map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
        .join(',');
      this.labelCache.set(attrsKey, labels);
    }
    return labels;
  }

  private emit(s: Series, seconds: number): void {
    const f = s.families;
    const at = ` ${seconds}\n`;
    if (f.total !== undefined) {
      f.total.append(`${f.name}{${s.labels}} ${formatValue(s.sum)}${at}`);
      return;
    }
    const buckets = s.buckets as number[];
    const prefix = `${f.name}_bucket{${s.labels}${s.labels === '' ? '' : ','}le="`;
    let cumulative = 0;
    BOUND_LABELS.forEach((le, i) => {
      cumulative += buckets[i] ?? 0;
      f.bucket!.append(`${prefix}${le}"} ${cumulative}${at}`);
    });
    f.bucket!.append(`${prefix}+Inf"} ${s.count}${at}`);
    f.sum!.append(`${f.name}_sum{${s.labels}} ${formatValue(s.sum)}${at}`);
    f.count!.append(`${f.name}_count{${s.labels}} ${s.count}${at}`);
  }
}

/** OpenMetrics label value escaping: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function escapeHelp(text: string): string {
  return escapeLabelValue(text);
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
