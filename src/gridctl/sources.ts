import type { Temporality } from '../config/vocabulary.js';
import type { LineSource } from '../jsonl/line-source.js';
import { OTLP_LINES } from '../jsonl/line-source.js';
import { readJsonObject } from '../jsonl/json-object.js';
import type { Json, ParsedLine } from '../jsonl/otlp-line.js';
import type { GridctlFile } from './layout.js';
import { encodeSeriesPoints } from './metrics-encode.js';
import type { GridctlOpenMetrics } from './openmetrics.js';
import type { Place } from './resource.js';
import { advanceSeries, emptySeries, type ServerSeries } from './series.js';
import { decodeSlogLine } from './slog-line.js';
import { readSnapshot } from './snapshot-line.js';

/** A gridctl file with what reads its lines. */
export type SourcedFile = GridctlFile & { source: LineSource };

/**
 * Each file with its line source: traces as OTLP JSON Lines, logs through the slog decoder,
 * metrics through one stateful decoder per server, shared by its rotated siblings and its
 * active file (read in that order), its state loaded by `load` (the key's recorded JSON). The
 * metrics lines read also go to `backfill`, as cumulative points, where there is one.
 */
export function withSources(
  files: readonly GridctlFile[],
  temporality: Temporality,
  load: (key: string) => string | undefined,
  backfill?: GridctlOpenMetrics,
): SourcedFile[] {
  const metrics = new Map<string, MetricsLineSource>();
  return files.map((file) => {
    const place = { stack: file.stack, server: file.server };
    if (file.signal === 'traces') return { ...file, source: OTLP_LINES };
    if (file.signal === 'logs')
      return { ...file, source: { parse: (bytes: Buffer) => decodeSlogLine(bytes, place) } };
    const key = seriesStateKey(place);
    let source = metrics.get(key);
    if (source === undefined) {
      source = new MetricsLineSource(place, temporality, key, load(key), backfill);
      metrics.set(key, source);
    }
    return { ...file, source };
  });
}

export function seriesStateKey(place: Place): string {
  return `gridctl-metrics:${JSON.stringify([place.stack, place.server])}`;
}

/** One server's metrics lines, each made into the points it states (see advanceSeries). */
export class MetricsLineSource implements LineSource {
  private settledState: ServerSeries;
  private current: ServerSeries;
  private changed = false;

  constructor(
    private readonly place: Place,
    private readonly temporality: Temporality,
    private readonly key: string,
    recorded: string | undefined,
    private readonly backfill?: GridctlOpenMetrics,
  ) {
    this.settledState = recorded === undefined ? emptySeries() : readState(recorded);
    this.current = this.settledState;
  }

  parse(bytes: Buffer): ParsedLine {
    // What a line before left unsettled (the run stopped on it) does not carry over.
    this.current = this.settledState;
    const object = readJsonObject(bytes, 'a gridctl metrics line');
    if (object.kind !== 'object') return object;
    const read = readSnapshot(object.value as Json);
    if (read.kind === 'bad') return read;
    const { points, after } = advanceSeries(this.settledState, read.line, this.temporality);
    this.current = after;
    if (this.backfill !== undefined)
      this.backfill.add(
        this.temporality === 'cumulative'
          ? points
          : advanceSeries(this.settledState, read.line, 'cumulative').points,
        this.place,
      );
    if (points.length === 0) return { kind: 'blank' };
    const encoded = encodeSeriesPoints(points, this.place, this.temporality);
    return {
      kind: 'otlp',
      signal: 'metrics',
      data: JSON.parse(encoded.json.toString('utf8')) as Json,
      body: encoded.json,
      protobuf: encoded.protobuf,
    };
  }

  settle(): void {
    if (this.current === this.settledState) return;
    this.settledState = this.current;
    this.changed = true;
  }

  settled(): { key: string; state: string } | undefined {
    if (!this.changed) return undefined;
    return { key: this.key, state: JSON.stringify(this.settledState) };
  }
}

/** A recorded state; one that cannot be read starts again, as a first run would. */
function readState(json: string): ServerSeries {
  try {
    const value = JSON.parse(json) as ServerSeries;
    if (typeof value === 'object' && value !== null && typeof value.series === 'object')
      return value;
  } catch {
    // fall through
  }
  return emptySeries();
}
