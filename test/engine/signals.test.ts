import { DatabaseSync } from 'node:sqlite';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStatus } from '../../src/engine/index.js';
import { nextEventId, stampOwnRows } from '../../src/progress/lineage.js';
import { mergeDatabase } from '../../src/progress/merge.js';
import { decodeSignalRequest } from '../helpers/otlp-signals.js';
import type { SyncSettings } from '../../src/config/sync-config.js';
import { spanIdsOf } from '../../src/encode/spans.js';
import { programOf } from '../../src/source/tokf-event.js';
import { attributesOf, type DecodedKeyValue } from '../helpers/otlp-proto.js';
import { otlpReceiverForEachTest } from '../helpers/otlp-receiver.js';
import { syncTo } from '../helpers/sync-engine.js';
import {
  createTokfDb,
  insertEvents,
  makeEvents,
  readEvents,
  removeTmpDirs,
  tmpDbPath,
  type TokfEventRow,
} from '../helpers/tokf-db.js';

const receiver = otlpReceiverForEachTest();
afterAll(removeTmpDirs);

const sync = (db: string, settings: SyncSettings = {}) => syncTo(receiver.url, db, settings);

function dbWith(n: number, layout: 'fresh' | 'with-synced-column' = 'fresh'): string {
  const path = tmpDbPath();
  createTokfDb(path, layout);
  insertEvents(path, makeEvents(n, { project: 'demo' }));
  const db = new DatabaseSync(path);
  db.exec('UPDATE events SET exit_code = 2 WHERE id % 3 = 0');
  db.close();
  return path;
}

type Rec = Record<string, unknown> & { attributes: DecodedKeyValue[] };

/** Every log record or span the receiver took, in arrival order. */
function received(signal: 'logs' | 'traces'): Rec[] {
  const out: Rec[] = [];
  for (const r of receiver.requests) {
    const d = r.signalDecoded;
    if (d?.signal !== signal) continue;
    const resources = (signal === 'logs' ? d.resourceLogs : d.resourceSpans) ?? [];
    for (const res of resources) {
      const scopes = (res[signal === 'logs' ? 'scopeLogs' : 'scopeSpans'] ?? []) as Record<
        string,
        unknown
      >[];
      for (const s of scopes)
        out.push(...((s[signal === 'logs' ? 'logRecords' : 'spans'] ?? []) as Rec[]));
    }
  }
  return out;
}

const nanos = (row: TokfEventRow, ms = 0) =>
  (BigInt(Date.parse(row.timestamp)) * 1_000_000n + BigInt(ms) * 1_000_000n).toString();

function expectedAttributes(row: TokfEventRow): Record<string, unknown> {
  return {
    'tokf.command': row.command,
    'tokf.exit_code': row.exit_code,
    ...(row.filter_name !== null && { 'tokf.filter.name': row.filter_name }),
    'tokf.tokens.input': row.input_tokens_est,
    'tokf.tokens.output': row.output_tokens_est,
    'tokf.tokens.saved': Math.max(0, row.input_tokens_est - row.output_tokens_est),
    'tokf.filter.time_ms': row.filter_time_ms,
    'tokf.project': 'demo',
    'tokf.pipe_override': row.pipe_override === 1,
    'tokf.event.id': row.id,
  };
}

const hex = (b64: unknown) => Buffer.from(String(b64), 'base64').toString('hex');

describe('--signals logs,traces', () => {
  test.each(['http/protobuf', 'http/json'])(
    'one log record and one span per row, as the rows say (%s)',
    async (protocol) => {
      const db = dbWith(30);
      const rows = readEvents(db);
      const result = await sync(db, { signals: 'logs,traces', protocol });
      expect(result.status).toBe('delivered');
      expect(receiver.requests.map((r) => r.path.split('?')[0])).not.toContain('/v1/metrics');
      expect(result.signals.map((s) => [s.signal, s.delivered, s.pending])).toEqual([
        ['logs', 30, 0],
        ['traces', 30, 0],
      ]);
      const logs = received('logs');
      expect(logs).toHaveLength(rows.length);
      logs.forEach((log, i) => {
        const row = rows[i] as TokfEventRow;
        expect(log.timeUnixNano).toBe(nanos(row));
        expect(BigInt(log.observedTimeUnixNano as string)).toBeGreaterThan(BigInt(nanos(row)));
        expect(log.eventName).toBe('tokf.invocation');
        expect(log.severityNumber).toBe(row.exit_code === 0 ? 9 : 17);
        expect(log.body).toEqual({ stringValue: row.command });
        expect(attributesOf(log.attributes)).toEqual(expectedAttributes(row));
      });
      const spans = received('traces');
      expect(spans).toHaveLength(rows.length);
      spans.forEach((span, i) => {
        const row = rows[i] as TokfEventRow;
        expect(span.name).toBe(programOf(row.command));
        expect(span.startTimeUnixNano).toBe(nanos(row));
        expect(span.endTimeUnixNano).toBe(nanos(row, row.filter_time_ms));
        expect((span.status as { code: number }).code).toBe(row.exit_code === 0 ? 0 : 2);
        expect(attributesOf(span.attributes)).toEqual(expectedAttributes(row));
        expect(hex(span.traceId)).toMatch(/^[0-9a-f]{32}$/);
        expect(hex(span.spanId)).toMatch(/^[0-9a-f]{16}$/);
      });
      expect(new Set(spans.map((s) => s.spanId)).size).toBe(rows.length);
    },
  );

  test('a resent span is the same span, whatever the database path', async () => {
    const db = dbWith(10);
    const copy = tmpDbPath();
    copyFileSync(db, copy);
    await sync(db, { signals: 'traces' });
    const first = received('traces').map((s) => [hex(s.traceId), hex(s.spanId)]);
    receiver.clear();
    await sync(copy, { signals: 'traces' });
    const again = received('traces').map((s) => [hex(s.traceId), hex(s.spanId)]);
    expect(again).toEqual(first);
    const row = readEvents(db)[0] as TokfEventRow;
    const ids = spanIdsOf({
      id: row.id,
      timestamp: row.timestamp,
      command: row.command,
      filterName: row.filter_name,
    } as Parameters<typeof spanIdsOf>[0]);
    expect(first[0]).toEqual([ids.traceId, ids.spanId]);
  });

  test('a span resent from a merged copy, where the row has another id, is the same span', async () => {
    // Two forks of one database record rows of their own, then b takes a's in by a merge: a's rows
    // land after b's, under other ids.
    const base = dbWith(3);
    const a = tmpDbPath();
    const b = tmpDbPath();
    copyFileSync(base, a);
    copyFileSync(base, b);
    stampOwnRows(a, 'run-a', nextEventId(a));
    stampOwnRows(b, 'run-b', nextEventId(b));
    insertEvents(a, makeEvents(2, { start: '2026-03-05T11:00:00Z', seed: 41 }));
    insertEvents(b, makeEvents(2, { start: '2026-03-05T12:00:00Z', seed: 42 }));
    mergeDatabase(b, a);
    const spanOf = (s: Rec) => `${String(s.startTimeUnixNano)} ${String(s.name)}`;
    const idsBy = () =>
      new Map(received('traces').map((s) => [spanOf(s), `${hex(s.traceId)}/${hex(s.spanId)}`]));

    await sync(a, { signals: 'traces' });
    const fromA = idsBy();
    receiver.clear();
    await sync(b, { signals: 'traces' });
    const fromB = idsBy();
    expect(fromB.size).toBe(7);
    const aRows = readEvents(a).slice(3);
    const bRowsOfA = readEvents(b).slice(5);
    // The same rows, under other ids in b.
    expect(bRowsOfA.map((r) => r.command)).toEqual(aRows.map((r) => r.command));
    expect(bRowsOfA.map((r) => r.id)).not.toEqual(aRows.map((r) => r.id));
    for (const [span, ids] of fromA) expect(fromB.get(span)).toBe(ids);
  });

  test.each(['fresh', 'with-synced-column'] as const)(
    'each signal keeps its own progress; a metrics-only history leaves logs pending (%s)',
    async (layout) => {
      const db = dbWith(20, layout);
      const metrics = await sync(db);
      expect(metrics.delivered).toBe(20);
      expect(metrics.signals.map((s) => s.signal)).toEqual(['metrics']);
      receiver.clear();
      const both = await sync(db, { signals: 'metrics,logs' });
      expect(both.signals.map((s) => [s.signal, s.selected, s.delivered, s.pending])).toEqual([
        ['metrics', 0, 0, 0],
        ['logs', 20, 20, 0],
      ]);
      expect(received('logs')).toHaveLength(20);
      insertEvents(db, makeEvents(5, { start: '2026-03-10T09:00:00Z', seed: 7 }));
      receiver.clear();
      const logsOnly = await sync(db, { signals: 'logs' });
      expect(logsOnly.signals.map((s) => [s.signal, s.delivered, s.pending])).toEqual([
        ['logs', 5, 0],
      ]);
      const later = await sync(db, { signals: 'metrics,logs,traces' });
      expect(later.signals.map((s) => [s.signal, s.selected, s.delivered])).toEqual([
        ['metrics', 5, 5],
        ['logs', 0, 0],
        ['traces', 25, 25],
      ]);
    },
  );

  test('a refused log record is a dead letter of logs only', async () => {
    const db = dbWith(4);
    // The request of 4 and its first half are refused, the first record taken, the rest refused:
    // an endpoint that took something refuses the others for their data.
    receiver.enqueue(
      { status: 400 },
      { status: 400 },
      {},
      ...Array.from({ length: 20 }, () => ({ status: 400 })),
    );
    const refused = await sync(db, { signals: 'logs', maxConsecutiveFailures: '10' });
    expect(refused.signals[0]?.refusedEvents).toBe(3);
    receiver.clear();
    const metrics = await sync(db);
    expect(metrics.delivered).toBe(4);
  });

  test('status counts each signal; the OTLP/JSON files hold one file per signal', async () => {
    const db = dbWith(12);
    const out = mkdtempSync(join(tmpdir(), 'signals-out-'));
    await sync(db, { signals: 'metrics,logs,traces', limit: '5', otlpJsonOut: out });
    await sync(db, { signals: 'logs', otlpJsonOut: out });
    const status = readStatus(db, Date.now());
    expect(status.signals).toEqual([
      { signal: 'metrics', delivered: 5, pending: 7, setAside: 0 },
      { signal: 'logs', delivered: 12, pending: 0, setAside: 0 },
      { signal: 'traces', delivered: 5, pending: 7, setAside: 0 },
    ]);
    const lines = (file: string) =>
      readFileSync(join(out, file), 'utf8')
        .trim()
        .split('\n')
        .filter((l) => l !== '');
    // Each file holds the last run's selection of its signal.
    const logs = lines('logs.jsonl').map((l) => decodeSignalRequest('logs', Buffer.from(l), true));
    const records = logs.flatMap((d) =>
      (d.resourceLogs ?? []).flatMap((r) =>
        (r.scopeLogs as { logRecords: unknown[] }[]).flatMap((s) => s.logRecords),
      ),
    );
    expect(records).toHaveLength(7);
    const traces = lines('traces.jsonl').map((l) =>
      decodeSignalRequest('traces', Buffer.from(l), true),
    );
    const spans = traces.flatMap((d) =>
      (d.resourceSpans ?? []).flatMap((r) =>
        (r.scopeSpans as { spans: unknown[] }[]).flatMap((s) => s.spans),
      ),
    );
    expect(spans).toHaveLength(5);
  });
});
