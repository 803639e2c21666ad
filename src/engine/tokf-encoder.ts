import type { DatabaseSync } from 'node:sqlite';
import type { Signal } from '../config/vocabulary.js';
import type { SyncConfig } from '../config/sync-config.js';
import type { SeriesLedger, SeriesTotals } from '../encode/cumulative.js';
import { encodeRequests, type EncodedRequest } from '../encode/requests.js';
import { encodeSignalRequests } from '../encode/signal-requests.js';
import { RowOrigins } from '../progress/lineage.js';
import type { TokfEvent } from '../source/tokf-event.js';

/**
 * Turns a tokf database's events into requests for their signal. Cumulative metrics continue each
 * series from its totals: those acknowledged (`encode`), or any ledger given (`encodeOver`, which
 * Speculation uses to encode ahead of acknowledgements).
 */
export class TokfEncoder {
  /** Traces: where each row was first recorded, read when the first span is encoded. */
  private origins: RowOrigins | undefined;

  constructor(
    private readonly config: Pick<SyncConfig, 'resource' | 'protocol' | 'maxRequestBytes'>,
    private readonly signal: Signal,
    private readonly db: DatabaseSync,
    private readonly now: () => number,
    /** Cumulative: the series' totals acknowledged so far; undefined for delta. */
    readonly ledger: Map<string, SeriesTotals> | undefined,
  ) {}

  get cumulative(): boolean {
    return this.ledger !== undefined;
  }

  /** Cumulative points continue from the totals acknowledged so far. */
  encode(events: TokfEvent[]): EncodedRequest[] {
    return this.encodeOver(events, this.ledger);
  }

  /** An acknowledged request's totals are its series' from now on. */
  acknowledged(request: EncodedRequest): void {
    if (this.ledger === undefined || request.totals === undefined) return;
    for (const [key, totals] of request.totals) this.ledger.set(key, totals);
  }

  /** Cumulative points continue from `ledger` (undefined: delta). */
  encodeOver(events: TokfEvent[], ledger: SeriesLedger | undefined): EncodedRequest[] {
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
