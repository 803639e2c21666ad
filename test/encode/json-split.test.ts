/**
 * OTLP/JSON batches over the request cap are split without encoding them whole first where that
 * cannot change the requests: they must be exactly the requests of encoding whole, then splitting.
 */
import { jest } from '@jest/globals';
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { aggregate } from '../../src/encode/aggregate.js';
import {
  cumulate,
  overlay,
  type SeriesLedger,
  type SeriesTotals,
} from '../../src/encode/cumulative.js';
import { encodeRequests, type Encoding } from '../../src/encode/requests.js';
import { toResourceMetrics } from '../../src/encode/resource-metrics.js';
import { serialize } from '../../src/encode/serialize.js';
import type { TokfEvent } from '../../src/source/tokf-event.js';
import { tokfEvent } from '../helpers/events.js';

const RESOURCE = { 'service.name': 'tokf', 'service.version': '0.2.52' };

/**
 * Encoding whole, and halving at a change of second near the middle until each part fits (before
 * encoding where the text alone is far over the cap), as encodeRequests always has.
 */
function reference(
  events: TokfEvent[],
  maxBytes: number,
  encoding: Encoding,
): { body: string; events: number[] }[] {
  const text = events.reduce((n, e) => n + 5 * (e.command.length + (e.filterName?.length ?? 0)), 0);
  if (events.length > 1 && text > 2 * maxBytes) return halves(events, maxBytes, encoding);
  const deltas = aggregate(events);
  const cumulated =
    encoding.temporality === 'cumulative' ? cumulate(deltas, encoding.ledger, RESOURCE) : undefined;
  const body = serialize(
    toResourceMetrics(cumulated?.points ?? deltas, RESOURCE, encoding.temporality),
    'http/json',
  );
  if (body.byteLength <= maxBytes || events.length <= 1)
    return [{ body: Buffer.from(body).toString('hex'), events: events.map((e) => e.id) }];
  return halves(events, maxBytes, encoding);
}

function halves(
  events: TokfEvent[],
  maxBytes: number,
  encoding: Encoding,
): { body: string; events: number[] }[] {
  const mid = Math.floor(events.length / 2);
  let cut = mid;
  search: for (let d = 0; d <= Math.floor(events.length / 4); d++) {
    for (const i of [mid - d, mid + d]) {
      if (i > 0 && i < events.length && events[i]!.epochSeconds !== events[i - 1]!.epochSeconds) {
        cut = i;
        break search;
      }
    }
  }
  const first = reference(events.slice(0, cut), maxBytes, encoding);
  let next = encoding;
  if (encoding.temporality === 'cumulative') {
    const totals = cumulate(aggregate(events.slice(0, cut)), encoding.ledger, RESOURCE).totals;
    next = { temporality: 'cumulative', ledger: overlay(encoding.ledger, totals) };
  }
  return [...first, ...reference(events.slice(cut), maxBytes, next)];
}

function events(n: number, perSecond: number): TokfEvent[] {
  return Array.from({ length: n }, (_, i) =>
    tokfEvent(
      i + 1,
      new Date(Date.UTC(2026, 2, 5, 10, 0, 0) + Math.floor(i / perSecond) * 1000)
        .toISOString()
        .replace('.000Z', 'Z'),
      {
        command: `cargo test --package crate-${i % 13} ${'x'.repeat(i % 40)}`,
        filterName: i % 4 === 0 ? null : `cargo/test-${i % 3}`,
        exitCode: i % 9 === 0 ? 1 : 0,
        inputTokens: 1000 + i,
        filterTimeMs: (i % 50) * 1.5,
      },
    ),
  );
}

const asSent = (rs: { body: Uint8Array; events: TokfEvent[] }[]) =>
  rs.map((r) => ({ body: Buffer.from(r.body).toString('hex'), events: r.events.map((e) => e.id) }));

describe('OTLP/JSON batches over the cap', () => {
  afterEach(() => jest.restoreAllMocks());

  it('are encoded whole where foreseen over the cap but not surely so, and then fit', () => {
    const maxBytes = 60 * 1024;
    const delta: Encoding = { temporality: 'delta' };
    // Learned from events one a second: far more bytes per event than events that share seconds.
    encodeRequests(events(40, 1), RESOURCE, 'http/json', maxBytes, delta);
    const perEvent =
      serialize(toResourceMetrics(aggregate(events(40, 1)), RESOURCE), 'http/json').byteLength / 40;
    // Events of one series, many a second: one point each second.
    const shared = Array.from({ length: 4000 }, (_, i) =>
      tokfEvent(
        i + 1,
        new Date(Date.UTC(2026, 2, 5, 10) + Math.floor(i / 50) * 1000)
          .toISOString()
          .replace('.000Z', 'Z'),
      ),
    );
    let n = Math.ceil(maxBytes / perEvent) + 1;
    while (reference(shared.slice(0, n + 10), maxBytes, delta).length === 1) n += 10;
    const batch = shared.slice(0, n);
    expect(n * perEvent).toBeGreaterThan(maxBytes);
    const want = reference(batch, maxBytes, delta);
    expect(want).toHaveLength(1);
    const spy = jest.spyOn(JsonMetricsSerializer, 'serializeRequest');
    expect(asSent(encodeRequests(batch, RESOURCE, 'http/json', maxBytes, delta))).toEqual(want);
    // Split first (the halves and the bound), found to fit, and encoded whole.
    expect(spy.mock.calls.length).toBeGreaterThan(1);
  });

  it.each([
    ['delta', 'delta'],
    ['cumulative', 'cumulative'],
  ] as const)(
    'are encoded whole where ids are out of time order across the cut, and fit (%s)',
    (_, temporality) => {
      const encoding: Encoding =
        temporality === 'delta'
          ? { temporality }
          : { temporality, ledger: new Map<string, SeriesTotals>() };
      // Runs overlapping: tokf stamps each as it ends, so ids alternate between two seconds,
      // and each series has a point in both seconds on either side of any cut.
      const at = (s: number) =>
        new Date(Date.UTC(2026, 2, 5, 10) + s * 1000).toISOString().replace('.000Z', 'Z');
      const batch = Array.from({ length: 32 }, (_, i) =>
        tokfEvent(1000 + i, at(i % 2), { command: `cargo build -p crate-${i % 8}` }),
      );
      const whole = reference(batch, Number.MAX_SAFE_INTEGER, encoding);
      const maxBytes = Buffer.from(whole[0]!.body, 'hex').byteLength + 100;
      const want = reference(batch, maxBytes, encoding);
      expect(want).toHaveLength(1);
      // Learned from events one a second: this batch is foreseen far over the cap.
      encodeRequests(events(40, 1), RESOURCE, 'http/json', 1 << 30, { temporality: 'delta' });
      const perEvent =
        serialize(toResourceMetrics(aggregate(events(40, 1)), RESOURCE), 'http/json').byteLength /
        40;
      expect(batch.length * perEvent).toBeGreaterThan(2 * maxBytes);
      expect(asSent(encodeRequests(batch, RESOURCE, 'http/json', maxBytes, encoding))).toEqual(
        want,
      );
    },
  );

  it.each([
    ['delta, one event a second', 1, 'delta'],
    ['delta, many events a second', 7, 'delta'],
    ['cumulative, many events a second', 5, 'cumulative'],
  ] as const)(
    'are the requests of encoding whole then splitting: %s',
    (_, perSecond, temporality) => {
      const all = events(900, perSecond);
      const ledger: SeriesLedger = new Map<string, SeriesTotals>();
      const encoding: Encoding =
        temporality === 'delta' ? { temporality } : { temporality, ledger };
      // The first batch teaches the size of an event; the later ones are foreseen over the cap.
      const sizes = [300, 600, 900];
      const maxBytes = 60 * 1024;
      let from = 0;
      for (const to of sizes) {
        const batch = all.slice(from, to);
        from = to;
        const spy = jest.spyOn(JsonMetricsSerializer, 'serializeRequest');
        const got = asSent(encodeRequests(batch, RESOURCE, 'http/json', maxBytes, encoding));
        const encodes = spy.mock.calls.length;
        spy.mockRestore();
        const want = reference(batch, maxBytes, encoding);
        expect(got.length).toBeGreaterThan(2);
        expect(got).toEqual(want);
        if (to > 300) {
          // Fewer encodings than whole-then-split: each batch body, and the bodies over the cap.
          expect(encodes).toBeLessThan(2 * want.length - 1);
        }
      }
    },
  );
});
