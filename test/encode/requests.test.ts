import { encodeRequests } from '../../src/encode/requests.js';
import {
  decodeMetricsRequestJson,
  decodeMetricsRequestProtobuf,
  flattenPoints,
} from '../helpers/otlp-proto.js';
import { tokfEvent } from '../helpers/events.js';

const RESOURCE = { 'service.name': 'tokf', 'service.version': '0.2.52' };

function manyEvents(n: number) {
  return Array.from({ length: n }, (_, i) =>
    tokfEvent(
      i + 1,
      new Date(Date.UTC(2026, 2, 5, 10, 0, Math.floor(i / 3))).toISOString().replace('.000Z', 'Z'),
      {
        command: `cargo test --package crate-${i % 7}`,
      },
    ),
  );
}

describe('encodeRequests', () => {
  it('encodes protobuf that the official schema decodes, timestamps exact, start one second earlier', () => {
    const [req] = encodeRequests(
      [tokfEvent(1, '2026-03-05T10:22:13Z')],
      RESOURCE,
      'http/protobuf',
      1 << 20,
    );
    const points = flattenPoints(decodeMetricsRequestProtobuf(req!.body));
    expect(points).toHaveLength(5);
    for (const p of points) {
      expect(p.timeUnixNano).toBe('1772706133000000000');
      expect(p.startTimeUnixNano).toBe('1772706132000000000');
      expect(p.temporality).toBe(1);
      expect(p.scope).toBe('tokf');
      expect(p.resource).toEqual(RESOURCE);
    }
    expect(points.map((p) => [p.metric, p.kind, p.unit])).toEqual([
      ['tokf.filter.invocations', 'sum', '{invocation}'],
      ['tokf.tokens.saved', 'sum', '{token}'],
      ['gen_ai.client.token.usage', 'histogram', '{token}'],
      ['gen_ai.client.token.usage', 'histogram', '{token}'],
      ['tokf.filter.duration', 'histogram', 's'],
    ]);
    expect(points[0]).toMatchObject({ isMonotonic: true, value: 1, valueType: 'int' });
    expect(points[0]!.attributes).toEqual({
      'tokf.command': 'cargo test',
      'tokf.exit_code': 0,
      'tokf.filter.name': 'cargo/test',
    });
    expect(points[4]).toMatchObject({
      count: 1,
      sum: 0.012,
      explicitBounds: [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000],
    });
    expect(req!.points).toEqual({
      'tokf.filter.invocations': 1,
      'tokf.tokens.saved': 1,
      'gen_ai.client.token.usage': 2,
      'tokf.filter.duration': 1,
    });
  });

  it('encodes JSON that decodes to the same points as protobuf', () => {
    const events = manyEvents(20);
    const [pb] = encodeRequests(events, RESOURCE, 'http/protobuf', 1 << 20);
    const [json] = encodeRequests(events, RESOURCE, 'http/json', 1 << 20);
    const fromJson = decodeMetricsRequestJson(new TextDecoder().decode(json!.body));
    expect(fromJson.issues).toEqual([]);
    expect(fromJson.notes).toEqual([]);
    expect(flattenPoints(fromJson.decoded)).toEqual(
      flattenPoints(decodeMetricsRequestProtobuf(pb!.body)),
    );
  });

  it('splits a batch over the byte cap, keeping seconds together and every event once', () => {
    const events = manyEvents(300);
    const whole = encodeRequests(events, RESOURCE, 'http/protobuf', 1 << 30);
    expect(whole).toHaveLength(1);
    const cap = Math.ceil(whole[0]!.body.byteLength / 5);
    const parts = encodeRequests(events, RESOURCE, 'http/protobuf', cap);
    expect(parts.length).toBeGreaterThanOrEqual(5);
    for (const p of parts) expect(p.body.byteLength).toBeLessThanOrEqual(cap);
    expect(parts.flatMap((p) => p.events.map((e) => e.id))).toEqual(events.map((e) => e.id));
    for (let i = 1; i < parts.length; i++) {
      expect(parts[i]!.events[0]!.epochSeconds).not.toBe(parts[i - 1]!.events.at(-1)!.epochSeconds);
    }
    const invocations = parts
      .flatMap((p) => flattenPoints(decodeMetricsRequestProtobuf(p.body)))
      .filter((p) => p.metric === 'tokf.filter.invocations');
    expect(invocations.reduce((s, p) => s + (p.value ?? 0), 0)).toBe(300);
  });

  it('sends a single event over the cap alone rather than dropping it', () => {
    const huge = tokfEvent(1, '2026-03-05T10:22:13Z', { command: 'x'.repeat(5000) });
    const parts = encodeRequests([huge], RESOURCE, 'http/protobuf', 100);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.events).toEqual([huge]);
  });
});
