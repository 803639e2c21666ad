import { jest } from '@jest/globals';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { int64AsStrings } from '../../src/encode/int64-strings.js';
import { encodeLogRequests } from '../../src/encode/logs.js';
import { encodeRequests } from '../../src/encode/requests.js';
import { encodeSpanRequests } from '../../src/encode/spans.js';
import type { TokfEvent } from '../../src/source/tokf-event.js';
import { tokfEvent } from '../helpers/events.js';

const RESOURCE = { 'service.name': 'tokf', 'service.version': '0.2.52' };

/** The fix-up as every earlier version made it: on the decoded text, encoded again. */
function textFixUp(body: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(body);
  const fixed = text
    .replace(/"(asInt|intValue|count)":(-?\d+)/g, '"$1":"$2"')
    .replace(
      /"bucketCounts":\[([\d,]*)\]/g,
      (_, list: string) =>
        `"bucketCounts":[${list === '' ? '' : `"${list.split(',').join('","')}"`}]`,
    );
  return new TextEncoder().encode(fixed);
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * Events whose text holds what the fix-up looks for (the keys, in quotes, escaped), non-ASCII text
 * (UTF-8 sequences of two to four bytes), negative and large exit codes and an empty filter.
 */
function sample(): TokfEvent[] {
  const commands = [
    'cargo test',
    'echo "asInt":12 "count":3',
    'printf \'{"bucketCounts":[1,2]}\'',
    'grep -r "intValue":-4 . # ümlaut, 日本語, 🚀',
    'x'.repeat(300),
    'git status',
  ];
  return Array.from({ length: 240 }, (_, i) =>
    tokfEvent(
      i + 1,
      new Date(Date.UTC(2026, 2, 5, 10, Math.floor(i / 40), i % 40))
        .toISOString()
        .replace('.000Z', 'Z'),
      {
        command: commands[i % commands.length]!,
        filterName: i % 5 === 0 ? null : `filter/${i % 3}`,
        exitCode: [0, 1, -1, 2147483647, null][i % 5]!,
        inputTokens: i * 1_000_003,
        outputTokens: i % 4 === 0 ? 0 : i * 17,
        filterTimeMs: i % 9 === 0 ? 0 : i * 3.25,
      },
    ),
  );
}

describe('int64AsStrings', () => {
  it('quotes exactly what the text rewrite quoted, byte for byte', () => {
    const cases = [
      '{"asInt":1,"intValue":-42,"count":0,"sum":1.5,"asDouble":3}',
      '{"asInt":1e+21,"intValue":-,"count":"7","asInt":-0}',
      '{"bucketCounts":[],"bucketCounts":[1,20,0],"explicitBounds":[1,2.5]}',
      '{"bucketCounts":[1,-2],"bucketCounts":[3,4.5],"bucketCounts":[5,6]}',
      '{"key":"a\\"asInt\\":5","value":{"stringValue":"\\"count\\":9 日本 🚀"},"asInt":9}',
      '{"discount":5,"Count":6,"count" :7,"asInt":12345678901234567890}',
      '"count":1',
      '',
      'no keys at all: ü',
    ];
    for (const c of cases) expect(text(int64AsStrings(bytes(c)))).toBe(text(textFixUp(bytes(c))));
  });

  it('leaves a body without such numbers as it is', () => {
    const body = bytes('{"resourceSpans":[]}');
    expect(int64AsStrings(body)).toEqual(body);
  });

  it('reads a view into a larger buffer at its own offset', () => {
    const whole = bytes('xxxx{"asInt":5}yyyy');
    const view = whole.subarray(4, 15);
    expect(text(int64AsStrings(view))).toBe('{"asInt":"5"}');
  });
});

/**
 * The transformer's own JSON for each request (taken from the serializer as it returns it) and the
 * body sent: the body must be today's fix-up of exactly that output.
 */
describe('OTLP/JSON bodies: the transformer output fixed up, as before', () => {
  afterEach(() => jest.restoreAllMocks());

  function expectFixedUp(
    serializer: { serializeRequest: (arg: never) => Uint8Array | undefined },
    encode: () => { body: Uint8Array }[],
  ): void {
    const spy = jest.spyOn(serializer, 'serializeRequest');
    const requests = encode();
    const raw = spy.mock.results.map((r) => r.value as Uint8Array);
    // A split encodes parts that are not sent: the bodies sent are among the fixed-up outputs.
    const fixed = raw.map((b) => Buffer.from(textFixUp(b)).toString('hex'));
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) expect(fixed).toContain(Buffer.from(r.body).toString('hex'));
    // The fix-up changed something: the sample has such numbers.
    expect(raw.some((b) => Buffer.compare(Buffer.from(b), Buffer.from(textFixUp(b))) !== 0)).toBe(
      true,
    );
  }

  it('metrics, delta points', () => {
    expectFixedUp(JsonMetricsSerializer, () =>
      encodeRequests(sample(), RESOURCE, 'http/json', 64 * 1024),
    );
  });

  it('metrics, cumulative points continuing a ledger', () => {
    const events = sample();
    const first = encodeRequests(events.slice(0, 100), RESOURCE, 'http/json', 1 << 20, {
      temporality: 'cumulative',
      ledger: new Map(),
    });
    const ledger = first[0]!.totals!;
    expectFixedUp(JsonMetricsSerializer, () =>
      encodeRequests(events.slice(100), RESOURCE, 'http/json', 64 * 1024, {
        temporality: 'cumulative',
        ledger,
      }),
    );
  });

  it('logs', () => {
    expectFixedUp(JsonLogsSerializer, () =>
      encodeLogRequests(sample(), RESOURCE, 'http/json', 64 * 1024, 1_772_706_133_456),
    );
  });

  it('traces', () => {
    expectFixedUp(JsonTraceSerializer, () =>
      encodeSpanRequests(sample(), RESOURCE, 'http/json', 64 * 1024),
    );
  });
});
