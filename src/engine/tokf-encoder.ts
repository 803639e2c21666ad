import type { DatabaseSync } from 'node:sqlite';
import type { Signal } from '../config/endpoint.js';
import type { SyncConfig } from '../config/sync-config.js';
import { overlay, type SeriesLedger, type SeriesTotals } from '../encode/cumulative.js';
import { encodeRequests, type EncodedRequest } from '../encode/requests.js';
import { encodeSignalRequests } from '../encode/signal-requests.js';
import { RowOrigins } from '../progress/lineage.js';
import type { TokfEvent } from '../source/tokf-event.js';

/**
 * Turns a replay's batches into requests for its signal. Cumulative metrics continue each series
 * from its totals: those acknowledged (`encode`), or those of the requests encoded ahead of their
 * acknowledgement (`encodeAhead`), which Delivery throws away (`speculationLost`) when a request
 * is not acknowledged whole.
 */
export class TokfEncoder {
  /** Cumulative: the totals of requests encoded ahead of their acknowledgement. */
  private readonly projected = new Map<string, SeriesTotals>();
  /** Traces: where each row was first recorded, read when the first span is encoded. */
  private origins: RowOrigins | undefined;

  constructor(
    private readonly config: Pick<SyncConfig, 'resource' | 'protocol' | 'maxRequestBytes'>,
    private readonly signal: Signal,
    private readonly db: DatabaseSync,
    private readonly now: () => number,
    /** Cumulative: the series' totals acknowledged so far; undefined for delta. */
    private readonly ledger: Map<string, SeriesTotals> | undefined,
  ) {}

  get cumulative(): boolean {
    return this.ledger !== undefined;
  }

  /** Cumulative points continue from the totals acknowledged so far (see Delivery). */
  encode(events: TokfEvent[]): EncodedRequest[] {
    return this.encodeOver(events, this.ledger);
  }

  /**
   * Cumulative points continue from the totals of the requests encoded before, acknowledged or
   * not; Delivery encodes again what follows a request that was not acknowledged whole.
   */
  encodeAhead(events: TokfEvent[]): EncodedRequest[] {
    if (this.ledger === undefined) return this.encode(events);
    const requests = this.encodeOver(events, overlay(this.ledger, this.projected));
    for (const r of requests)
      for (const [key, totals] of r.totals ?? []) this.projected.set(key, totals);
    return requests;
  }

  /** The requests encoded ahead will be encoded again from the acknowledged totals. */
  speculationLost(): void {
    this.projected.clear();
  }

  acknowledged(request: EncodedRequest): void {
    if (this.ledger === undefined || request.totals === undefined) return;
    for (const [key, totals] of request.totals) this.ledger.set(key, totals);
  }

  private encodeOver(events: TokfEvent[], ledger: SeriesLedger | undefined): EncodedRequest[] {
    const { resource, protocol, maxRequestBytes } = this.config;
    if (this.signal !== 'metrics') {
      const named = this.signal === 'traces' ? this.withOrigins(events) : events;
      return encodeSignalRequests(
        this.signal,
        named,
        resource,
        protocol,
        maxRequestBytes,
        this.now(),
      );
    }
    const encoding =
      ledger === undefined
        ? ({ temporality: 'delta' } as const)
        : ({ temporality: 'cumulative', ledger } as const);
    return encodeRequests(events, resource, protocol, maxRequestBytes, encoding);
  }

  /** Span ids come from a row's origin where it has one: a merged copy resends the same span. */
  private withOrigins(events: TokfEvent[]): TokfEvent[] {
    this.origins ??= RowOrigins.load(this.db);
    const origins = this.origins;
    return events.map((e) => {
      const origin = origins.of(e.id);
      return origin === undefined ? e : { ...e, origin };
    });
  }
}
