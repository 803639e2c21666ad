import { decodeSlogLine, slogSeverity } from '../../src/gridctl/slog-line.js';
import { parseRfc3339Nanos } from '../../src/gridctl/rfc3339.js';
import type { Loose } from '../helpers/jsonl-files.js';
import { slogLine } from '../helpers/gridctl-fixture.js';

const place = { stack: 'dev', server: 'github' };
const T = 1_777_550_400_000_000_000n;

function record(line: string): Loose {
  const parsed = decodeSlogLine(Buffer.from(line), place);
  if (parsed.kind !== 'otlp') throw new Error(`not decoded: ${JSON.stringify(parsed)}`);
  expect(JSON.parse(parsed.body!.toString('utf8'))).toEqual(parsed.data);
  return (parsed.data as Loose).resourceLogs[0].scopeLogs[0].logRecords[0];
}
const attrs = (r: Loose) =>
  Object.fromEntries(r.attributes.map((a: Loose) => [a.key, Object.values(a.value)[0]]));

describe('slog levels to OpenTelemetry severity (the otelslog bridge: level + 9, held to 1..24)', () => {
  it.each([
    ['DEBUG', 5],
    ['INFO', 9],
    ['WARN', 13],
    ['ERROR', 17],
    ['INFO+2', 11],
    ['WARN-1', 12],
    ['ERROR+2', 19],
    ['ERROR+7', 24],
    ['ERROR+40', 24],
    ['DEBUG-4', 1],
    ['DEBUG-20', 1],
  ])('%s is %d', (level, severity) => {
    expect(slogSeverity(level)).toBe(severity);
  });
  it('anything else is no slog level', () => {
    expect(slogSeverity('info')).toBeUndefined();
    expect(slogSeverity('FATAL')).toBeUndefined();
    expect(slogSeverity('ERROR+')).toBeUndefined();
  });
});

describe('RFC 3339 times as Go writes them', () => {
  it('keeps every nanosecond and applies the offset', () => {
    expect(parseRfc3339Nanos('2026-04-30T12:00:00Z')).toBe(T);
    expect(parseRfc3339Nanos('2026-04-30T12:00:00.123456789Z')).toBe(T + 123_456_789n);
    expect(parseRfc3339Nanos('2026-04-30T08:00:00.5-04:00')).toBe(T + 500_000_000n);
    expect(parseRfc3339Nanos('2026-04-30T17:30:00.000000001+05:30')).toBe(T + 1n);
  });
  it('refuses what is not such a time', () => {
    for (const text of [
      '2026-04-30 12:00:00Z',
      '2026-02-30T12:00:00Z',
      '2026-04-30T24:00:00Z',
      '2026-04-30T12:00:00',
      '1777550400',
      12,
    ])
      expect(parseRfc3339Nanos(text)).toBeUndefined();
  });
});

describe('a gridctl log line as a LogRecord', () => {
  it('time, severity, body, attributes flattened with dots, trace context, resource', () => {
    const line = slogLine(T + 42n, 'ERROR+2', 'tool call failed', {
      tool: 'search',
      request: { id: 7, params: { query: 'is:open', tags: ['a', 'b'] } },
      ratio: 0.5,
      ok: false,
      nothing: null,
      component: 'github',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
    });
    const r = record(line);
    expect(r).toMatchObject({
      timeUnixNano: String(T + 42n),
      observedTimeUnixNano: String(T + 42n),
      severityNumber: 19,
      severityText: 'ERROR+2',
      body: { stringValue: 'tool call failed' },
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      droppedAttributesCount: 1,
    });
    expect(attrs(r)).toEqual({
      tool: 'search',
      'request.id': '7',
      'request.params.query': 'is:open',
      'request.params.tags': { values: [{ stringValue: 'a' }, { stringValue: 'b' }] },
      ratio: 0.5,
      ok: false,
      component: 'github',
    });
    const decoded = decodeSlogLine(Buffer.from(line), place) as Loose;
    expect(decoded.data.resourceLogs[0].resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'gridctl' } },
      { key: 'gridctl.stack', value: { stringValue: 'dev' } },
      { key: 'server.name', value: { stringValue: 'github' } },
    ]);
  });

  it('ids that are not valid (wrong length, all zeros) stay attributes, and no trace context is set', () => {
    const r = record(slogLine(T, 'INFO', 'x', { trace_id: 'abc', span_id: '0000000000000000' }));
    expect(r.traceId).toBeUndefined();
    expect(attrs(r)).toEqual({ trace_id: 'abc', span_id: '0000000000000000' });
  });

  it('sets aside what is not a gridctl log line, saying why', () => {
    const bad = (text: string) => decodeSlogLine(Buffer.from(text), place);
    expect(bad('{"msg":"no time"}')).toMatchObject({
      kind: 'bad',
      reason: expect.stringMatching(/ts undefined is not an RFC 3339 time/),
    });
    expect(bad('[1]')).toMatchObject({
      kind: 'bad',
      reason: expect.stringMatching(/not a JSON object/),
    });
    expect(bad('{"ts":"2026-04-30T12:00:00Z","level":3}')).toMatchObject({
      kind: 'bad',
      reason: expect.stringMatching(/level is not a string/),
    });
    expect(bad('{torn')).toMatchObject({ kind: 'bad', reason: expect.stringMatching(/^not JSON/) });
    expect(bad('   ')).toEqual({ kind: 'blank' });
  });
});
