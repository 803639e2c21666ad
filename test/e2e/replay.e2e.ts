/**
 * `telemetry-sync replay` against the real Collector (issue 14). The Collector's own file exporter
 * output (metrics from our sync, logs and traces posted as OTLP/JSON, all in one file) is replayed
 * into a second Collector, whose file exporter must then write the very same lines; our
 * `--otlp-json-out` artifact replays with every point arriving; the state database makes a second
 * run send nothing and a run after an append send only the new lines; and the file exporter's
 * rotation (timberjack renames to `received-<UTC time>-size.jsonl`, then the rotated files gzipped as
 * logrotate would) replays in order with nothing sent twice. A line over 1 MiB and a line cut by
 * `--since`/`--until` arrive with their records unchanged.
 *
 * The file exporter's `compression` is zstd only (gzip is refused at startup) and frames each
 * compressed batch with a length prefix: that output is not JSON Lines, so it is not replayed here.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import type { ReplayFilesResult } from '../../src/engine/jsonl-result.js';
import { decodeMetricsDataJson, flattenPoints } from '../helpers/otlp-proto.js';
import type { FlatPoint } from '../helpers/otlp-proto.js';
import { runCli } from '../helpers/run-cli.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  removeTmpDirs,
  tmpDbPath,
} from '../helpers/tokf-db.js';
import { comparable, expectedPoints } from './helpers/expected.js';
import { Collector } from './helpers/collector.js';
import { e2eTmpDir, removeE2eTmpDir } from './helpers/peers.js';
import { sync } from './helpers/sync.js';

const started: Collector[] = [];

async function startCollector(rotateMegabytes?: number): Promise<Collector> {
  const collector = await Collector.start({
    signals: ['metrics', 'logs', 'traces'],
    rotateMegabytes,
  });
  started.push(collector);
  return collector;
}

afterAll(async () => {
  await Promise.all(started.map((collector) => collector.stop()));
  removeE2eTmpDir();
  removeTmpDirs();
});

interface ReplayRun {
  code: number | null;
  result: ReplayFilesResult;
  stderr: string;
}

/** `telemetry-sync replay PATHS --endpoint URL --state STATE --json ...extra`. */
async function replay(
  paths: string[],
  endpoint: string,
  state: string,
  extra: string[] = [],
): Promise<ReplayRun> {
  const run = await runCli([
    'replay',
    ...paths,
    '--endpoint',
    endpoint,
    '--state',
    state,
    '--json',
    ...extra,
  ]);
  let result: ReplayFilesResult;
  try {
    result = JSON.parse(run.stdout) as ReplayFilesResult;
  } catch {
    throw new Error(`replay printed no result (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { code: run.code, result, stderr: run.stderr };
}

function tmpDir(name: string): string {
  return fs.mkdtempSync(path.join(e2eTmpDir(), `${name}-`));
}

/** A tokf database with `n` events from `start`. */
function tokfDb(n: number, start: string, seed: number): string {
  const db = tmpDbPath();
  createTokfDb(db);
  insertEvents(db, makeEvents(n, { start, seed }));
  return db;
}

/** Nanoseconds since the epoch of an ISO time, as OTLP/JSON writes them. */
const nanos = (iso: string, plusMs = 0): string =>
  String(BigInt(Date.parse(iso) + plusMs) * 1_000_000n);

const HEX = (byte: number, bytes: number): string =>
  byte.toString(16).padStart(2, '0').repeat(bytes);

const RESOURCE = (marker: string): unknown => ({
  attributes: [
    { key: 'service.name', value: { stringValue: 'replay-e2e' } },
    { key: 'e2e.marker', value: { stringValue: marker } },
    { key: 'host.cpu.count', value: { intValue: '8' } },
  ],
  droppedAttributesCount: 1,
});

const SCOPE = {
  name: 'replay.e2e',
  version: '1.2.3',
  attributes: [{ key: 'scope.flag', value: { boolValue: true } }],
};

/** A LogsData request with `n` records of every kind of value; `bodyBytes` pads each body. */
function logsBody(marker: string, n: number, at: string, bodyBytes = 0): unknown {
  return {
    resourceLogs: [
      {
        resource: RESOURCE(marker),
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeLogs: [
          {
            scope: SCOPE,
            schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
            logRecords: Array.from({ length: n }, (_, i) => ({
              timeUnixNano: nanos(at, i),
              observedTimeUnixNano: nanos(at, i + 500),
              severityNumber: 9 + (i % 12),
              severityText: i % 2 ? 'WARN' : 'INFO',
              body: { stringValue: `${marker} record ${i} ${'x'.repeat(bodyBytes)}` },
              attributes: [
                { key: 'i', value: { intValue: String(i) } },
                { key: 'ratio', value: { doubleValue: i / 3 } },
                { key: 'ok', value: { boolValue: i % 2 === 0 } },
                {
                  key: 'raw',
                  value: { bytesValue: Buffer.from(`${marker}-${i}`).toString('base64') },
                },
                {
                  key: 'list',
                  value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } },
                },
                {
                  key: 'map',
                  value: {
                    kvlistValue: { values: [{ key: 'k', value: { stringValue: marker } }] },
                  },
                },
              ],
              droppedAttributesCount: i % 3,
              flags: 1,
              traceId: HEX(i + 1, 16),
              spanId: HEX(i + 2, 8),
              eventName: i === 0 ? 'replay.e2e.event' : undefined,
            })),
          },
        ],
      },
    ],
  };
}

/** A TracesData request: a parent span and a child with events, a link and an error status. */
function tracesBody(marker: string, at: string, seed: number): unknown {
  const traceId = HEX(seed, 16);
  return {
    resourceSpans: [
      {
        resource: RESOURCE(marker),
        scopeSpans: [
          {
            scope: SCOPE,
            spans: [
              {
                traceId,
                spanId: HEX(seed, 8),
                name: `${marker} parent`,
                kind: 2,
                startTimeUnixNano: nanos(at),
                endTimeUnixNano: nanos(at, 250),
                attributes: [{ key: 'http.route', value: { stringValue: '/v1/things' } }],
                status: { code: 1 },
              },
              {
                traceId,
                spanId: HEX(seed + 1, 8),
                parentSpanId: HEX(seed, 8),
                traceState: 'vendor=value',
                flags: 257,
                name: `${marker} child`,
                kind: 3,
                startTimeUnixNano: nanos(at, 10),
                endTimeUnixNano: nanos(at, 200),
                attributes: [{ key: 'db.rows', value: { intValue: '42' } }],
                droppedAttributesCount: 2,
                events: [
                  {
                    timeUnixNano: nanos(at, 20),
                    name: 'retry',
                    attributes: [{ key: 'attempt', value: { intValue: '1' } }],
                    droppedAttributesCount: 1,
                  },
                ],
                droppedEventsCount: 3,
                links: [
                  {
                    traceId: HEX(seed + 7, 16),
                    spanId: HEX(seed + 7, 8),
                    traceState: 'other=1',
                    attributes: [{ key: 'link.kind', value: { stringValue: 'follows' } }],
                    flags: 256,
                  },
                ],
                droppedLinksCount: 4,
                status: { code: 2, message: `${marker} failed` },
              },
            ],
          },
        ],
      },
    ],
  };
}

type Loose = Record<string, unknown>;

/** Records per signal in a list of lines, and their times, to show the comparison is not empty. */
function census(lines: readonly string[]): {
  metrics: number;
  logs: number;
  traces: number;
  points: number;
  logRecords: number;
  spans: number;
} {
  const count = { metrics: 0, logs: 0, traces: 0, points: 0, logRecords: 0, spans: 0 };
  for (const line of lines) {
    const data = JSON.parse(line) as Loose;
    const all = <T>(list: unknown, key: string): T[] =>
      ((list as Loose[] | undefined) ?? []).flatMap((item) => (item[key] as T[] | undefined) ?? []);
    if (data.resourceMetrics) {
      count.metrics++;
      const metrics = all<Loose>(all<Loose>(data.resourceMetrics, 'scopeMetrics'), 'metrics');
      for (const metric of metrics)
        for (const kind of ['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary'])
          count.points +=
            ((metric[kind] as Loose | undefined)?.dataPoints as unknown[] | undefined)?.length ?? 0;
    } else if (data.resourceLogs) {
      count.logs++;
      count.logRecords += all(all<Loose>(data.resourceLogs, 'scopeLogs'), 'logRecords').length;
    } else if (data.resourceSpans) {
      count.traces++;
      count.spans += all(all<Loose>(data.resourceSpans, 'scopeSpans'), 'spans').length;
    } else throw new Error(`not OTLP JSON: ${line.slice(0, 200)}`);
  }
  return count;
}

/** Every data point of MetricsData lines, decoded with the official schema. */
function pointsOf(lines: readonly string[]): FlatPoint[] {
  return lines.flatMap((line, index) => {
    const { decoded, issues } = decodeMetricsDataJson(line);
    if (issues.length > 0) throw new Error(`line ${index + 1}: ${issues.join('; ')}`);
    return flattenPoints(decoded);
  });
}

/** Each line's marker and hash: lines of 300 KB compared without printing them whole. */
const digests = (lines: readonly string[]): string[] =>
  lines.map(
    (line) =>
      `${/rotation-\d+/.exec(line)?.[0]} ${createHash('sha256').update(line).digest('hex')}`,
  );

const sorted = <T>(items: readonly T[]): string[] =>
  items.map((item) => JSON.stringify(item)).sort();

describe("the Collector's file exporter output replays into another Collector", () => {
  let source: Collector;
  let sink: Collector;
  let state: string;
  let db: string;
  let syncRequests = 0;

  beforeAll(async () => {
    [source, sink] = await Promise.all([startCollector(), startCollector()]);
    state = path.join(tmpDir('state'), 'replay-state.db');
    db = tokfDb(60, '2026-03-02T09:00:00Z', 7);
    const run = await sync(db, ['--endpoint', source.endpoint]);
    expect({ code: run.code, status: run.result.status }).toEqual({ code: 0, status: 'delivered' });
    syncRequests = run.result.requests;
    // Logs and traces between the metrics requests' lines, in one file with them.
    await source.post('logs', logsBody('first', 5, '2026-03-02T10:00:00Z'));
    await source.post('traces', tracesBody('first', '2026-03-02T10:00:01Z', 0x11));
    await source.post('logs', logsBody('second', 3, '2026-03-02T10:00:02Z'));
    await source.post('traces', tracesBody('second', '2026-03-02T10:00:03Z', 0x21));
    await source.waitForLines(syncRequests + 4);
  });

  it('writes the same lines, byte for byte, in the same order, every signal', async () => {
    const lines = source.lines();
    const got = census(lines);
    expect(got).toMatchObject({ metrics: syncRequests, logs: 2, traces: 2, logRecords: 8 });
    expect(got.spans).toBe(4);
    expect(got.points).toBeGreaterThan(60);

    const run = await replay([source.outputDir], sink.endpoint, state);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({
      status: 'delivered',
      lines: lines.length,
      sentLines: lines.length,
      signals: { metrics: syncRequests, logs: 2, traces: 2 },
      requests: lines.length,
      badLines: 0,
      refusedLines: 0,
      rejectedRecords: 0,
      stopped: null,
    });
    expect(run.result.files.map((file) => path.basename(file.path))).toEqual(['received.jsonl']);

    const received = await sink.waitForLines(lines.length);
    expect(received).toEqual(lines);
    // The same points, decoded with the official schema, as the rows of tokf's database.
    const metricLines = received.filter((line) => line.startsWith('{"resourceMetrics"'));
    expect(metricLines).toHaveLength(syncRequests);
    expect(sorted(comparable(pointsOf(metricLines)))).toEqual(
      sorted(expectedPoints(readEvents(db))),
    );
  });

  it('a second run sends nothing', async () => {
    const before = sink.lines();
    const run = await replay([source.outputDir], sink.endpoint, state);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'delivered', sentLines: 0, requests: 0 });
    expect(run.result.files[0]).toMatchObject({ start: 'same', lines: 0, sent: 0 });
    await sink.barrier();
    expect(sink.lines()).toEqual(before);
  });

  it('after the Collector wrote more, a run sends only the new lines', async () => {
    const before = source.lines().length;
    insertEvents(db, makeEvents(20, { start: '2026-03-03T09:00:00Z', seed: 8 }));
    const run = await sync(db, ['--endpoint', source.endpoint]);
    expect(run.code).toBe(0);
    await source.post('logs', logsBody('third', 2, '2026-03-03T10:00:00Z'));
    await source.post('traces', tracesBody('third', '2026-03-03T10:00:01Z', 0x31));
    const added = run.result.requests + 2;
    const lines = await source.waitForLines(before + added);

    const again = await replay([source.outputDir], sink.endpoint, state);
    expect(again.code).toBe(0);
    expect(again.result).toMatchObject({
      status: 'delivered',
      sentLines: added,
      signals: { metrics: run.result.requests, logs: 1, traces: 1 },
    });
    expect(again.result.files[0]!.from).toBeGreaterThan(0);
    expect(await sink.waitForLines(lines.length)).toEqual(lines);
    await sink.barrier();
    expect(sink.lines()).toHaveLength(lines.length);
  });
});

describe('our --otlp-json-out artifact replays into the Collector', () => {
  let sink: Collector;
  let db: string;
  let outDir: string;
  let state: string;
  let artifact: string;

  beforeAll(async () => {
    sink = await startCollector();
    db = tokfDb(300, '2026-04-01T08:00:00Z', 21);
    outDir = tmpDir('artifact');
    state = path.join(tmpDir('state'), 'replay-state.db');
    const run = await sync(db, ['--otlp-json-out', outDir]);
    expect(run.code).toBe(0);
    artifact = path.join(outDir, 'metrics.jsonl');
    expect(run.result.otlpJsonFile).toBe(artifact);
  });

  it('every point arrives, as the rows say', async () => {
    const lines = fs.readFileSync(artifact, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    const run = await replay([outDir], sink.endpoint, state);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({
      status: 'delivered',
      sentLines: lines.length,
      signals: { metrics: lines.length, logs: 0, traces: 0 },
      rejectedRecords: 0,
    });
    const received = await sink.waitForLines(lines.length);
    expect(received).toHaveLength(lines.length);
    const got = comparable(pointsOf(received));
    expect(sorted(got)).toEqual(sorted(comparable(pointsOf(lines))));
    expect(sorted(got)).toEqual(sorted(expectedPoints(readEvents(db))));
    // Resource, scope and metric descriptions unchanged, line by line.
    expect(received.map((line) => pointsOf([line]))).toEqual(lines.map((line) => pointsOf([line])));
  });

  it('a second run sends nothing; lines appended later are sent alone', async () => {
    const before = sink.lines();
    const idle = await replay([artifact], sink.endpoint, state);
    expect(idle.code).toBe(0);
    expect(idle.result).toMatchObject({ sentLines: 0, requests: 0 });

    // Another sync's artifact, of later events, appended to the first file.
    const laterDb = tokfDb(40, '2026-04-05T08:00:00Z', 22);
    const laterDir = tmpDir('artifact-later');
    expect((await sync(laterDb, ['--otlp-json-out', laterDir])).code).toBe(0);
    const appended = fs.readFileSync(path.join(laterDir, 'metrics.jsonl'), 'utf8');
    const appendedLines = appended.split('\n').filter(Boolean);
    fs.appendFileSync(artifact, appended);

    const run = await replay([artifact], sink.endpoint, state);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'delivered', sentLines: appendedLines.length });
    expect(run.result.files[0]).toMatchObject({ start: 'same' });
    const received = await sink.waitForLines(before.length + appendedLines.length);
    expect(received.slice(0, before.length)).toEqual(before);
    const fresh = received.slice(before.length);
    expect(sorted(comparable(pointsOf(fresh)))).toEqual(
      sorted(expectedPoints(readEvents(laterDb))),
    );
    await sink.barrier();
    expect(sink.lines()).toHaveLength(before.length + appendedLines.length);
  });
});

describe("the file exporter's rotation replays in order, compressed or not", () => {
  const RECORDS = 3;
  const BODY_BYTES = 100_000; // about 300 KB a line: a rotation every three lines or so
  let source: Collector;
  let sink: Collector;
  let state: string;
  let posted = 0;

  async function postLogs(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await source.post(
        'logs',
        logsBody(`rotation-${posted}`, RECORDS, '2026-05-01T00:00:00Z', BODY_BYTES),
      );
      posted++;
      await source.waitForLines(posted);
    }
  }

  beforeAll(async () => {
    [source, sink] = await Promise.all([startCollector(1), startCollector()]);
    state = path.join(tmpDir('state'), 'replay-state.db');
    await postLogs(8);
  });

  it('rotated siblings oldest first, then the live file', async () => {
    const files = source.files().map((file) => path.basename(file));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const name of files.slice(0, -1))
      expect(name).toMatch(/^received-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}-size\.jsonl$/);
    expect(files.at(-1)).toBe('received.jsonl');
    const lines = source.lines();
    expect(lines).toHaveLength(posted);
    // The lines are in posting order across the files, each with its own marker.
    expect(lines.map((line) => /rotation-(\d+)/.exec(line)![1])).toEqual(
      Array.from({ length: posted }, (_, i) => String(i)),
    );

    const run = await replay([source.outputDir], sink.endpoint, state);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'delivered', sentLines: posted, splitLines: 0 });
    expect(run.result.files.map((file) => path.basename(file.path))).toEqual(files);
    expect(digests(await sink.waitForLines(posted))).toEqual(digests(lines));
  });

  it('after a rotation renamed the live file and logrotate gzipped the old ones, only new lines go', async () => {
    // Compress every rotated file as logrotate would (a new file; the plain one removed).
    for (const file of source.files().slice(0, -1)) {
      fs.writeFileSync(`${file}.gz`, zlib.gzipSync(fs.readFileSync(file)));
      fs.rmSync(file);
    }
    const rotatedBefore = source.files().length;
    await postLogs(5); // renames the live file at least once more
    expect(source.files().length).toBeGreaterThan(rotatedBefore);
    const lines = source.lines();
    expect(lines).toHaveLength(posted);

    const run = await replay([source.outputDir], sink.endpoint, state);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'delivered', sentLines: 5, badLines: 0 });
    // The gzipped files are known by their first line, the renamed live file by its inode too.
    // Files not seen before are read from their start: `new`, or `replaced` when one got the
    // inode of a file removed since (the plain files gzip replaced), as happens here.
    const starts = run.result.files.map((file) => `${file.gzip ? 'gz' : 'plain'} ${file.start}`);
    expect(starts).toContain('gz copy');
    expect(starts).toContain('plain same');
    expect(starts.filter((start) => start.startsWith('gz'))).toEqual(
      starts.filter((start) => start === 'gz copy'),
    );
    for (const file of run.result.files.filter((f) => f.start === 'new' || f.start === 'replaced'))
      expect(file.from).toBe(0);
    expect(digests(await sink.waitForLines(posted))).toEqual(digests(lines));
    await sink.barrier();
    expect(sink.lines()).toHaveLength(posted);

    // A fresh state reads it all, .gz files included, as it would send it.
    const dry = await replay(
      [source.outputDir],
      sink.endpoint,
      path.join(tmpDir('state'), 's.db'),
      ['--dry-run'],
    );
    expect(dry.code).toBe(0);
    expect(dry.result).toMatchObject({ status: 'dry-run', sentLines: posted, badLines: 0 });
  });
});

describe('lines the replay cuts still arrive whole in content', () => {
  let source: Collector;
  let state: string;

  /** Each log record with the resource and scope around it, as JSON objects. */
  function records(
    lines: readonly string[],
  ): { resource: unknown; scope: unknown; record: Loose }[] {
    return lines.flatMap((line) =>
      ((JSON.parse(line) as Loose).resourceLogs as Loose[]).flatMap((rl) =>
        (rl.scopeLogs as Loose[]).flatMap((sl) =>
          (sl.logRecords as Loose[]).map((record) => ({
            resource: [rl.resource, rl.schemaUrl],
            scope: [sl.scope, sl.schemaUrl],
            record,
          })),
        ),
      ),
    );
  }

  beforeAll(async () => {
    source = await startCollector();
    state = path.join(tmpDir('state'), 'replay-state.db');
    // About 2.4 MB on one line: over the Collector's 1 MiB line limit the replay keeps to.
    await source.post('logs', logsBody('big', 8, '2026-06-01T00:00:00Z', 300_000));
    await source.post('logs', logsBody('window', 10, '2026-06-02T00:00:00Z'));
    await source.waitForLines(2);
  });

  it('a line over 1 MiB goes as pieces of at most 1 MiB, every record once, in order', async () => {
    const sink = await startCollector();
    const [big] = source.lines();
    expect(big!.length).toBeGreaterThan(2 * 1024 * 1024);
    const run = await replay([source.outputFile], sink.endpoint, state, [
      '--until',
      '2026-06-01T12:00:00Z',
    ]);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'delivered', splitLines: 1, filteredLines: 1 });
    expect(run.result.requests).toBeGreaterThan(2);
    await sink.waitForLines(run.result.requests);
    await sink.barrier();
    const received = sink.lines();
    expect(received).toHaveLength(run.result.requests);
    for (const line of received) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(1024 * 1024);
    const got = records(received);
    const want = records([big!]);
    expect(got.map((r) => r.record.timeUnixNano)).toEqual(want.map((r) => r.record.timeUnixNano));
    expect(
      got.map((r) => JSON.stringify(r)).join('\n') ===
        want.map((r) => JSON.stringify(r)).join('\n'),
    ).toBe(true);
  });

  it('--since cuts a line by its records’ times, the records kept unchanged', async () => {
    const sink = await startCollector();
    const window = source.lines()[1]!;
    const run = await replay(
      [source.outputFile],
      sink.endpoint,
      path.join(tmpDir('state'), 'window.db'),
      ['--since', '2026-06-02T00:00:00.005Z'],
    );
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({
      status: 'delivered',
      filteredRecords: 8 + 5,
      filteredLines: 1,
    });
    const received = await sink.waitForLines(1);
    await sink.barrier();
    expect(sink.lines()).toHaveLength(1);
    expect(records(received)).toEqual(records([window]).slice(5));
  });
});
