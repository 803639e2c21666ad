import { overlay, type SeriesTotals } from '../encode/cumulative.js';
import type { EncodedRequest } from '../encode/requests.js';
import type { TokfEvent } from '../source/tokf-event.js';
import type { TokfEncoder } from './tokf-encoder.js';

/** What an encoded body becomes once its compressed form is ready (see compress). */
const RELEASED = new Uint8Array(0);

/** A batch handed to the pipeline, with its requests as encoded (again, if a speculation was lost). */
export interface Prepared {
  batch: TokfEvent[];
  requests: EncodedRequest[];
}

/** Where the requests encoded ahead go: their wire form, and the run's tally of what was encoded. */
export interface SpeculationParts {
  encoder: TokfEncoder;
  /** The body as sent (compressed), started as soon as a request is encoded. */
  wireBody: (body: Uint8Array) => Promise<Uint8Array>;
  /** Told of each batch's requests as first encoded (not of the parts of a split, nor again). */
  encoded: (requests: readonly EncodedRequest[]) => void;
}

/**
 * The work done ahead of sending, in one place: each batch is encoded (and its compression
 * started) as soon as it is read, while earlier ones are still being sent. Cumulative points then
 * continue the totals of the requests encoded before them, as if those will all be acknowledged
 * whole; when one is not (split, refused, too old), what was encoded after it is encoded again
 * from the totals acknowledged (`lost`). Acknowledgements come down here (`acknowledged`) and go
 * on to the encoder's ledger; nothing here climbs back into the pass.
 */
export class Speculation {
  /** Cumulative: the totals of requests encoded ahead of their acknowledgement. */
  private readonly projected = new Map<string, SeriesTotals>();
  /** Wire bodies started ahead of their turn, by request. */
  private readonly wires = new WeakMap<EncodedRequest, Promise<Uint8Array>>();
  /** Batches prepared and not yet started, in order. */
  private readonly queued: Prepared[] = [];
  private stopped = false;

  constructor(private readonly parts: SpeculationParts) {}

  /** Whether points carry running totals, so that a refusal of one series stops the others. */
  get cumulative(): boolean {
    return this.parts.encoder.cumulative;
  }

  /** Encodes a batch ahead of its turn and starts compressing it; queued until `started`. */
  ahead(batch: TokfEvent[]): Prepared {
    const requests = this.encodeAhead(batch);
    this.parts.encoded(requests);
    this.compress(requests);
    const job: Prepared = { batch, requests };
    this.queued.push(job);
    return job;
  }

  /** The oldest queued batch is being sent: it is no longer encoded again after a loss. */
  started(): void {
    this.queued.shift();
  }

  /**
   * Encodes events at their turn from the totals acknowledged so far: part of a refused request
   * being split, which is never encoded ahead.
   */
  encode(events: TokfEvent[]): EncodedRequest[] {
    return this.parts.encoder.encode(events);
  }

  /** The wire body started for `request`, if it was compressed ahead. */
  wire(request: EncodedRequest): Promise<Uint8Array> | undefined {
    return this.wires.get(request);
  }

  /** Told of each request once its acknowledgement is recorded: its totals are the series' now. */
  acknowledged(request: EncodedRequest): void {
    this.parts.encoder.acknowledged(request);
  }

  /**
   * `requests[index]` was not acknowledged as encoded: the requests encoded after it assumed it
   * was, so they (the rest of its batch, and every batch queued) are encoded again. Nothing to do
   * where encodings never depend on earlier requests (delta).
   */
  lost(requests: EncodedRequest[], index: number): void {
    if (!this.parts.encoder.cumulative) return;
    this.projected.clear();
    const rest = requests.slice(index + 1).flatMap((r) => r.events);
    if (rest.length > 0) requests.splice(index + 1, Infinity, ...this.reencode(rest));
    for (const later of this.queued) later.requests = this.reencode(later.batch);
  }

  /** Nothing more is sent: nothing more is compressed. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Cumulative points continue from the totals of the requests encoded before, acknowledged or
   * not; `lost` encodes again what follows a request that was not acknowledged whole.
   */
  private encodeAhead(events: TokfEvent[]): EncodedRequest[] {
    const { encoder } = this.parts;
    if (encoder.ledger === undefined) return encoder.encode(events);
    const requests = encoder.encodeOver(events, overlay(encoder.ledger, this.projected));
    for (const r of requests)
      for (const [key, totals] of r.totals ?? []) this.projected.set(key, totals);
    return requests;
  }

  /** Encoded again after a speculation was lost: counted once already, as first encoded. */
  private reencode(events: TokfEvent[]): EncodedRequest[] {
    const requests = this.encodeAhead(events);
    this.compress(requests);
    return requests;
  }

  private compress(requests: readonly EncodedRequest[]): void {
    // Once sending stopped, no job waits on these: compressing them would only hold their bodies.
    if (this.stopped) return;
    for (const r of requests) {
      const wire = this.parts.wireBody(r.body).then((body) => {
        // Only the wire body is sent from here on (a split re-encodes from the events): the
        // encoded one, ten times larger, need not wait in the queue with it.
        if (body !== r.body) r.body = RELEASED;
        return body;
      });
      wire.catch(() => {});
      this.wires.set(r, wire);
    }
  }
}
