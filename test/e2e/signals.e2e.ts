/**
 * tokf's events as logs and spans (`--signals`), into a real Collector: real invocations through
 * tokf 0.2.54 fill its database, our CLI sends them as metrics, logs and traces with each
 * encoding, and the records the Collector's file exporter wrote (its own OTLP/JSON, from pdata: a
 * decoder we did not write) are checked against the rows: times to the nanosecond, body, severity,
 * span timing and status, attributes under tokf's names. A second sync sends nothing; a copy of
 * the database sent again gives the same trace and span ids.
 */

import { readEvents, type TokfEventRow } from '../helpers/tokf-db.js';
import { Collector } from './helpers/collector.js';
import { INVOCATIONS } from './helpers/commands.js';
import { removeE2eTmpDir } from './helpers/peers.js';
import { sync } from './helpers/sync.js';
import { TokfSandbox } from './helpers/tokf.js';

type Row = TokfEventRow & { head_exit_code?: number | null };
type Loose = Record<string, unknown>;
interface AnyValue {
  stringValue?: string;
  intValue?: string;
  boolValue?: boolean;
}

let sandbox: TokfSandbox;
let rows: Row[];
let collector: Collector;

beforeAll(async () => {
  sandbox = new TokfSandbox('signals');
  await sandbox.initGitRepo();
  for (const invocation of INVOCATIONS) await sandbox.runOk(invocation.args);
  rows = readEvents(sandbox.db) as Row[];
  collector = await Collector.start({ signals: ['metrics', 'logs', 'traces'] });
}, 120_000);

afterAll(async () => {
  await collector?.stop();
  removeE2eTmpDir();
});

const all = <T = Loose>(items: unknown, key: string): T[] =>
  ((items ?? []) as Loose[]).flatMap((item) => (item[key] ?? []) as T[]);

function attributes(item: Loose): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const kv of (item.attributes ?? []) as { key: string; value: AnyValue }[]) {
    const v = kv.value;
    out[kv.key] = v.stringValue ?? v.intValue ?? (v.boolValue as boolean);
  }
  return out;
}

/** The records of one signal that the Collector wrote for the resource marked `e2e.case`. */
function records(signal: 'logs' | 'traces', name: string): Loose[] {
  const [resources, scopes, items] =
    signal === 'logs'
      ? ['resourceLogs', 'scopeLogs', 'logRecords']
      : ['resourceSpans', 'scopeSpans', 'spans'];
  return collector
    .lines()
    .map((line) => JSON.parse(line) as Loose)
    .flatMap((data) => (data[resources] ?? []) as Loose[])
    .filter((res) => attributes((res.resource ?? {}) as Loose)['e2e.case'] === name)
    .flatMap((res) => all<Loose>(res[scopes], items));
}

async function waitForRecords(signal: 'logs' | 'traces', name: string, n: number) {
  const timeoutMs = 15_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = records(signal, name);
    if (found.length >= n) return found;
    if (Date.now() > deadline)
      throw new Error(
        `waited ${timeoutMs} ms for ${n} ${signal} records of case ${name} in the Collector's file; ${found.length} came`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

const nanos = (row: Row, plusMs = 0) =>
  String(BigInt(Date.parse(row.timestamp)) * 1_000_000n + BigInt(plusMs) * 1_000_000n);

/** tokf's rule for a piped run: the run's own exit code is head_exit_code. */
const exitOf = (row: Row) => row.head_exit_code ?? row.exit_code;

/** What both a log record and a span carry, from the row alone. */
function expectedAttributes(row: Row): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {
    'tokf.command': row.command,
    'tokf.tokens.input': String(row.input_tokens_est),
    'tokf.tokens.output': String(row.output_tokens_est),
    'tokf.tokens.saved': String(Math.max(0, row.input_tokens_est - row.output_tokens_est)),
    'tokf.filter.time_ms': String(row.filter_time_ms),
  };
  if (exitOf(row) !== null) out['tokf.exit_code'] = String(exitOf(row));
  if (row.filter_name !== null) out['tokf.filter.name'] = row.filter_name;
  if (row.head_exit_code != null) out['tokf.pipeline.exit_code'] = String(row.exit_code);
  return out;
}

/** The attributes a record has of those the rows can predict (ids and project aside). */
function predictable(item: Loose): Record<string, string | boolean> {
  const got = attributes(item);
  delete got['tokf.event.id'];
  delete got['tokf.project'];
  delete got['tokf.pipe_override'];
  return got;
}

describe.each(['http/protobuf', 'http/json'] as const)(
  'tokf events as logs and spans (%s)',
  (protocol) => {
    const name = `signals-${protocol.replace('http/', '')}`;
    let db: string;
    const args = () => [
      '--endpoint',
      collector.endpoint,
      '--protocol',
      protocol,
      '--signals',
      'metrics,logs,traces',
      '--resource-attributes',
      `e2e.case=${name}`,
    ];

    beforeAll(() => {
      db = sandbox.copyOfDb(name);
    });

    it('sends one log record and one span per row, as the row says', async () => {
      const run = await sync(db, args());
      expect(run.code).toBe(0);
      expect(run.result.status).toBe('delivered');
      const signals = (run.result as unknown as { signals: Loose[] }).signals;
      expect(signals.map((s) => [s.signal, s.delivered, s.pending])).toEqual([
        ['metrics', rows.length, 0],
        ['logs', rows.length, 0],
        ['traces', rows.length, 0],
      ]);

      const logs = await waitForRecords('logs', name, rows.length);
      expect(logs).toHaveLength(rows.length);
      const byTime = (items: Loose[], key: string) =>
        [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
      logs.forEach((log, i) => {
        const row = rows[i]!;
        expect(log.timeUnixNano).toBe(nanos(row));
        expect(log.eventName).toBe('tokf.invocation');
        expect((log.body as AnyValue).stringValue).toBe(row.command);
        expect(log.severityText).toBe(exitOf(row) === 0 ? 'INFO' : 'ERROR');
        expect(log.severityNumber).toBe(exitOf(row) === 0 ? 9 : 17);
        expect(predictable(log)).toEqual(expectedAttributes(row));
      });
      // Sent in event order; a Collector keeps that order within a request.
      expect(logs.map((l) => l.timeUnixNano)).toEqual(
        byTime(logs, 'timeUnixNano').map((l) => l.timeUnixNano),
      );

      const spans = await waitForRecords('traces', name, rows.length);
      expect(spans).toHaveLength(rows.length);
      spans.forEach((span, i) => {
        const row = rows[i]!;
        expect(span.startTimeUnixNano).toBe(nanos(row));
        expect(span.endTimeUnixNano).toBe(nanos(row, row.filter_time_ms));
        expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
        expect(String(span.name)).not.toBe('');
        expect(row.command.startsWith(String(span.name).split(' ')[0]!)).toBe(true);
        const status = (span.status ?? {}) as Loose;
        expect(status.code ?? 0).toBe(exitOf(row) === 0 ? 0 : 2);
        expect(predictable(span)).toEqual(expectedAttributes(row));
      });
      expect(new Set(spans.map((s) => s.spanId)).size).toBe(rows.length);
      expect(new Set(spans.map((s) => s.traceId)).size).toBe(rows.length);
    });

    it('a second sync sends nothing, and a copy sent again gives the same spans', async () => {
      const before = { logs: records('logs', name).length, traces: records('traces', name).length };
      const again = await sync(db, args());
      expect(again.code).toBe(0);
      expect(again.result).toMatchObject({ selected: 0, delivered: 0, requests: 0 });
      await collector.settle();
      expect(records('logs', name)).toHaveLength(before.logs);
      expect(records('traces', name)).toHaveLength(before.traces);

      const resent = await sync(sandbox.copyOfDb(`${name}-copy`), args());
      expect(resent.code).toBe(0);
      const spans = await waitForRecords('traces', name, 2 * rows.length);
      const ids = spans.map((s) => `${String(s.traceId)}/${String(s.spanId)}`);
      expect(ids.slice(rows.length)).toEqual(ids.slice(0, rows.length));
    });
  },
);
