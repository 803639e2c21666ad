import type { Protocol } from '../config/vocabulary.js';
import type { TokfEvent } from '../source/tokf-event.js';
import { PointPool, type MetricEvent } from './aggregate.js';
import { overlay, type SeriesTotals } from './cumulative.js';
import { encodeRequests, type EncodedRequest, type Encoding } from './requests.js';

/** What a metrics encoding needs to know of the run: where, how, and how large. */
export interface MetricsSettings {
  resource: Record<string, string>;
  protocol: Protocol;
  maxRequestBytes: number;
}

/**
 * Metric requests of a replay, in the order they will be sent. Cumulative points continue each
 * series from its totals: those acknowledged (`encode`), or those of the requests encoded ahead of
 * their acknowledgement (`encodeAhead`), thrown away (`speculationLost`) when a request is not
 * acknowledged whole. The same state runs in this thread or in an encoding thread (see
 * encode-thread.ts), fed the same calls in the same order.
 */
export class MetricsEncoder {
  /** The points of each encoding, made once (see PointPool): one encoding at a time uses them. */
  private readonly pool = new PointPool();

  constructor(
    private readonly settings: MetricsSettings,
    /** Cumulative: the series' totals acknowledged so far; undefined for delta. */
    private readonly ledger: Map<string, SeriesTotals> | undefined,
    /** Cumulative: the totals of requests encoded ahead of their acknowledgement. */
    private readonly projected = new Map<string, SeriesTotals>(),
  ) {}

  get cumulative(): boolean {
    return this.ledger !== undefined;
  }

  /** Continuing the totals acknowledged so far. */
  encode<E extends MetricEvent = TokfEvent>(events: E[]): EncodedRequest<E>[] {
    return this.encodeOver(
      events,
      this.ledger && { temporality: 'cumulative', ledger: this.ledger },
    );
  }

  /** Continuing the totals of the requests encoded before, acknowledged or not. */
  encodeAhead<E extends MetricEvent = TokfEvent>(events: E[]): EncodedRequest<E>[] {
    if (this.ledger === undefined) return this.encode(events);
    const ledger = overlay(this.ledger, this.projected);
    const requests = this.encodeOver(events, { temporality: 'cumulative', ledger });
    for (const r of requests) this.project(r.totals);
    return requests;
  }

  /** Totals of requests encoded ahead elsewhere (before an encoding thread took over). */
  project(totals: ReadonlyMap<string, SeriesTotals> | undefined): void {
    for (const [key, t] of totals ?? []) this.projected.set(key, t);
  }

  /** The requests encoded ahead will be encoded again from the acknowledged totals. */
  speculationLost(): void {
    this.projected.clear();
  }

  acknowledged(totals: ReadonlyMap<string, SeriesTotals> | undefined): void {
    if (this.ledger === undefined || totals === undefined) return;
    for (const [key, t] of totals) this.ledger.set(key, t);
  }

  /** The state an encoding thread starts from, to continue where this one is. */
  state(): { ledger: Map<string, SeriesTotals> | undefined; projected: Map<string, SeriesTotals> } {
    return { ledger: this.ledger, projected: this.projected };
  }

  private encodeOver<E extends MetricEvent>(
    events: E[],
    encoding: Encoding | undefined,
  ): EncodedRequest<E>[] {
    const { resource, protocol, maxRequestBytes } = this.settings;
    return encodeRequests(events, resource, protocol, maxRequestBytes, encoding, this.pool);
  }
}
