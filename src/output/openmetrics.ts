import { mkdirSync } from 'node:fs';
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
import { FamilySpool, type FamilyPart } from './family-spool.js';
import {
  bucketLines,
  familyHeader,
  labelSet,
  OPENMETRICS_EOF,
  sampleLine,
} from './openmetrics-text.js';
import { prometheusMetricName, type AttributeValue } from './prometheus-names.js';
import { writing } from './write-failure.js';

/** The file's name in the output directory. */
export const OPENMETRICS_FILE = 'metrics.om';

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

const KIND = 'OpenMetrics file';

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
 * Memory holds one entry per series and a fixed buffer per family; the samples wait on disk
 * (family-spool.ts) until close() joins them. The lines themselves are openmetrics-text.ts's.
 */
export class OpenMetricsWriter {
  readonly path: string;
  /** Events written (those with a readable timestamp). */
  events = 0;
  private readonly families: InstrumentFamilies[];
  private readonly spool: FamilySpool;
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
    this.spool = new FamilySpool(this.path);
    const family = (name: string, type: string, help: string): FamilyPart =>
      this.spool.family(familyHeader(name, type, help));
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
      this.spool.discard();
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
    this.spool.commit(OPENMETRICS_EOF);
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
      labels = labelSet(attributes, this.resource);
      this.labelCache.set(attrsKey, labels);
    }
    return labels;
  }

  private emit(s: Series, seconds: number): void {
    const f = s.families;
    if (f.total !== undefined) {
      f.total.append(sampleLine(f.name, s.labels, s.sum, seconds));
      return;
    }
    f.bucket!.append(bucketLines(f.name, s.labels, s.buckets!, s.count, seconds));
    f.sum!.append(sampleLine(`${f.name}_sum`, s.labels, s.sum, seconds));
    f.count!.append(sampleLine(`${f.name}_count`, s.labels, s.count, seconds));
  }
}
