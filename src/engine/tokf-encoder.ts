import type { DatabaseSync } from 'node:sqlite';
import type { Signal } from '../config/vocabulary.js';
import type { SyncConfig } from '../config/sync-config.js';
import type { SeriesTotals } from '../encode/cumulative.js';
import type { EncodeThreadStart } from '../encode/encode-service.js';
import { EncodeThread } from '../encode/encode-thread.js';
import { MetricsEncoder } from '../encode/metrics-encoder.js';
import type { EncodedRequest } from '../encode/requests.js';
import { encodeSignalRequests } from '../encode/signal-requests.js';
import { RowOrigins } from '../progress/lineage.js';
import type { TokfEvent } from '../source/tokf-event.js';

/**
 * Batches encoded ahead in this thread before a run starts an encoding thread, after the next
 * one: a run of up to 10k events (the common CI run, five batches at the default size) never pays
 * for starting it, and no batch waits on it while it starts.
 */
const BATCHES_BEFORE_THREAD = 5;

/** Starts an encoding thread, or none where it is not worth it. */
export type ThreadStarter = (start: EncodeThreadStart) => EncodeThread | undefined;

/** For a run whose main thread is bound by other work (see TokfPass). */
export const noEncodingThread: ThreadStarter = () => undefined;

/** Where there is a second core and the thread's script (see EncodeThread.worthStarting). */
const startWhereWorth: ThreadStarter = (start) =>
  EncodeThread.worthStarting() ? new EncodeThread(start) : undefined;

/**
 * Turns a tokf database's events into requests for their signal. Cumulative metrics continue each
 * series from its totals: those acknowledged (`encode`), or those of the requests encoded ahead of
 * their acknowledgement (`encodeAhead`), thrown away (`speculationLost`) when one was not
 * acknowledged whole. Metrics of a run of several batches are encoded ahead on a thread of their
 * own (see EncodeThread), told of every acknowledgement and lost speculation in the order this one
 * sees them, so that it encodes what this thread would have.
 */
export class TokfEncoder {
  /** Metrics: the points' encoder (with the totals of cumulative series). */
  private readonly metrics: MetricsEncoder | undefined;
  /** Metrics of a run of several batches: where batches encoded ahead are encoded. */
  private thread: EncodeThread | undefined;
  private batchesAhead = 0;
  /** Traces: where each row was first recorded, read when the first span is encoded. */
  private origins: RowOrigins | undefined;

  constructor(
    private readonly config: Pick<SyncConfig, 'resource' | 'protocol' | 'maxRequestBytes'>,
    private readonly signal: Signal,
    private readonly db: DatabaseSync,
    private readonly now: () => number,
    /** Cumulative: the series' totals acknowledged so far; undefined for delta. */
    ledger: Map<string, SeriesTotals> | undefined,
    private readonly startThread: ThreadStarter = startWhereWorth,
  ) {
    if (signal === 'metrics') {
      const { resource, protocol, maxRequestBytes } = config;
      this.metrics = new MetricsEncoder({ resource, protocol, maxRequestBytes }, ledger);
    }
  }

  get cumulative(): boolean {
    return this.metrics?.cumulative === true;
  }

  /** Cumulative points continue from the totals acknowledged so far. */
  encode(events: TokfEvent[]): EncodedRequest[] {
    if (this.metrics !== undefined) return this.metrics.encode(events);
    return this.encodeRecords(events);
  }

  /**
   * Cumulative points continue from the totals of the requests encoded before, acknowledged or
   * not. From the seventh batch on, where there is a second core, on the encoding thread, which
   * continues from the totals this one reached. Every later batch goes there, delta ones too: with
   * this thread taking one in four while the other was busy, 1M-event syncs were slower, not faster
   * (a median of 19.8 s against 17.8 s over five alternating pairs), since the reads that keep the
   * other thread fed waited on it, and peak RSS was about 4 MB higher.
   */
  encodeAhead(events: TokfEvent[]): EncodedRequest[] | Promise<EncodedRequest[]> {
    if (this.metrics === undefined) return this.encodeRecords(events);
    if (this.thread !== undefined) return this.thread.encodeAhead(events);
    const requests = this.metrics.encodeAhead(events);
    this.batchesAhead += 1;
    if (this.batchesAhead === BATCHES_BEFORE_THREAD + 1) {
      const { resource, protocol, maxRequestBytes } = this.config;
      this.thread = this.startThread({
        settings: { resource, protocol, maxRequestBytes },
        ...this.metrics.state(),
      });
    }
    return requests;
  }

  /** The requests encoded ahead will be encoded again from the acknowledged totals. */
  speculationLost(): void {
    this.metrics?.speculationLost();
    this.thread?.speculationLost();
  }

  /** An acknowledged request's totals are its series' from now on (here and on the thread). */
  acknowledged(request: EncodedRequest): void {
    if (this.metrics?.cumulative !== true || request.totals === undefined) return;
    this.metrics.acknowledged(request.totals);
    this.thread?.acknowledged(request.totals);
  }

  /** Ends the encoding thread, if the run started one. */
  close(): void {
    this.thread?.close();
  }

  private encodeRecords(events: TokfEvent[]): EncodedRequest[] {
    const { resource, protocol, maxRequestBytes } = this.config;
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
