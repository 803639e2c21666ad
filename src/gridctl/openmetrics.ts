import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENMETRICS_FILE } from '../output/openmetrics.js';
import { familyHeader, labelSet, OPENMETRICS_EOF, sampleLine } from '../output/openmetrics-text.js';
import { prometheusMetricName } from '../output/prometheus-names.js';
import { GRIDCTL_INSTRUMENTS, type GridctlInstrument } from './instruments.js';
import { gridctlResource, SERVER_KEY, STACK_KEY, type Place } from './resource.js';
import type { SeriesPoint } from './series.js';

/**
 * `DIR/metrics.om`: the cumulative points of the gridctl metrics lines a run read, as OpenMetrics
 * counters named and labelled as Prometheus's OTLP receiver names the same points, for
 * `promtool tsdb create-blocks-from openmetrics` (the backfill of what Prometheus refuses as too
 * old). A series' samples stay in time order, its counter resets as values that go down. The
 * samples are held until close(): a run reads a few lines a minute per server.
 */
export class GridctlOpenMetrics {
  readonly path: string;
  /** Samples written. */
  samples = 0;
  /** Family name to its series' sample lines, by label set. */
  private readonly families = new Map<GridctlInstrument, Map<string, string[]>>();
  private closed = false;

  constructor(private readonly dir: string) {
    this.path = join(dir, OPENMETRICS_FILE);
  }

  add(points: readonly SeriesPoint[], place: Place): void {
    if (this.closed) throw new Error('GridctlOpenMetrics: add after close');
    const resource = gridctlResource(place);
    for (const p of points) {
      const attributes = { [STACK_KEY]: place.stack, [SERVER_KEY]: place.server, ...p.attributes };
      const labels = labelSet(attributes, resource);
      let family = this.families.get(p.instrument);
      if (family === undefined) this.families.set(p.instrument, (family = new Map()));
      let series = family.get(labels);
      if (series === undefined) family.set(labels, (series = []));
      const value = p.instrument.cost ? p.value / 1_000_000 : p.value;
      series.push(sampleLine(nameOf(p.instrument), labels, value, seconds(p.timeNs)));
      this.samples++;
    }
  }

  /** Writes the file whole (through a rename); a run that read no metrics line writes nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.samples === 0) return;
    const parts: string[] = [];
    for (const instrument of GRIDCTL_INSTRUMENTS) {
      const family = this.families.get(instrument);
      if (family === undefined) continue;
      // An OpenMetrics counter family is named without `_total`; its samples carry it.
      const name = nameOf(instrument).replace(/_total$/, '');
      parts.push(familyHeader(name, 'counter', instrument.description));
      for (const lines of family.values()) parts.push(...lines);
    }
    parts.push(OPENMETRICS_EOF);
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, parts.join(''));
    renameSync(tmp, this.path);
    this.families.clear();
  }
}

function nameOf(instrument: GridctlInstrument): string {
  return prometheusMetricName(instrument.name, instrument.unit, 'monotonic-sum');
}

/** Nanoseconds as OpenMetrics seconds, to the millisecond Prometheus keeps. */
function seconds(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const whole = ms / 1000n;
  const frac = ms % 1000n;
  return frac === 0n ? `${whole}` : `${whole}.${frac.toString().padStart(3, '0')}`;
}
