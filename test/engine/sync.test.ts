import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { SyncSettings } from '../../src/config/sync-config.js';
import { DatabaseError } from '../../src/errors.js';
import { RANGES_TABLE } from '../../src/progress/ranges-store.js';
import { expectedSums, nanosOf, sumsByPoint } from '../helpers/expectations.js';
import { fileHash } from '../helpers/run-cli.js';
import { syncTo } from '../helpers/sync-engine.js';
import { decodeMetricsDataJson, flattenPoints } from '../helpers/otlp-proto.js';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  readSyncState,
  removeTmpDirs,
  setSyncState,
  TOKF_LAYOUTS,
  tmpDbPath,
  type TokfLayout,
} from '../helpers/tokf-db.js';

const receiver = otlpReceiverForEachTest();
afterAll(removeTmpDirs);

function sync(db: string, settings: SyncSettings = {}, env: NodeJS.ProcessEnv = {}) {
  return syncTo(receiver.url, db, settings, env);
}

function dbWith(layout: TokfLayout, n: number, start?: string): string {
  const path = tmpDbPath();
  createTokfDb(path, layout);
  insertEvents(path, makeEvents(n, start === undefined ? {} : { start }));
  return path;
}

describe.each(TOKF_LAYOUTS)('a %s tokf database', (layout) => {
  it('is delivered whole with exact timestamps and attributes, then a second run sends nothing', async () => {
    const path = dbWith(layout, 250);
    setSyncState(path, 'last_synced_id', '7');
    const rows = readEvents(path);

    const first = await sync(path, { batchSize: '60' });
    expect(first).toMatchObject({
      status: 'delivered',
      exitCode: 0,
      selected: 250,
      delivered: 250,
      pending: 0,
    });
    expect(first.progress).toBe(layout === 'with-synced-column' ? 'column' : 'ranges');
    expect(first.firstEventTime).toBe(rows[0]!.timestamp);
    expect(first.lastEventTime).toBe(rows.at(-1)!.timestamp);

    const points = receiver.acceptedPoints();
    const expected = expectedSums(rows);
    expect(sumsByPoint(points, 'tokf.filter.invocations')).toEqual(expected.invocations);
    expect(sumsByPoint(points, 'tokf.tokens.saved')).toEqual(expected.saved);
    // Every point: its time is an event's timestamp, its start exactly one second earlier.
    const eventTimes = new Set(rows.map((r) => nanosOf(r.timestamp)));
    for (const p of points) {
      expect(eventTimes.has(p.timeUnixNano)).toBe(true);
      expect(BigInt(p.timeUnixNano) - BigInt(p.startTimeUnixNano)).toBe(1_000_000_000n);
      expect(p.resource).toEqual({ 'service.name': 'tokf' });
    }
    // Requests went out in event order.
    const lastTimes = receiver
      .accepted()
      .map((r) => flattenPoints(r).map((p) => BigInt(p.timeUnixNano)));
    for (let i = 1; i < lastTimes.length; i++) {
      const prevMax = lastTimes[i - 1]!.reduce((a, b) => (a > b ? a : b));
      const min = lastTimes[i]!.reduce((a, b) => (a < b ? a : b));
      expect(min > prevMax).toBe(true);
    }

    const requestsBefore = receiver.requests.length;
    const second = await sync(path);
    expect(second).toMatchObject({
      status: 'delivered',
      selected: 0,
      delivered: 0,
      pending: 0,
      requests: 0,
    });
    expect(receiver.requests.length).toBe(requestsBefore);
    // tokf's own cursor is never read or written.
    expect(readSyncState(path).last_synced_id).toBe('7');
  });
});

describe('progress records', () => {
  it('sets synced_to_otel_at in tokf format where the column exists', async () => {
    const path = dbWith('with-synced-column', 20);
    await sync(path);
    for (const row of readEvents(path))
      expect(row.synced_to_otel_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('keeps one coalesced range in our own table otherwise, and nothing of tokf changes', async () => {
    const path = dbWith('fresh', 30);
    const before = readEvents(path);
    await sync(path, { batchSize: '7' });
    const db = new DatabaseSync(path);
    expect(db.prepare(`SELECT first_id, last_id FROM ${RANGES_TABLE}`).all()).toEqual([
      { first_id: 1, last_id: 30 },
    ]);
    db.close();
    expect(readEvents(path)).toEqual(before);
  });

  it('sends exactly the rest after --limit, --since and --until left gaps', async () => {
    const path = dbWith('fresh', 120);
    const rows = readEvents(path);
    const limited = await sync(path, { limit: '10' });
    expect(limited).toMatchObject({ selected: 10, delivered: 10, pending: 110 });

    const since = rows[60]!.timestamp;
    const until = rows[90]!.timestamp;
    const inWindow = rows.filter(
      (r) => r.id > 10 && r.timestamp >= since && r.timestamp < until,
    ).length;
    const windowed = await sync(path, { since, until });
    expect(windowed).toMatchObject({
      selected: inWindow,
      delivered: inWindow,
      pending: 110 - inWindow,
    });

    const rest = await sync(path);
    expect(rest).toMatchObject({ selected: 110 - inWindow, delivered: 110 - inWindow, pending: 0 });
    // Over the three runs every event arrived exactly once.
    const expected = expectedSums(rows);
    expect(sumsByPoint(receiver.acceptedPoints(), 'tokf.filter.invocations')).toEqual(
      expected.invocations,
    );
  });
});

describe('merging', () => {
  it('turns events of one series in one second into one point, totals kept', async () => {
    const path = tmpDbPath();
    createTokfDb(path, 'fresh');
    const same = {
      timestamp: '2026-03-05T10:22:13Z',
      command: 'git status',
      filterName: 'git/status',
      exitCode: 0,
    };
    insertEvents(path, [
      { ...same, inputTokensEst: 100, outputTokensEst: 10, filterTimeMs: 4 },
      { ...same, inputTokensEst: 50, outputTokensEst: 60, filterTimeMs: 6 },
      { ...same, inputTokensEst: 7, outputTokensEst: 1, filterTimeMs: 0 },
    ]);
    await sync(path);
    const points = receiver.acceptedPoints();
    const inv = points.filter((p) => p.metric === 'tokf.filter.invocations');
    expect(inv).toHaveLength(1);
    expect(inv[0]).toMatchObject({ value: 3, timeUnixNano: nanosOf(same.timestamp) });
    expect(points.find((p) => p.metric === 'tokf.tokens.saved')?.value).toBe(90 + 0 + 6);
    const usage = points.filter((p) => p.metric === 'gen_ai.client.token.usage');
    expect(usage.map((p) => [p.attributes['gen_ai.token.type'], p.count, p.sum])).toEqual([
      ['input', 3, 157],
      ['output', 3, 71],
    ]);
    expect(points.find((p) => p.metric === 'tokf.filter.duration')).toMatchObject({
      count: 3,
      sum: 0.01,
      min: 0,
      max: 0.006,
    });
  });
});

describe('delivery outcomes', () => {
  it('stops after a failed request: nothing later is sent, the rest stays pending, exit 1', async () => {
    const path = dbWith('fresh', 100);
    receiver.enqueue({}, { status: 500, errorMessage: 'backend broken' });
    const result = await sync(path, { batchSize: '20' });
    expect(result).toMatchObject({
      status: 'partial',
      exitCode: 1,
      delivered: result.delivered,
      requests: 2,
      failedRequests: 1,
    });
    expect(result.delivered).toBeGreaterThanOrEqual(20);
    expect(result.pending).toBe(100 - result.delivered);
    expect(result.errors).toEqual([
      expect.objectContaining({ kind: 'send-failed', message: 'HTTP 500: backend broken' }),
    ]);
    expect(receiver.requests).toHaveLength(2);

    const again = await sync(path, { batchSize: '20' });
    expect(again).toMatchObject({
      status: 'delivered',
      delivered: 100 - result.delivered,
      pending: 0,
    });
    expect(sumsByPoint(receiver.acceptedPoints(), 'tokf.filter.invocations')).toEqual(
      expectedSums(readEvents(path)).invocations,
    );
  });

  it('retries 503 and 429 and still delivers everything', async () => {
    const path = dbWith('fresh', 40);
    receiver.enqueue({ status: 503 }, { status: 429, retryAfter: '0' });
    const result = await sync(path);
    expect(result).toMatchObject({ status: 'delivered', delivered: 40, retries: 2, requests: 1 });
  });

  it('marks nothing when the endpoint is down, exit 1', async () => {
    const path = dbWith('fresh', 10);
    const url = receiver.url;
    await receiver.close();
    const result = await sync(path, { endpoint: url });
    expect(result).toMatchObject({ status: 'failed', exitCode: 1, delivered: 0, pending: 10 });
  });

  it('splits a request the endpoint finds too large (413) and loses nothing', async () => {
    await receiver.reopen({ maxBodyBytes: 3000 });
    const path = dbWith('fresh', 200);
    const result = await sync(path, { compression: 'none', batchSize: '200' });
    expect(result).toMatchObject({ status: 'delivered', delivered: 200, pending: 0 });
    expect(receiver.requests.some((r) => r.answeredStatus === 413)).toBe(true);
    expect(sumsByPoint(receiver.acceptedPoints(), 'tokf.filter.invocations')).toEqual(
      expectedSums(readEvents(path)).invocations,
    );
  });

  it('counts points rejected through partial_success and still marks the events', async () => {
    const path = dbWith('fresh', 5);
    receiver.enqueue({ partialSuccess: { rejectedDataPoints: 2, errorMessage: 'out of order' } });
    const result = await sync(path, { protocol: 'http/json' });
    expect(result).toMatchObject({
      status: 'delivered',
      delivered: 5,
      rejectedPoints: 2,
      pending: 0,
    });
    expect(result.warnings).toEqual([
      { kind: 'partial-success', count: 2, firstId: 1, message: 'out of order' },
    ]);
  });

  it.each([
    ['http/protobuf', 'gzip'],
    ['http/protobuf', 'none'],
    ['http/json', 'gzip'],
    ['http/json', 'none'],
  ])('delivers in %s with compression %s', async (protocol, compression) => {
    const path = dbWith('upgraded', 30);
    const result = await sync(path, { protocol, compression });
    expect(result.delivered).toBe(30);
    const req = receiver.requests[0]!;
    expect(req.contentType).toBe(
      protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
    );
    expect(req.contentEncoding).toBe(compression === 'gzip' ? 'gzip' : undefined);
    expect(req.jsonIssues).toEqual([]);
    expect(req.jsonNotes).toEqual([]);
    expect(sumsByPoint(receiver.acceptedPoints(), 'tokf.filter.invocations')).toEqual(
      expectedSums(readEvents(path)).invocations,
    );
  });

  it('sends the headers from the environment, and a flag beats them', async () => {
    const path = dbWith('fresh', 3);
    await sync(path, {}, { OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=a,x-key=s%3Dcret' });
    expect(receiver.requests[0]!.headers).toMatchObject({ 'x-tenant': 'a', 'x-key': 's=cret' });
    insertEvents(path, makeEvents(1, { start: '2026-03-09T00:00:00Z' }));
    await sync(
      path,
      { headers: 'X-Key=flag' },
      { OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=a,x-key=s%3Dcret' },
    );
    expect(receiver.requests[1]!.headers).toMatchObject({ 'x-tenant': 'a', 'x-key': 'flag' });
  });
});

describe('concurrency', () => {
  it('copes with tokf inserting rows during a sync: they wait for the next run, none lost', async () => {
    const path = dbWith('fresh', 60);
    receiver.enqueue({ delayMs: 150 }, { delayMs: 150 }, { delayMs: 150 });
    const writer = setInterval(
      () => insertEvents(path, makeEvents(2, { start: '2026-03-09T00:00:00Z', seed: Date.now() })),
      40,
    );
    const result = await sync(path, { batchSize: '20' });
    clearInterval(writer);
    expect(result.delivered).toBe(60);
    const total = readEvents(path).length;
    expect(total).toBeGreaterThan(60);
    expect(result.pending).toBe(total - 60);
    const rest = await sync(path);
    expect(rest.delivered).toBe(total - 60);
    expect(sumsByPoint(receiver.acceptedPoints(), 'tokf.filter.invocations')).toEqual(
      expectedSums(readEvents(path)).invocations,
    );
  });
});

describe('dry run and file export', () => {
  it('sends nothing and leaves the file byte for byte, even when it is read-only', async () => {
    const path = dbWith('fresh', 50);
    chmodSync(path, 0o444);
    const hash = fileHash(path);
    const result = await sync(path, { dryRun: true });
    expect(result).toMatchObject({
      status: 'dry-run',
      exitCode: 0,
      selected: 50,
      delivered: 0,
      pending: 50,
      requests: 0,
    });
    expect(result.points['tokf.filter.invocations']).toBeGreaterThan(0);
    expect(receiver.requests).toHaveLength(0);
    expect(fileHash(path)).toBe(hash);
  });

  it('writes OTLP JSON Lines that the official schema reads, and marks nothing without an endpoint', async () => {
    const path = dbWith('legacy', 80);
    const hash = fileHash(path);
    const out = join(dirname(path), 'otlp');
    const result = await syncTo(undefined, path, { otlpJsonOut: out, batchSize: '25' });
    expect(result).toMatchObject({
      status: 'exported',
      exitCode: 0,
      exported: 80,
      pending: 80,
      otlpJsonFile: join(out, 'metrics.jsonl'),
    });
    expect(fileHash(path)).toBe(hash);
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const points = lines.flatMap((line) => {
      const { decoded, issues, notes } = decodeMetricsDataJson(line);
      expect(issues).toEqual([]);
      expect(notes).toEqual([]);
      return flattenPoints(decoded);
    });
    expect(sumsByPoint(points, 'tokf.filter.invocations')).toEqual(
      expectedSums(readEvents(path)).invocations,
    );
  });

  it('writes the whole selection to the file even when delivery fails part way', async () => {
    const path = dbWith('fresh', 60);
    const out = join(dirname(path), 'otlp');
    receiver.enqueue({ status: 401 });
    const result = await sync(path, { otlpJsonOut: out, batchSize: '20' });
    expect(result).toMatchObject({ status: 'failed', exported: 60, delivered: 0 });
  });

  it('writes the OpenMetrics backfill of the selection where asked, alone or beside a delivery', async () => {
    const path = dbWith('fresh', 40);
    const out = join(dirname(path), 'om');
    const alone = await syncTo(undefined, path, { openmetricsOut: out });
    expect(alone).toMatchObject({ status: 'exported', openmetricsFile: join(out, 'metrics.om') });
    const text = readFileSync(join(out, 'metrics.om'), 'utf8');
    expect(text).toMatch(/^# TYPE tokf_filter_invocations counter$/m);
    expect(text.endsWith('# EOF\n')).toBe(true);
    // The counters end at the rows' count.
    const finals = new Map<string, number>();
    for (const line of text.split('\n')) {
      const m = /^tokf_filter_invocations_total(\{.*\}) (\d+) /.exec(line);
      if (m) finals.set(m[1]!, Number(m[2]));
    }
    expect([...finals.values()].reduce((a, b) => a + b, 0)).toBe(40);

    const sent = await sync(path, { openmetricsOut: out });
    expect(sent).toMatchObject({ status: 'delivered', delivered: 40 });
    expect(sent.openmetricsFile).toBe(join(out, 'metrics.om'));
  });
});

describe('bad databases are clear errors and change nothing', () => {
  it('a missing file', async () => {
    await expect(sync('/nonexistent/tracking.db')).rejects.toThrow(/no database at \/nonexistent/);
  });

  it('a file that is not SQLite', async () => {
    const path = tmpDbPath();
    writeFileSync(path, 'hello, this is not a database at all'.repeat(100));
    const hash = fileHash(path);
    await expect(sync(path)).rejects.toThrow(
      new DatabaseError(`${path} is not an SQLite database`),
    );
    expect(fileHash(path)).toBe(hash);
  });

  it('a database without events', async () => {
    const path = tmpDbPath();
    const db = new DatabaseSync(path);
    db.exec('CREATE TABLE other (x)');
    db.close();
    await expect(sync(path)).rejects.toThrow(/no "events" table \(tables found: other\)/);
  });

  it('an events table that is not tokf', async () => {
    const path = tmpDbPath();
    const db = new DatabaseSync(path);
    db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, timestamp TEXT, command TEXT)');
    db.close();
    await expect(sync(path)).rejects.toThrow(
      /lacks columns filter_name, input_tokens_est, output_tokens_est, filter_time_ms, exit_code/,
    );
  });

  it('an empty database file', async () => {
    const path = tmpDbPath();
    writeFileSync(path, '');
    await expect(sync(path)).rejects.toThrow(/no "events" table \(it has no tables\)/);
  });
});
