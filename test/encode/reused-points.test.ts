/**
 * ReusedPoints: one object per pass, refilled for each point, so that a reader that is done with a
 * point before the next (the transformer's protobuf writer) sees every point; and the protobuf
 * bodies written from it are those written from one object per point.
 */
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { aggregate } from '../../src/encode/aggregate.js';
import { cumulate } from '../../src/encode/cumulative.js';
import { toResourceMetrics } from '../../src/encode/resource-metrics.js';
import { ReusedPoints } from '../../src/encode/reused-points.js';
import { RESOURCE, sampleEvents } from '../helpers/request-bodies.js';

describe('ReusedPoints', () => {
  const sources = [3, 1, 4, 1, 5];
  const points = () =>
    new ReusedPoints(
      sources,
      () => ({ value: 0 }),
      (into, n) => (into.value = n * 10),
    );

  it('refills one object for every point of a pass, and starts each pass afresh', () => {
    const view = points();
    const seen: number[] = [];
    const objects = new Set<object>();
    for (const p of view) {
      seen.push(p.value);
      objects.add(p);
    }
    expect(seen).toEqual([30, 10, 40, 10, 50]);
    expect(objects.size).toBe(1);
    // A second pass (the writer sizes the body, then writes it) sees the same values again.
    expect(Array.from(view, (p) => p.value)).toEqual([30, 10, 40, 10, 50]);
  });

  it('ends at once for no points', () => {
    const none = new ReusedPoints<number, { value: number }>(
      [],
      () => ({ value: 0 }),
      () => {},
    );
    expect([...none]).toEqual([]);
  });
});

describe('toResourceMetrics for the protobuf writer', () => {
  const body = (forProtobuf: boolean, temporality: 'delta' | 'cumulative') => {
    const deltas = aggregate(sampleEvents(500));
    const points =
      temporality === 'cumulative' ? cumulate(deltas, new Map(), RESOURCE).points : deltas;
    const metrics = toResourceMetrics(points, RESOURCE, temporality, forProtobuf);
    return Buffer.from(ProtobufMetricsSerializer.serializeRequest(metrics)!).toString('hex');
  };

  for (const temporality of ['delta', 'cumulative'] as const) {
    it(`writes the bodies of one object per point from reused ones (${temporality})`, () => {
      const reused = body(true, temporality);
      expect(reused).toBe(body(false, temporality));
      // Sums and histograms, many points each: not a body of one point.
      expect(reused.length).toBeGreaterThan(20_000);
    });
  }

  it('gives other readers arrays of points of their own', () => {
    const metrics = toResourceMetrics(aggregate(sampleEvents(50)), RESOURCE, 'delta');
    const [first] = metrics.scopeMetrics[0]!.metrics;
    const dataPoints: readonly object[] = first!.dataPoints;
    expect(Array.isArray(dataPoints)).toBe(true);
    expect(new Set(dataPoints).size).toBe(dataPoints.length);
  });
});
