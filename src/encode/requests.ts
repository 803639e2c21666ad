import type { Protocol } from '../config/vocabulary.js';
import type { TokfEvent } from '../source/tokf-event.js';
import { aggregate, type AggregatedPoint, type MetricEvent, type PointPool } from './aggregate.js';
import { cumulate, overlay, type SeriesLedger, type SeriesTotals } from './cumulative.js';
import type { Instrument } from './instruments.js';
import { toResourceMetrics } from './resource-metrics.js';
import { serialize } from './serialize.js';

/** One encoded request and the events it carries. */
export interface EncodedRequest<E = TokfEvent> {
  body: Uint8Array;
  events: E[];
  /** Points per metric name in this request. */
  points: Record<string, number>;
  /** Cumulative only: the totals its series reach, to record when it is acknowledged. */
  totals?: Map<string, SeriesTotals>;
}

/** How points are encoded: deltas, or running totals continuing from `ledger`. */
export type Encoding =
  { temporality: 'delta' } | { temporality: 'cumulative'; ledger: SeriesLedger };

const DELTA: Encoding = { temporality: 'delta' };

/**
 * Encodes events into as few requests as fit `maxBytes` each, splitting the list in two (at a
 * change of second where one is near the middle, so a second's points stay together) until each
 * part fits. A single event larger than the cap is sent alone: there is nothing left to split.
 * `pool`: where the points come from (an encoder's own, see PointPool), or fresh ones.
 */
export function encodeRequests<E extends MetricEvent = TokfEvent>(
  events: E[],
  resource: Record<string, string>,
  protocol: Protocol,
  maxBytes: number,
  encoding: Encoding = DELTA,
  pool?: PointPool,
): EncodedRequest<E>[] {
  if (events.length === 0) return [];
  // Long commands make big points; when the text alone would be far over the cap, split before
  // encoding, so that no body many times the cap is ever built.
  if (events.length > 1 && estimatedBytes(events) > 2 * maxBytes) {
    return split(events, resource, protocol, maxBytes, encoding, pool);
  }
  // OTLP/JSON is several times larger than protobuf: a batch that will not fit is split before
  // its whole body is encoded only to be thrown away (see splitIfSurelyOver).
  if (
    protocol === 'http/json' &&
    events.length > 1 &&
    events.length * jsonBytesPerEvent > maxBytes
  ) {
    const parts = splitIfSurelyOver(events, resource, maxBytes, encoding, pool);
    if (parts !== undefined) return parts;
  }
  const deltas = aggregate(events, pool);
  const cumulated =
    encoding.temporality === 'cumulative'
      ? cumulate(deltas, encoding.ledger, resource, pool)
      : undefined;
  const points = cumulated?.points ?? deltas;
  const forProtobuf = protocol === 'http/protobuf';
  const body = serialize(
    toResourceMetrics(points, resource, encoding.temporality, forProtobuf),
    protocol,
  );
  if (protocol === 'http/json') jsonBytesPerEvent = body.byteLength / events.length;
  if (body.byteLength <= maxBytes || events.length <= 1) {
    const counts: Record<string, number> = {};
    for (const [instrument, list] of points)
      if (list.length > 0) counts[instrument.name] = list.length;
    return [{ body, events, points: counts, ...(cumulated && { totals: cumulated.totals }) }];
  }
  return split(events, resource, protocol, maxBytes, encoding, pool);
}

/** OTLP/JSON bytes per event of the last body encoded whole, to foresee one over the cap. */
let jsonBytesPerEvent = 0;

/**
 * The requests a batch that does not fit is split into, made without encoding it whole, where that
 * is certain not to change them; undefined where it is not (the batch is then encoded whole, as
 * always). Split where every event after the cut is in a later second than every one before it,
 * the whole body would hold both halves' points unchanged (no point of a series and second is in
 * both; cumulative totals continue across the cut either way), one envelope and one wrapper per
 * metric: it is at least as long as a half, and at least as long as both halves less one envelope
 * and the wrappers of the metrics in the first, which a body of one point per metric of the first
 * half outweighs. Over the cap by that bound, the whole would have been split at the same cut,
 * into these same requests.
 */
function splitIfSurelyOver<E extends MetricEvent>(
  events: E[],
  resource: Record<string, string>,
  maxBytes: number,
  encoding: Encoding,
  pool: PointPool | undefined,
): EncodedRequest<E>[] | undefined {
  const cut = splitPoint(events);
  // Ids are not always in time order (tokf stamps a run as it ends, and runs overlap): a series'
  // second on both sides of the cut is one point in the whole body, two in the halves.
  if (!laterAfter(events, cut)) return undefined;
  const parts = split(events, resource, 'http/json', maxBytes, encoding, pool);
  // A half that was split is itself over the cap; so is the whole.
  if (parts.length > 2) return parts;
  const probe = new Map<Instrument, AggregatedPoint[]>();
  for (const [instrument, list] of aggregate(events.slice(0, cut), pool))
    if (list.length > 0) probe.set(instrument, list.slice(0, 1));
  const shared = serialize(
    toResourceMetrics(probe, resource, encoding.temporality),
    'http/json',
  ).byteLength;
  const bodies = parts.reduce((n, r) => n + r.body.byteLength, 0);
  return bodies - shared > maxBytes ? parts : undefined;
}

/** Whether every event from `cut` on is in a later second than every event before it. */
function laterAfter(events: readonly MetricEvent[], cut: number): boolean {
  let last = -Infinity;
  for (const [i, { epochSeconds: s }] of events.entries()) {
    if (s === undefined) return false;
    if (i < cut) last = Math.max(last, s);
    else if (s <= last) return false;
  }
  return true;
}

/** Two halves, the second continuing the first's totals when cumulative. */
function split<E extends MetricEvent>(
  events: E[],
  resource: Record<string, string>,
  protocol: Protocol,
  maxBytes: number,
  encoding: Encoding,
  pool: PointPool | undefined,
): EncodedRequest<E>[] {
  const cut = splitPoint(events);
  const first = encodeRequests(events.slice(0, cut), resource, protocol, maxBytes, encoding, pool);
  let next = encoding;
  if (encoding.temporality === 'cumulative') {
    let ledger = encoding.ledger;
    for (const r of first) if (r.totals !== undefined) ledger = overlay(ledger, r.totals);
    next = { temporality: 'cumulative', ledger };
  }
  return [...first, ...encodeRequests(events.slice(cut), resource, protocol, maxBytes, next, pool)];
}

/** A lower bound of a request's size: five points per event, each repeating the attributes. */
function estimatedBytes(events: readonly MetricEvent[]): number {
  let bytes = 0;
  for (const e of events) bytes += 5 * (e.command.length + (e.filterName?.length ?? 0));
  return bytes;
}

function splitPoint(events: readonly MetricEvent[]): number {
  const mid = Math.floor(events.length / 2);
  const reach = Math.floor(events.length / 4);
  for (let d = 0; d <= reach; d++) {
    for (const i of [mid - d, mid + d]) {
      if (i > 0 && i < events.length && events[i]!.epochSeconds !== events[i - 1]!.epochSeconds)
        return i;
    }
  }
  return mid;
}
