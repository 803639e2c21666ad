import type { Protocol } from '../config/vocabulary.js';
import type { TokfEvent } from '../source/tokf-event.js';
import { aggregate, type MetricEvent } from './aggregate.js';
import { cumulate, overlay, type SeriesLedger, type SeriesTotals } from './cumulative.js';
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
 */
export function encodeRequests<E extends MetricEvent = TokfEvent>(
  events: E[],
  resource: Record<string, string>,
  protocol: Protocol,
  maxBytes: number,
  encoding: Encoding = DELTA,
): EncodedRequest<E>[] {
  if (events.length === 0) return [];
  // Long commands make big points; when the text alone would be far over the cap, split before
  // encoding, so that no body many times the cap is ever built.
  if (events.length > 1 && estimatedBytes(events) > 2 * maxBytes) {
    return split(events, resource, protocol, maxBytes, encoding);
  }
  const deltas = aggregate(events);
  const cumulated =
    encoding.temporality === 'cumulative' ? cumulate(deltas, encoding.ledger, resource) : undefined;
  const points = cumulated?.points ?? deltas;
  const body = serialize(toResourceMetrics(points, resource, encoding.temporality), protocol);
  if (body.byteLength <= maxBytes || events.length <= 1) {
    const counts: Record<string, number> = {};
    for (const [instrument, list] of points)
      if (list.length > 0) counts[instrument.name] = list.length;
    return [{ body, events, points: counts, ...(cumulated && { totals: cumulated.totals }) }];
  }
  return split(events, resource, protocol, maxBytes, encoding);
}

/** Two halves, the second continuing the first's totals when cumulative. */
function split<E extends MetricEvent>(
  events: E[],
  resource: Record<string, string>,
  protocol: Protocol,
  maxBytes: number,
  encoding: Encoding,
): EncodedRequest<E>[] {
  const cut = splitPoint(events);
  const first = encodeRequests(events.slice(0, cut), resource, protocol, maxBytes, encoding);
  let next = encoding;
  if (encoding.temporality === 'cumulative') {
    let ledger = encoding.ledger;
    for (const r of first) if (r.totals !== undefined) ledger = overlay(ledger, r.totals);
    next = { temporality: 'cumulative', ledger };
  }
  return [...first, ...encodeRequests(events.slice(cut), resource, protocol, maxBytes, next)];
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
